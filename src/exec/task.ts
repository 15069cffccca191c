/**
 * A task runs commands on node sets in parallel and keeps their results (ClusterShell's Task, without
 * its thread binding: create as many tasks as you like, each runs on Node's event loop).
 *
 *   const task = new Task({ defaults: { distant_worker: execTransport } });
 *   task.shell('uname -r', { nodes: 'tiger[1-30,35]', timeout: 30 });
 *   await task.run();
 *   for (const { message, keys } of task.iterBuffers()) console.log(NodeSet.fromNames(keys).toString(), message.toString());
 *
 * Info keys tune the engine and transports (`fanout`, `connect_timeout`, `command_timeout`, `ssh_*`);
 * default keys choose behaviours (`stderr` separation, `stdin`, `stdout_msgtree`/`stderr_msgtree`
 * gathering, the transports). Results are reset when a run starts and kept after it ends.
 */
import { statSync } from 'node:fs';
import { NodeSet } from '../nodeset/index.js';
import { DistantWorker } from './distant-worker.js';
import { Engine } from './engine.js';
import { MsgTreeDisabledError, TaskError, WorkerError } from './errors.js';
import type { EventHandler } from './event-handler.js';
import type { Message } from './msg-tree.js';
import { Port } from './port.js';
import { TaskResults, type BufferStream, type Source } from './task-results.js';
import { Timer } from './timer.js';
import type { Action, InfoReader, Transport } from './transport.js';
import { execTransport } from './transports/exec-transport.js';
import { localTransport } from './transports/local-transport.js';
import { sshTransport } from './transports/ssh-transport.js';
import { Topology } from './tree/topology.js';
import { TreeWorker } from './tree/tree-worker.js';
import type { Worker, WorkerOptions } from './worker.js';
import type { WorkerHost } from './worker-host.js';

export interface TaskInfo {
  debug: boolean;
  /** Most commands running at once (default 64). */
  fanout: number;
  /** Seconds to connect to a node (ssh ConnectTimeout, agent connection), default 10. */
  connect_timeout: number;
  /** Seconds a command may run when its worker sets no timeout; 0 means no limit. */
  command_timeout: number;
  [key: string]: unknown;
}

export interface TaskDefaults {
  /** Keep stderr apart from stdout (default false: merged, as in ClusterShell's library). */
  stderr: boolean;
  /** Let workers receive input (default true). */
  stdin: boolean;
  /** Gather stdout lines for iterBuffers & co (default true). */
  stdout_msgtree: boolean;
  stderr_msgtree: boolean;
  /** Messages a port may queue (default 32). */
  port_qlimit: number;
  /** Use the topology, once loaded, for distant commands unless told otherwise (default true). */
  auto_tree: boolean;
  /** How `shell(..., { nodes })` reaches nodes (default: ssh). */
  distant_worker: Transport;
  /** How `shell(..., { nodes, remote: false })` runs per-node local commands (default: exec). */
  local_worker: Transport;
  [key: string]: unknown;
}

export interface ShellOptions extends WorkerOptions {
  /** The nodes to run on; without nodes the command runs once, locally, under `key`. */
  nodes?: string | NodeSet;
  key?: string;
  /** False: run the command locally once per node (the exec transport, with %h/%n). */
  remote?: boolean;
  /** Tree mode: true forces it (needs a topology), false disables it, undefined follows `auto_tree`. */
  tree?: boolean;
}

export interface CopyOptions {
  nodes: string | NodeSet;
  handler?: EventHandler;
  timeout?: number;
  stderr?: boolean;
  /** Keep modification times and modes. */
  preserve?: boolean;
  tree?: boolean;
}

export interface Gathered {
  message: Message;
  keys: string[];
}

const DEFAULT_INFO: TaskInfo = { debug: false, fanout: 64, connect_timeout: 10, command_timeout: 0 };

export class Task implements WorkerHost {
  readonly engine: Engine;
  readonly results = new TaskResults();
  topology: Topology | undefined;
  private readonly infos: TaskInfo;
  private readonly defaultValues: TaskDefaults;
  private readonly workers = new Set<Worker>();
  private current: Promise<void> | undefined;

  constructor(options: { info?: Partial<TaskInfo>; defaults?: Partial<TaskDefaults> } = {}) {
    this.infos = { ...DEFAULT_INFO, ...options.info };
    this.defaultValues = {
      stderr: false,
      stdin: true,
      stdout_msgtree: true,
      stderr_msgtree: true,
      port_qlimit: 32,
      auto_tree: true,
      distant_worker: sshTransport,
      local_worker: execTransport,
      ...options.defaults,
    };
    this.engine = new Engine(() => Number(this.infos.fanout));
  }

  // ---- settings ---------------------------------------------------------------------------------------

  readonly info: InfoReader = (key) => this.infos[key];

