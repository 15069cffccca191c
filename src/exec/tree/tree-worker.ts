/**
 * A worker in tree mode: targets behind a gateway are handed to one channel per gateway (which runs
 * `drover exec --gateway`, or asks a gateway agent, and fans out from there); targets the topology does
 * not put behind a gateway are reached directly, like a DistantWorker would.
 */
import { NodeSet } from '../../nodeset/index.js';
import { clientTimeout, nodeClients } from '../distant-worker.js';
import type { EngineClient } from '../engine.js';
import { TaskError } from '../errors.js';
import type { NodeClient } from '../node-client.js';
import type { ClientOwner } from '../run-client.js';
import type { Action, Transport } from '../transport.js';
import { Worker, type WorkerOptions } from '../worker.js';
import type { WorkerHost } from '../worker-host.js';
import { GatewayClient } from './gateway-client.js';
import { FORWARDED_INFO_KEYS, type GatewayRequest } from './gateway-protocol.js';
import { Router } from './router.js';

export class TreeWorker extends Worker {
  private clients: (NodeClient | GatewayClient)[] = [];
  private closedCount = 0;
  /** Targets per gateway, as routed at start. */
  readonly gatewayTargets = new Map<string, NodeSet>();

  constructor(
    nodes: NodeSet | string,
    action: Action,
    readonly transport: Transport,
    options: WorkerOptions = {},
  ) {
    super(typeof nodes === 'string' ? NodeSet.parse(nodes) : nodes, action, options);
  }

  protected createClients(host: WorkerHost): EngineClient[] {
    const topology = host.topology;
    if (!topology) throw new TaskError('tree mode required for distant shell command with unknown topology!');
    const owner: ClientOwner = {
      ...this.clientEvents(),
      clientClosed: () => {
        this.closedCount += 1;
        if (this.closedCount === this.clients.length) this.onClose();
      },
    };
    const info: Record<string, string | number | boolean> = {};
    for (const key of FORWARDED_INFO_KEYS) {
      const value = host.info(key);
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
        info[key] = value;
    }
    const stderr = this.stderr ?? Boolean(host.defaults('stderr'));
    const stdin = this.stdin ?? host.defaults('stdin') !== false;
    const timeout = clientTimeout(this, host);
    for (const hop of new Router(topology).dispatch(this.nodes)) {
      if (hop.gateway === undefined) {
        this.clients.push(...nodeClients(this, host, this.transport, hop.targets, owner));
        continue;
      }
      this.gatewayTargets.set(hop.gateway, hop.targets);
      const request: GatewayRequest = {
        nodes: hop.targets.toString(),
        action: this.action,
        transport: this.transport.name,
        stderr,
        stdin,
        ...(timeout !== undefined ? { timeout } : {}),
        info,
        routes: topology.routes.map(([src, dst]) => [src, dst]),
      };
      this.clients.push(
        new GatewayClient(
          owner,
          host.engine,
          this.transport,
          hop.gateway,
          hop.targets,
          request,
          host.info,
          this.autoclose,
        ),
      );
    }
    if (this.clients.length === 0) queueMicrotask(() => this.onClose());
    return this.clients;
  }

  write(data: Buffer | string): void {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (const client of this.clients) client.write(bytes);
  }

  setWriteEof(): void {
    for (const client of this.clients) client.endInput();
  }

  abort(): void {
    for (const client of this.clients) this.task.engine.stopOrCancel(client);
  }
}
