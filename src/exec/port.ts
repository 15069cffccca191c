/**
 * Task ports (ClusterShell's EnginePort): a way to hand messages into a running task from outside its
 * event flow — another task, a stream reader, a signal handler. With a handler, each message becomes a
 * `message(port, msg)` event inside the task; without one, the task pulls messages with `receive()`.
 * Messages sent before the task runs wait for it. A port keeps the task running until it is closed,
 * unless it is `autoclose`.
 */

/** Listens for a port's messages (part of EventHandler). */
export interface PortHandler {
  /** The port was started with the task. */
  portStart?(port: Port): void;
  message?(port: Port, message: unknown): void;
}

/** What a port needs from the engine that owns it. */
export interface PortHost {
  /** A message is waiting on `port`: deliver it when the task can. */
  portReady(port: Port): void;
  portClosed(port: Port): void;
}

interface Queued {
  message: unknown;
  delivered?: (ok: boolean) => void;
}

export class Port {
  private readonly queue: Queued[] = [];
  private readonly roomWaiters: (() => void)[] = [];
  private readonly receivers: ((message: unknown) => void)[] = [];
  private host: PortHost | undefined;
  private closed = false;

  constructor(
    readonly handler: PortHandler | undefined,
    readonly autoclose: boolean,
    /** Messages that may wait at once (the task default `port_qlimit`). */
    readonly limit: number,
  ) {}

  /** @internal */
  bind(host: PortHost): void {
    this.host = host;
    if (this.queue.length > 0) host.portReady(this);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Queues a message without waiting; false when the port is closed or its queue is full. */
  send(message: unknown): boolean {
    if (this.closed || this.queue.length >= this.limit) return false;
    this.queue.push({ message });
    this.host?.portReady(this);
    return true;
  }

  /**
   * Sends a message and resolves once the task has handled it (true), or false if the port closed
   * first. Waits for room in the queue, so a fast producer is held back by the task.
   */
  async deliver(message: unknown): Promise<boolean> {
    while (!this.closed && this.queue.length >= this.limit) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
    if (this.closed) return false;
    return new Promise<boolean>((delivered) => {
      this.queue.push({ message, delivered });
      this.host?.portReady(this);
    });
  }

  /** For a port without handler: the next message, as soon as one arrives. */
  receive(): Promise<unknown> {
    return new Promise((resolve) => {
      this.receivers.push(resolve);
      if (this.queue.length > 0) this.host?.portReady(this);
    });
  }

  /** @internal Hands the oldest message to the handler or a waiting receiver; false if none could go. */
  deliverNext(): boolean {
    if (this.closed || this.queue.length === 0) return false;
    if (!this.handler && this.receivers.length === 0) return false;
    const item = this.queue.shift()!;
    this.roomWaiters.shift()?.();
    if (this.handler) this.handler.message?.(this, item.message);
    else this.receivers.shift()!(item.message);
    item.delivered?.(true);
    return true;
  }

  /** @internal */
  get pending(): number {
    return this.queue.length;
  }

  /** Closes the port; queued messages are dropped. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const item of this.queue.splice(0)) item.delivered?.(false);
    for (const wake of this.roomWaiters.splice(0)) wake();
    const host = this.host;
    this.host = undefined;
    host?.portClosed(this);
  }
}
