/**
 * Delivers the journal to the master, strictly in order, one entry at a time. A refused entry (4xx) is
 * logged and dropped — it can never succeed; an unreachable master pauses delivery (exponential backoff
 * with jitter) and everything behind the failing entry waits, so the master sees reports in the order
 * they happened. A progress report that a later report on the same task makes stale is skipped.
 */
import { existsSync } from 'node:fs';
import type { Logger } from '../../core/logging.js';
import type { Journal, JournalEntry, JournalRecord } from './journal.js';
import {
  MasterRejectedError,
  MasterUnavailableError,
  retryDelay,
  type MasterClient,
} from './master-client.js';

export interface OutboxOptions {
  journal: Journal;
  client: MasterClient;
  logger: Logger;
  baseDelayMs: number;
  maxDelayMs?: number;
}

export class Outbox {
  private pumping = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private readonly waiters: { seq: number; resolve: () => void }[] = [];
  /** Per task, the sequence number of its latest report (to skip stale progress). */
  private readonly latestReport = new Map<string, number>();
  private outage = false;
  private attempt = 0;
  delivered = 0;
  dropped = 0;

  constructor(private readonly options: OutboxOptions) {
    for (const entry of options.journal.pending()) this.track(entry);
  }

  /** Journals `record` and starts delivering; returns its sequence number. */
  enqueue(record: JournalRecord): number {
    const entry = this.options.journal.append(record);
    this.track(entry);
    this.pump();
    return entry.seq;
  }

  get backlog(): number {
    return this.options.journal.pending().length;
  }

  /** True while the master is unreachable and entries wait. */
  get inOutage(): boolean {
    return this.outage;
  }

  get deliveredSeq(): number {
    return this.options.journal.deliveredSeq;
  }

  start(): void {
    this.stopped = false;
    this.pump();
  }

  /** Stops delivery after the entry in flight; the rest stays in the journal for the next start. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /** Resolves once every entry up to `seq` is delivered (or dropped). */
  whenDelivered(seq: number): Promise<void> {
    if (this.options.journal.deliveredSeq >= seq) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  /** Waits until the journal is empty or `deadline` (Unix ms) passes; true when empty. */
  async drain(deadline: number): Promise<boolean> {
    const target = this.options.journal.appendedSeq;
    await Promise.race([
      this.whenDelivered(target),
      new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref()),
    ]);
    return this.options.journal.deliveredSeq >= target;
  }

  /** Retry now instead of waiting out the backoff (e.g. the master just answered something else). */
  nudge(): void {
    this.attempt = 0;
    this.wake?.();
  }

  private track(entry: JournalEntry): void {
    if (entry.kind === 'task_report') this.latestReport.set(`${entry.job}/${entry.task}`, entry.seq);
  }

  private isStale(entry: JournalEntry): boolean {
    if (entry.kind !== 'task_report' || entry.body.state !== undefined || entry.body.progress === undefined)
      return false;
    return (this.latestReport.get(`${entry.job}/${entry.task}`) ?? 0) > entry.seq;
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = true;
    void this.run().finally(() => {
      this.pumping = false;
      if (!this.stopped && this.backlog > 0) this.pump();
    });
  }

  private async run(): Promise<void> {
    const { journal, logger } = this.options;
    while (!this.stopped) {
      const head = journal.pending()[0];
      if (!head) return;
      if (!this.isStale(head)) {
        try {
          await this.deliver(head);
          this.delivered++;
        } catch (err) {
          if (err instanceof MasterRejectedError) {
            this.dropped++;
            logger.warn(
              { seq: head.seq, kind: head.kind, err: err.message },
              'report refused by the master; dropped',
            );
          } else if (err instanceof MasterUnavailableError) {
            this.outage = true;
            this.attempt++;
            const delay = retryDelay(
              this.attempt,
              this.options.baseDelayMs,
              this.options.maxDelayMs ?? 30_000,
            );
            if (this.attempt === 1 || this.attempt % 10 === 0) {
              logger.warn(
                { backlog: this.backlog, delayMs: delay, err: err.message },
                'master unreachable; reports kept in the journal',
              );
            }
            await this.sleep(delay);
            continue;
          } else {
            this.dropped++;
            logger.error({ err, seq: head.seq, kind: head.kind }, 'report could not be sent; dropped');
          }
        }
      }
      if (this.outage)
        logger.info({ backlog: this.backlog - 1 }, 'master reachable again; delivering the journal');
      this.outage = false;
      this.attempt = 0;
      journal.markHeadDelivered();
      this.resolveWaiters();
    }
  }

  private async deliver(entry: JournalEntry): Promise<void> {
    const { client } = this.options;
    switch (entry.kind) {
      case 'task_report':
        return client.reportTask(entry.job, entry.task, entry.body);
      case 'log_register':
        try {
          return await client.registerTaskLog(entry.job, entry.task, entry.attempt, entry.body);
        } catch (err) {
          // 409: already registered (a replay after a crash) — exactly what we wanted.
          if (err instanceof MasterRejectedError && err.status === 409) return;
          throw err;
        }
      case 'log_state':
        return client.reportTaskLogState(entry.job, entry.task, entry.attempt, entry.identifier, entry.body);
      case 'log_upload':
        if (!existsSync(entry.path))
          throw new MasterRejectedError(0, `${entry.path} no longer exists`, 'a log upload');
        return client.uploadTaskLog(entry.job, entry.task, entry.attempt, entry.identifier, entry.path);
      case 'failed_on_agent':
        return client.reportFailedOnAgent(entry.job, entry.task, entry.body);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }

  private resolveWaiters(): void {
    const seq = this.options.journal.deliveredSeq;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const w = this.waiters[i]!;
      if (w.seq <= seq) {
        this.waiters.splice(i, 1);
        w.resolve();
      }
    }
  }
}
