/**
 * One run of a worker's action through a transport: for one node, or for all of a worker's nodes when a
 * `%hosts` command runs once. It is the engine's unit of fanout; it splits the run's output into lines,
 * reports them under its nodes, and turns the end of the run into return codes or timeouts.
 */
import type { Engine, EngineClient } from './engine.js';
import { TransportError } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import type { RunEnd, RunHandle, RunRequest, RunSink, StreamName, Transport } from './transport.js';

const IDLE_HANDLE: RunHandle = {
  write: () => {},
  endInput: () => {},
  kill: () => {},
  pause: () => {},
  resume: () => {},
};

/** The worker side of a client: where its events go. */
export interface ClientOwner {
  onPickup(node: string): void;
  onLine(node: string, stream: StreamName, line: Buffer): void;
  onWritten(node: string, bytes: number): void;
  onHangup(node: string, rc: number): void;
  onTimeout(node: string): void;
  clientClosed(): void;
}

export class NodeClient implements EngineClient {
  readonly delayable: boolean = true;
  private handle: RunHandle | undefined;
  private readonly input: Buffer[] = [];
  private inputEnded = false;
  private stopping: 'timeout' | 'stop' | undefined;
  private finished = false;
  private readonly splitters: Record<StreamName, LineSplitter>;

  constructor(
    private readonly owner: ClientOwner,
    private readonly engine: Engine,
    private readonly transport: Transport,
    readonly request: RunRequest,
    /** The nodes this run answers for. */
    readonly nodes: readonly string[],
    readonly timeout: number | undefined,
    readonly autoclose: boolean,
  ) {
    const splitter = (stream: StreamName): LineSplitter =>
      new LineSplitter((line) => {
        for (const node of this.nodes) this.owner.onLine(node, stream, line);
      });
    this.splitters = { stdout: splitter('stdout'), stderr: splitter('stderr') };
    if (!request.stdin) this.inputEnded = true;
  }

  get isStarted(): boolean {
    return this.handle !== undefined;
  }

  start(): void {
    // Input that is already over and empty needs no pipe: the command reads end of file either way.
    const request =
      this.inputEnded && this.input.length === 0 ? { ...this.request, stdin: false } : this.request;
    try {
      this.handle = this.transport.start(request, this.sink());
    } catch (error) {
      // A command that cannot even be built (bad ssh_options...) ends the run like a failed start.
      this.handle = IDLE_HANDLE;
      queueMicrotask(() => this.engine.dispatch(() => this.end({ kind: 'failed', error: error as Error })));
    }
    for (const node of this.nodes) this.owner.onPickup(node);
    for (const chunk of this.input.splice(0)) this.handle.write(chunk);
    if (this.inputEnded) this.handle.endInput();
  }

  private sink(): RunSink {
    return {
      output: (stream, chunk) =>
        this.engine.dispatch(() => {
          if (!this.stopping && !this.finished) this.splitters[stream].push(chunk);
        }),
      written: (bytes) =>
        this.engine.dispatch(() => {
          for (const node of this.nodes) this.owner.onWritten(node, bytes);
        }),
      end: (result) => this.engine.dispatch(() => this.end(result)),
    };
  }

  write(data: Buffer): void {
    if (this.inputEnded) return;
    if (this.handle) this.handle.write(data);
    else this.input.push(data);
  }

  endInput(): void {
    if (this.inputEnded) return;
    this.inputEnded = true;
    this.handle?.endInput();
  }

  stop(timedOut: boolean): void {
    if (this.finished) return;
    if (!this.stopping || timedOut) this.stopping = timedOut ? 'timeout' : 'stop';
    this.handle?.kill();
  }

  cancel(): void {
    if (this.finished) return;
    this.finished = true;
    this.owner.clientClosed();
  }

  pause(): void {
    this.handle?.pause();
  }

  resume(): void {
    this.handle?.resume();
  }

  private end(result: RunEnd): void {
    if (this.finished) return;
    this.finished = true;
    try {
      if (this.stopping) {
        for (const splitter of Object.values(this.splitters)) splitter.discard();
      } else {
        this.splitters.stdout.flush();
        this.splitters.stderr.flush();
      }
      if (result.kind === 'exit') {
        for (const node of this.nodes) this.owner.onHangup(node, result.rc);
      } else if (result.kind === 'killed' && this.stopping === 'timeout') {
        for (const node of this.nodes) this.owner.onTimeout(node);
      } else if (result.kind === 'failed') {
        const error = result.error;
        throw error instanceof TransportError
          ? error
          : new TransportError(this.transport.name, this.request.key, error.message, { cause: error });
      }
    } finally {
      try {
        this.owner.clientClosed();
      } finally {
        this.engine.clientDone(this);
      }
    }
  }
}