  setInfo<K extends keyof TaskInfo & string>(key: K, value: TaskInfo[K]): void {
    this.infos[key] = value;
  }

  readonly defaults: InfoReader = (key) => this.defaultValues[key];

  default<K extends keyof TaskDefaults & string>(key: K): TaskDefaults[K] {
    return this.defaultValues[key];
  }

  setDefault<K extends keyof TaskDefaults & string>(key: K, value: TaskDefaults[K]): void {
    this.defaultValues[key] = value;
  }

  keepsBuffers(stream: BufferStream): boolean {
    return this.defaultValues[`${stream}_msgtree`] !== false;
  }

  get distantTransport(): Transport {
    return this.defaultValues.distant_worker;
  }

  /** Loads a topology file; tree mode then applies to distant commands (see `auto_tree`). */
  loadTopology(file: string, root?: string): Topology {
    this.topology = Topology.load(file, root);
    return this.topology;
  }

  // ---- work ---------------------------------------------------------------------------------------------

  /**
   * Schedules `command`: on `nodes` through the distant transport (or through gateways in tree mode,
   * or locally per node with `remote: false`), or once locally without nodes. It starts at once if the
   * task is running (within the fanout), else at the next `run()`.
   */
  shell(command: string, options: ShellOptions = {}): Worker {
    const action: Action = { kind: 'shell', command };
    const workerOptions = this.workerOptions(options);
    if (options.nodes === undefined) {
      return this.schedule(
        new DistantWorker(NodeSet.fromNames([options.key ?? 'local']), action, localTransport, workerOptions),
      );
    }
    const nodes = typeof options.nodes === 'string' ? NodeSet.parse(options.nodes) : options.nodes;
    if (options.remote === false) {
      return this.schedule(new DistantWorker(nodes, action, this.defaultValues.local_worker, workerOptions));
    }
    return this.schedule(this.distantWorker(nodes, action, options.tree, workerOptions));
  }

  /** Copies a local file or directory to `dest` on the nodes. */
  copy(source: string, dest: string, options: CopyOptions): Worker {
    return this.copyWorker(source, dest, options, false);
  }

  /** Copies a file or directory from the nodes into the local directory `dest`, as `<name>.<node>`. */
  rcopy(source: string, dest: string, options: CopyOptions): Worker {
    return this.copyWorker(source, dest, options, true);
  }

  private copyWorker(source: string, dest: string, options: CopyOptions, reverse: boolean): Worker {
    let recursive = true;
    if (reverse) {
      if (!isDirectory(dest)) throw new WorkerError('reverse copy dest must be a directory');
    } else {
      recursive = isDirectory(source);
    }
    const action: Action = {
      kind: 'copy',
      source,
      dest,
      preserve: options.preserve ?? false,
      reverse,
      recursive,
    };
    const nodes = typeof options.nodes === 'string' ? NodeSet.parse(options.nodes) : options.nodes;
    const workerOptions = this.workerOptions({
      handler: options.handler,
      timeout: options.timeout,
      stderr: options.stderr,
    });
    return this.schedule(this.distantWorker(nodes, action, options.tree, workerOptions));
  }

  private workerOptions(options: WorkerOptions): WorkerOptions {
    return {
      handler: options.handler,
      timeout: options.timeout,
      autoclose: options.autoclose,
      stderr: options.stderr ?? this.defaultValues.stderr,
      stdin: options.stdin ?? this.defaultValues.stdin,
    };
  }

  private distantWorker(
    nodes: NodeSet,
    action: Action,
    tree: boolean | undefined,
    options: WorkerOptions,
  ): Worker {
    const transport = this.defaultValues.distant_worker;
    if (tree === true && !this.topology) {
      throw new TaskError('tree mode required for distant shell command with unknown topology!');
    }
    if (tree !== false && this.topology && (tree === true || this.defaultValues.auto_tree)) {
      return new TreeWorker(nodes, action, transport, options);
    }
    return new DistantWorker(nodes, action, transport, options);
  }

  /** Adds a worker made by hand to the task. */
  schedule<W extends Worker>(worker: W): W {
    const clients = worker.bind(this);
    this.workers.add(worker);
    for (const client of clients) this.engine.add(client);
    return worker;
  }

  /** A timer firing `handler.timer()` after `fire` seconds, then every `interval` seconds if given. */
  timer(
    fire: number,
    handler: EventHandler,
    options: { interval?: number; autoclose?: boolean } = {},
  ): Timer {
    const timer = new Timer(fire, handler, options.interval ?? -1, options.autoclose ?? false);
    this.engine.addTimer(timer);
    return timer;
  }

  /** A port to hand messages into the task (see port.ts). */
  port(handler?: EventHandler, options: { autoclose?: boolean } = {}): Port {
    const port = new Port(handler, options.autoclose ?? false, Number(this.defaultValues.port_qlimit));
    this.engine.addPort(port);
    return port;
  }

