/**
 * One channel to a gateway in tree mode: it carries the action for all the targets behind that gateway
 * and reports their events as if they came from direct clients. Gateway channels are not subject to the
 * fanout (the fanout applies on the gateway, to its own connections).
 *
 * When the channel breaks (the gateway cannot be reached, crashes, or speaks nonsense) every target that
 * has not finished gets the reason as a stderr line and return code 255, ssh's code for a failed
 * connection, so the failure shows up in the results rather than as silently missing nodes.
 */
import type { NodeSet } from '../../nodeset/index.js';
import type { Engine, EngineClient } from '../engine.js';
import { RunClient, type ClientOwner } from '../run-client.js';
import type { InfoReader, Transport } from '../transport.js';
import type { GatewayEvent, GatewayRequest } from './gateway-protocol.js';

export const GATEWAY_FAILURE_RC = 255;

export class GatewayClient extends RunClient implements EngineClient {
  readonly delayable = false;
  readonly timeout = undefined;
  private readonly unfinished: Set<string>;
  private readonly errors: string[] = [];

  constructor(
    owner: ClientOwner,
    private readonly engine: Engine,
    private readonly transport: Transport,
    readonly gateway: string,
    readonly targets: NodeSet,
    private readonly request: GatewayRequest,
    private readonly info: InfoReader,
    readonly autoclose: boolean,
  ) {
    super(owner, request.stdin);
    this.unfinished = new Set(targets);
  }

  start(): void {
    try {
      this.handle = this.transport.startGateway(
        this.gateway,
        this.request,
        {
          event: (event) => this.engine.dispatch(() => this.event(event)),
          end: (error) => this.engine.dispatch(() => this.end(error)),
        },
        this.info,
      );
    } catch (error) {
      queueMicrotask(() => this.engine.dispatch(() => this.end(error as Error)));
      return;
    }
    this.flushInput(this.handle);
  }

  private event(event: GatewayEvent): void {
    if (this.finished || event.event === 'end' || event.event === 'output') return;
    if (event.event === 'error' && event.node === undefined) {
      this.errors.push(event.message);
      return;
    }
    const node = event.node;
    if (node === undefined || !this.unfinished.has(node)) return;
    switch (event.event) {
      case 'pickup':
        this.owner.onPickup(node);
        break;
      case 'line':
        this.owner.onLine(node, event.stream, Buffer.from(event.data, 'base64'));
        break;
      case 'exit':
        this.unfinished.delete(node);
        this.owner.onHangup(node, event.rc);
        break;
      case 'timeout':
        this.unfinished.delete(node);
        this.owner.onTimeout(node);
        break;
      case 'error':
        this.owner.onLine(node, 'stderr', Buffer.from(event.message));
        break;
    }
  }

  private end(error: Error | undefined): void {
    if (this.finished) return;
    this.finished = true;
    try {
      if (this.stopping === 'timeout') {
        for (const node of this.unfinished) this.owner.onTimeout(node);
      } else if (!this.stopping && this.unfinished.size > 0) {
        const reason = [...this.errors, error?.message ?? 'closed the channel early'].join('; ');
        const line = Buffer.from(`gateway ${this.gateway}: ${reason}`);
        for (const node of this.unfinished) {
          this.owner.onLine(node, 'stderr', line);
          this.owner.onHangup(node, GATEWAY_FAILURE_RC);
        }
      }
      this.unfinished.clear();
    } finally {
      try {
        this.owner.clientClosed();
      } finally {
        this.engine.clientDone(this);
      }
    }
  }
}
