/**
 * What every engine client of a run shares, whether the run is one node's command (NodeClient) or a
 * gateway's channel (GatewayClient): input buffered until the run has started, stopping, cancelling, and
 * flow control passed on to the run's handle.
 */
import type { RunHandle, StreamName } from './transport.js';

/** The worker side of a client: where its events go. */
export interface ClientOwner {
  onPickup(node: string): void;
  onLine(node: string, stream: StreamName, line: Buffer): void;
  onWritten(node: string, bytes: number): void;
  onHangup(node: string, rc: number): void;
  onTimeout(node: string): void;
  clientClosed(): void;
}

export abstract class RunClient {
  protected handle: RunHandle | undefined;
  protected readonly input: Buffer[] = [];
  protected inputEnded: boolean;
  protected stopping: 'timeout' | 'stop' | undefined;
  protected finished = false;

  constructor(
    protected readonly owner: ClientOwner,
    stdin: boolean,
  ) {
    this.inputEnded = !stdin;
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

  /** Hands what was written before the run started to its handle. */
  protected flushInput(handle: RunHandle): void {
    for (const chunk of this.input.splice(0)) handle.write(chunk);
    if (this.inputEnded) handle.endInput();
  }
}
