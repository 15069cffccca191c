/**
 * Task timers (ClusterShell's EngineTimer): fire once after `fire` seconds, or repeatedly every
 * `interval` seconds, by calling the handler's `timer(timer)`. A timer keeps the task running until it is
 * invalidated, unless it is `autoclose`, in which case it dies with the last non-autoclose work. Timers
 * only fire while the task runs; when a run ends every timer is invalidated.
 */

/** Listens for a timer's firings (part of EventHandler). */
export interface TimerHandler {
  timer?(timer: Timer): void;
}

/** What a timer needs from the engine that owns it. */
export interface TimerHost {
  armTimer(timer: Timer): void;
  disarmTimer(timer: Timer): void;
}

export class Timer {
  /** Seconds until the next firing, or -1 when none is scheduled except by `interval`. */
  private delay: number;
  private repeat: number;
  private host: TimerHost | undefined;
  /** @internal Engine bookkeeping: the armed node timer and when it fires. */
  handle: NodeJS.Timeout | undefined;
  /** @internal */
  fireAt = 0;

  constructor(
    fire: number,
    readonly handler: TimerHandler,
    interval = -1,
    readonly autoclose = false,
  ) {
    if (!(fire >= 0)) throw new RangeError("timer's relative fire time must be a positive number");
    this.delay = fire;
    this.repeat = interval;
  }

  get fireDelay(): number {
    return this.delay;
  }

  get interval(): number {
    return this.repeat;
  }

  /** @internal */
  bind(host: TimerHost): void {
    this.host = host;
  }

  isValid(): boolean {
    return this.host !== undefined;
  }

  /** Stops the timer for good. */
  invalidate(): void {
    const host = this.host;
    this.host = undefined;
    host?.disarmTimer(this);
  }

  /** Reschedules a valid timer: next firing in `fire` seconds, then every `interval` seconds if > 0. */
  setNextFire(fire: number, interval = -1): void {
    if (!this.host) throw new RangeError('operation on an invalid timer');
    this.delay = fire;
    this.repeat = interval;
    this.host.disarmTimer(this);
    this.host.armTimer(this);
  }

  /** @internal Called by the engine when the timer fires; returns whether it must be armed again. */
  fired(): boolean {
    this.delay = -1;
    this.handler.timer?.(this);
    // The handler may have rescheduled or invalidated the timer.
    if (!this.host) return false;
    return this.delay >= 0 || this.repeat > 0;
  }

  /** @internal Milliseconds until the next firing after a firing (or at arming). */
  nextDelayMs(): number {
    return Math.max(0, (this.delay >= 0 ? this.delay : this.repeat) * 1000);
  }
}