  removePort(port: Port): void {
    port.close();
  }

  // ---- running ------------------------------------------------------------------------------------------

  get running(): boolean {
    return this.engine.running;
  }

  /** Runs what is scheduled until done; with a command, schedules it first and resolves to its worker. */
  run(): Promise<void>;
  run(command: string, options?: ShellOptions): Promise<Worker>;
  async run(command?: string, options?: ShellOptions): Promise<Worker | void> {
    const worker = command === undefined ? undefined : this.shell(command, options);
    await this.resume();
    return worker;
  }

  /**
   * Starts a run, or lets a suspended one go on. `timeout` (seconds) is a hard limit for the whole run:
   * when it expires every command is killed and the run rejects with TaskTimeoutError.
   */
  resume(timeout?: number): Promise<void> {
    if (this.engine.running) {
      if (this.engine.isSuspended) {
        this.engine.unsuspend();
        return this.current!;
      }
      return this.engine.run();
    }
    this.results.clear();
    for (const worker of this.workers) if (worker.isClosed) this.workers.delete(worker);
    this.current = this.engine.run(timeout);
    return this.current;
  }

  /** Holds a running task: no new command starts and no event is delivered until `resume()`. */
  suspend(): boolean {
    return this.engine.suspend();
  }

  /** Stops every command now (and drops those not started); resolves once all are reaped. */
  async abort(): Promise<void> {
    this.engine.unsuspend();
    this.engine.stopAll(false);
    try {
      await this.current;
    } catch {
      // Whatever failed the run, the task is stopped now, which is what was asked.
    }
  }

  // ---- results ------------------------------------------------------------------------------------------

  private matcher(matchKeys?: Iterable<string>): ((source: Source) => boolean) | undefined {
    if (matchKeys === undefined) return undefined;
    const keys = new Set(matchKeys);
    return (source) => keys.has(source.node);
  }

  private *gathered(stream: BufferStream, matchKeys?: Iterable<string>): Generator<Gathered> {
    if (!this.keepsBuffers(stream)) throw new MsgTreeDisabledError(stream);
    const tree = this.results.existingTree(stream);
    if (!tree) return;
    for (const { message, keys } of tree.walk(this.matcher(matchKeys))) {
      yield { message, keys: keys.map((k) => k.node) };
    }
  }

  /** Distinct stdout buffers with their nodes, over every worker. */
  iterBuffers(matchKeys?: Iterable<string>): Generator<Gathered> {
    return this.gathered('stdout', matchKeys);
  }

  iterErrors(matchKeys?: Iterable<string>): Generator<Gathered> {
    return this.gathered('stderr', matchKeys);
  }

  private nodeBytes(stream: BufferStream, node: string): Buffer {
    if (!this.keepsBuffers(stream)) throw new MsgTreeDisabledError(stream);
    const tree = this.results.existingTree(stream);
    if (!tree) return Buffer.alloc(0);
    return Buffer.concat(tree.messages((source) => source.node === node).map((m) => m.toBuffer()));
  }

  /** The node's stdout (over every worker that ran on it); empty when it printed nothing. */
  nodeBuffer(node: string): Buffer {
    return this.nodeBytes('stdout', node);
  }

  nodeError(node: string): Buffer {
    return this.nodeBytes('stderr', node);
  }

  /** The node's return code (the largest over workers), or undefined when none came (timeout, not run). */
  nodeRetcode(node: string): number | undefined {
    const codes = this.results.rcsOfNode(node);
    return codes.length > 0 ? Math.max(...codes) : undefined;
  }

  /** The largest return code of the run, or undefined when every command timed out or none ran. */
  maxRetcode(): number | undefined {
    return this.results.maxRc;
  }

  /** Return codes with their nodes, in the order the codes first came. */
  *iterRetcodes(matchKeys?: Iterable<string>): Generator<[number, string[]]> {
    for (const [rc, sources] of this.results.byRc(this.matcher(matchKeys)))
      yield [rc, sources.map((s) => s.node)];
  }

  numTimeout(): number {
    return this.results.timedOut().length;
  }

  *iterKeysTimeout(): Generator<string> {
    for (const source of this.results.timedOut()) yield source.node;
  }

  flushBuffers(): void {
    this.results.existingTree('stdout')?.clear();
  }

  flushErrors(): void {
    this.results.existingTree('stderr')?.clear();
  }

  /** Gateways in use by tree workers, with the targets each serves. */
  gateways(): Map<string, NodeSet> {
    const all = new Map<string, NodeSet>();
    for (const worker of this.workers) {
      if (!(worker instanceof TreeWorker)) continue;
      for (const [gateway, targets] of worker.gatewayTargets) {
        const known = all.get(gateway);
        if (known) known.update(targets);
        else all.set(gateway, targets.copy());
      }
    }
    return all;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
