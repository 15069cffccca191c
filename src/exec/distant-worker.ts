/**
 * The worker that reaches every node directly through one transport: one client per node, in node set
 * order (ranks follow it), or one client for all nodes when a templating transport runs a `%hosts`
 * command (its output is then attributed to every node).
 */
import { NodeSet } from '../nodeset/index.js';
import { CommandTemplate } from './command-template.js';
import type { EngineClient } from './engine.js';
import { WorkerError } from './errors.js';
import { NodeClient } from './node-client.js';
import type { ClientOwner } from './run-client.js';
import type { Action, Transport } from './transport.js';
import { Worker, type WorkerOptions } from './worker.js';
import type { WorkerHost } from './worker-host.js';

/** Command timeout of a worker's clients: its own, else the task's `command_timeout` when positive. */
export function clientTimeout(worker: Worker, host: WorkerHost): number | undefined {
  if (worker.timeout !== undefined && worker.timeout > 0) return worker.timeout;
  const fallback = Number(host.info('command_timeout') ?? 0);
  return fallback > 0 ? fallback : undefined;
}

/**
 * The clients that run `worker`'s action on `nodes` through `transport`: one per node, ranked in node
 * set order, or one for all of them for a `%hosts` command of a templating transport.
 */
export function nodeClients(
  worker: Worker,
  host: WorkerHost,
  transport: Transport,
  nodes: NodeSet,
  owner: ClientOwner,
): NodeClient[] {
  const stderr = worker.stderr ?? Boolean(host.defaults('stderr'));
  const stdin = worker.stdin ?? host.defaults('stdin') !== false;
  const timeout = clientTimeout(worker, host);
  const client = (key: string, rank: number, attributed: readonly string[]): NodeClient =>
    new NodeClient(
      owner,
      host.engine,
      transport,
      { key, rank, action: worker.action, stderr, stdin, info: host.info },
      attributed,
      timeout,
      worker.autoclose,
    );
  const { action } = worker;
  if (transport.templates && action.kind === 'shell' && CommandTemplate.parse(action.command).forAllNodes) {
    return [client(nodes.toString(), 0, [...nodes])];
  }
  const clients: NodeClient[] = [];
  let rank = 0;
  for (const node of nodes) clients.push(client(node, rank++, [node]));
  return clients;
}

export class DistantWorker extends Worker {
  private clients: NodeClient[] = [];
  private closedCount = 0;

  constructor(
    nodes: NodeSet | string,
    action: Action,
    readonly transport: Transport,
    options: WorkerOptions = {},
  ) {
    super(typeof nodes === 'string' ? NodeSet.parse(nodes) : nodes, action, options);
    if (action.kind === 'copy' && !transport.copies) {
      throw new WorkerError(`the ${transport.name} transport cannot copy files`);
    }
    // A bad template is reported when the worker is made, not half-way through a run.
    if (transport.templates) {
      if (action.kind === 'shell') CommandTemplate.parse(action.command);
      else {
        CommandTemplate.parse(action.source);
        CommandTemplate.parse(action.dest);
      }
    }
  }

  protected createClients(host: WorkerHost): EngineClient[] {
    const owner: ClientOwner = {
      ...this.clientEvents(),
      clientClosed: () => {
        this.closedCount += 1;
        if (this.closedCount === this.clients.length) this.onClose();
      },
    };
    this.clients = nodeClients(this, host, this.transport, this.nodes, owner);
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
