/**
 * A worker runs one action (a command or a copy) on a set of nodes within a task, and is what event
 * handlers and result getters talk about. This base class turns what its clients report into task
 * results and events; subclasses decide how nodes are reached (DistantWorker: one transport client per
 * node; TreeWorker: through gateways).
 */
import { NodeSet } from '../nodeset/index.js';
import type { EngineClient } from './engine.js';
import { WorkerError } from './errors.js';
import type { Message } from './msg-tree.js';
import type { ClientOwner } from './run-client.js';
import type { Source } from './task-results.js';
import type { Action, StreamName } from './transport.js';
import type { WorkerHost } from './worker-host.js';

/** Worker events (see event-handler.ts for the whole interface and the order of events). */
export interface WorkerEventHandler {
  start?(worker: Worker): void;
  pickup?(worker: Worker, node: string): void;
  read?(worker: Worker, node: string, stream: StreamName, line: Buffer): void;
  error?(worker: Worker, node: string, line: Buffer): void;
  written?(worker: Worker, node: string, stream: 'stdin', bytes: number): void;
  hangup?(worker: Worker, node: string, rc: number): void;
  timeout?(worker: Worker): void;
  close?(worker: Worker, timedout: boolean): void;
}

export interface WorkerOptions {
  handler?: WorkerEventHandler;
  /** Seconds each command may run before it is killed (its node then has no return code). */
  timeout?: number;
  /** Stop this worker once every non-autoclose task object is done. */
  autoclose?: boolean;
  /** Keep stderr apart (default: the task default `stderr`, false unless set). */
  stderr?: boolean;
  /** Allow writing to the commands' input (default: the task default `stdin`, true unless set). */
  stdin?: boolean;
}

export interface GatheredNodes {
  message: Message;
  nodes: NodeSet;
}

export abstract class Worker {
  readonly handler: WorkerEventHandler | undefined;
  readonly autoclose: boolean;
  /** The worker's own command timeout in seconds, if any. */
  readonly timeout: number | undefined;
  readonly stderr: boolean | undefined;
  readonly stdin: boolean | undefined;
  /** True once the first command started. */
  started = false;
  private host: WorkerHost | undefined;
  private closed = false;
  protected timedOut = false;

  protected constructor(
    readonly nodes: NodeSet,
    readonly action: Action,
    options: WorkerOptions,
  ) {
    this.handler = options.handler;
    this.autoclose = options.autoclose ?? false;
    this.timeout = options.timeout;
    this.stderr = options.stderr;
    this.stdin = options.stdin;
  }

  /** The command, for a shell worker. */
  get command(): string | undefined {
    return this.action.kind === 'shell' ? this.action.command : undefined;
  }

  get task(): WorkerHost {
    if (!this.host) throw new WorkerError('worker is not task bound');
    return this.host;
  }

  get isBound(): boolean {
    return this.host !== undefined;
  }

  /** True once every command of the worker is done (`close` was delivered). */
  get isClosed(): boolean {
    return this.closed;
  }

  /** @internal Binds the worker to its task and returns the clients to hand to the engine. */
  bind(host: WorkerHost): EngineClient[] {
    if (this.host) throw new WorkerError('worker has already been scheduled');
    this.host = host;
    return this.createClients(host);
  }

  protected abstract createClients(host: WorkerHost): EngineClient[];

  /** Sends bytes to every command's standard input (buffered for commands not started yet). */
  abstract write(data: Buffer | string): void;

  /** Closes every command's standard input once what was written is flushed. */
  abstract setWriteEof(): void;

  /** Stops every command of this worker now. */
  abstract abort(): void;

  // ---- events reported by clients ---------------------------------------------------------------------

  /** @internal The event callbacks clients report to. */
  protected clientEvents(): Omit<ClientOwner, 'clientClosed'> {
    return {
      onPickup: (node) => this.onPickup(node),
      onLine: (node, stream, line) => this.onLine(node, stream, line),
      onWritten: (node, bytes) => this.onWritten(node, bytes),
      onHangup: (node, rc) => this.onHangup(node, rc),
      onTimeout: (node) => this.onTimeout(node),
    };
  }

  /** @internal */
  onPickup(node: string): void {
    if (!this.started) {
      this.started = true;
      this.handler?.start?.(this);
    }
    this.handler?.pickup?.(this, node);
  }

