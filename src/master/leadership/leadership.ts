/**
 * Electing the scheduling leader. Every master runs this loop: while not leading it tries the scheduler
 * lock every `retryMs`; once it holds it, it starts the leader services and checks the lock every
 * `heartbeatMs`. If the check fails (the lock connection died, the database restarted) it stops the
 * services at once; when the process dies, the database drops its connection and the lock, and another
 * master's next attempt succeeds, so a new leader runs within about `retryMs`.
 */
import type { Logger } from '../../core/logging.js';
import type { SchedulerLock } from '../../db/leadership/scheduler-lock.js';

export interface LeadershipOptions {
  lock: SchedulerLock;
  log: Logger;
  /** Between attempts to become the leader. */
  retryMs: number;
  /** Between checks that the lock is still held. */
  heartbeatMs: number;
  onGain(): void | Promise<void>;
  onLose(): Promise<void>;
}

export class Leadership {
  private leading = false;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;

  constructor(private readonly options: LeadershipOptions) {}

  get isLeader(): boolean {
    return this.leading;
  }

  /** The database session holding the lock while leading (for operators and tests). */
  get lockSession(): number | undefined {
    return this.leading ? this.options.lock.session : undefined;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Steps down (services stopped, lock released) and stops trying. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.current;
    if (this.leading) await this.stepDown('stopping');
    await this.options.lock.release();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => {
        this.current = undefined;
        this.schedule(this.leading ? this.options.heartbeatMs : this.options.retryMs);
      });
    }, ms);
  }

  private async tick(): Promise<void> {
    const { lock, log } = this.options;
    if (this.leading) {
      try {
        await lock.verify();
      } catch (err) {
        log.error({ err }, 'lost the scheduler leadership');
        await this.stepDown('lock lost');
      }
      return;
    }
    let acquired: boolean;
    try {
      acquired = await lock.tryAcquire();
    } catch (err) {
      log.warn({ err }, 'cannot reach the database for the scheduler lock; retrying');
      await lock.release();
      return;
    }
    if (!acquired || this.stopped) {
      if (acquired) await lock.release();
      return;
    }
    this.leading = true;
    log.info('this master is the scheduling leader');
    try {
      await this.options.onGain();
    } catch (err) {
      log.error({ err }, 'leader services failed to start');
      await this.stepDown('start failed');
    }
  }

  private async stepDown(reason: string): Promise<void> {
    this.leading = false;
    try {
      await this.options.onLose();
    } finally {
      await this.options.lock.release();
      this.options.log.info({ reason }, 'this master is no longer the scheduling leader');
    }
  }
}
