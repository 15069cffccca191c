/**
 * One run of a worker's action through a transport: for one node, or for all of a worker's nodes when a
 * `%hosts` command runs once. It is the engine's unit of fanout; it splits the run's output into lines,
 * reports them under its nodes, and turns the end of the run into return codes or timeouts.
 */
import type { Engine, EngineClient } from './engine.js';
import { TransportError } from './errors.js';
import { LineSplitter } from './line-splitter.js';
import { RunClient, type ClientOwner } from './run-client.js';
import type { RunEnd, RunHandle, RunRequest, RunSink, StreamName, Transport } from './transport.js';

const IDLE_HANDLE: RunHandle = {
  write: () => {},
  endInput: () => {},
  kill: () => {},
  pause: () => {},
  resume: () => {},
};

export class NodeClient extends RunClient implements EngineClient {
  readonly delayable: boolean = true;
  private readonly splitters: Record<StreamName, LineSplitter>;

  constructor(
    owner: ClientOwner,
    private readonly engine: Engine,
    private readonly transport: Transport,
    readonly request: RunRequest,
    /** The nodes this run answers for. */
    readonly nodes: readonly string[],
    readonly timeout: number | undefined,
    readonly autoclose: boolean,
  ) {
    super(owner, request.stdin);
    const splitter = (stream: StreamName): LineSplitter =>
      new LineSplitter((line) => {
        for (const node of this.nodes) this.owner.onLine(node, stream, line);
      });
    this.splitters = { stdout: splitter('stdout'), stderr: splitter('stderr') };
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
    this.flushInput(this.handle);
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