  /** @internal */
  onLine(node: string, stream: StreamName, line: Buffer): void {
    const host = this.task;
    if (host.keepsBuffers(stream)) host.results.tree(stream).add(host.results.source(this, node), line);
    if (stream === 'stderr') this.handler?.error?.(this, node, line);
    this.handler?.read?.(this, node, stream, line);
  }

  /** @internal */
  onWritten(node: string, bytes: number): void {
    this.handler?.written?.(this, node, 'stdin', bytes);
  }

  /** @internal */
  onHangup(node: string, rc: number): void {
    const host = this.task;
    host.results.setRc(host.results.source(this, node), rc);
    this.handler?.hangup?.(this, node, rc);
  }

  /** @internal */
  onTimeout(node: string): void {
    const host = this.task;
    host.results.addTimeout(host.results.source(this, node));
    this.timedOut = true;
  }

  /** @internal Every client is done: the worker closes. */
  onClose(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timedOut) this.handler?.timeout?.(this);
    this.handler?.close?.(this, this.timedOut);
  }

  // ---- results ------------------------------------------------------------------------------------------

  private mine(matchKeys?: Iterable<string>): (source: Source) => boolean {
    if (matchKeys === undefined) return (s) => s.worker === this;
    const keys = new Set(matchKeys);
    return (s) => s.worker === this && keys.has(s.node);
  }

  private *gathered(stream: 'stdout' | 'stderr', matchKeys?: Iterable<string>): Generator<GatheredNodes> {
    const tree = this.task.results.existingTree(stream);
    if (!tree) return;
    for (const { message, keys } of tree.walk(this.mine(matchKeys))) {
      yield { message, nodes: NodeSet.fromNames(keys.map((k) => k.node)) };
    }
  }

  /** Distinct stdout buffers with the nodes that printed them (ClusterShell's walk order). */
  iterBuffers(matchKeys?: Iterable<string>): Generator<GatheredNodes> {
    return this.gathered('stdout', matchKeys);
  }

  iterErrors(matchKeys?: Iterable<string>): Generator<GatheredNodes> {
    return this.gathered('stderr', matchKeys);
  }

  /** Each node with its stdout buffer, in the order nodes first printed. */
  *iterNodeBuffers(matchKeys?: Iterable<string>): Generator<[string, Message]> {
    const tree = this.task.results.existingTree('stdout');
    if (!tree) return;
    for (const [source, message] of tree.items(this.mine(matchKeys))) yield [source.node, message];
  }

  *iterNodeErrors(matchKeys?: Iterable<string>): Generator<[string, Message]> {
    const tree = this.task.results.existingTree('stderr');
    if (!tree) return;
    for (const [source, message] of tree.items(this.mine(matchKeys))) yield [source.node, message];
  }

  /** Return codes with their nodes, in the order the codes first came. */
  *iterRetcodes(matchKeys?: Iterable<string>): Generator<[number, NodeSet]> {
    for (const [rc, sources] of this.task.results.byRc(this.mine(matchKeys))) {
      yield [rc, NodeSet.fromNames(sources.map((s) => s.node))];
    }
  }

  /** Each node with its return code. */
  *iterNodeRetcodes(): Generator<[string, number]> {
    for (const [rc, sources] of this.task.results.byRc(this.mine()))
      for (const s of sources) yield [s.node, rc];
  }

  /** The node's stdout buffer, or undefined when it printed nothing. */
  nodeBuffer(node: string): Buffer | undefined {
    return this.task.results.existingTree('stdout')?.get(this.task.results.source(this, node))?.toBuffer();
  }

  nodeError(node: string): Buffer | undefined {
    return this.task.results.existingTree('stderr')?.get(this.task.results.source(this, node))?.toBuffer();
  }

  /** The node's return code, or undefined when its command has not ended (or timed out). */
  nodeRetcode(node: string): number | undefined {
    return this.task.results.rcOf(this.task.results.source(this, node));
  }

  numTimeout(): number {
    return this.task.results.timedOut(this.mine()).length;
  }

  *iterKeysTimeout(): Generator<string> {
    for (const source of this.task.results.timedOut(this.mine())) yield source.node;
  }

  didTimeout(): boolean {
    return this.numTimeout() > 0;
  }

  flushBuffers(): void {
    this.task.results.existingTree('stdout')?.remove(this.mine());
  }

  flushErrors(): void {
    this.task.results.existingTree('stderr')?.remove(this.mine());
  }
}
