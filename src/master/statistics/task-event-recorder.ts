/**
 * Counts task events (new, deleted, restarted, started, failed, done) per job queue for the statistics
 * pages. PyFarm inserted one row per event and merged them every 15 minutes; at thousands of task reports a
 * second that doubles the writes, so events are summed in memory and written as one row per queue every
 * `flushIntervalMs` (the 15-minute consolidation then treats them like PyFarm's rows). Counts not yet
 * flushed are lost if the process dies — acceptable for statistics, never for task state.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logging.js';
import type { StatisticsDatabase } from '../../db/database.js';
import { insertTaskEventCount } from '../../db/statistics/statistics.repository.js';

export type TaskEventKind = 'new' | 'deleted' | 'restarted' | 'started' | 'failed' | 'done';

export interface TaskEventRecorder {
  record(queueId: number | null, kind: TaskEventKind, count?: number): void;
  /** Writes what has been counted so far. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

interface Bucket {
  start: number;
  end: number;
  counts: Record<TaskEventKind, number>;
}

const NO_QUEUE = -1;

export class BufferedTaskEventRecorder implements TaskEventRecorder {
  private buckets = new Map<number, Bucket>();
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Kysely<StatisticsDatabase>,
    private readonly clock: Clock,
    private readonly log: Logger,
    options: { enabled: boolean; flushIntervalMs?: number },
  ) {
    this.enabled = options.enabled;
    if (this.enabled) {
      this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 10_000);
      this.timer.unref();
    }
  }

  private readonly enabled: boolean;

  record(queueId: number | null, kind: TaskEventKind, count = 1): void {
    if (!this.enabled || count <= 0) return;
    const key = queueId ?? NO_QUEUE;
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = {
        start: now,
        end: now,
        counts: { new: 0, deleted: 0, restarted: 0, started: 0, failed: 0, done: 0 },
      };
      this.buckets.set(key, bucket);
    }
    bucket.end = now;
    bucket.counts[kind] += count;
  }

  async flush(): Promise<void> {
    if (this.buckets.size === 0) return;
    const buckets = this.buckets;
    this.buckets = new Map();
    for (const [key, bucket] of buckets) {
      try {
        await insertTaskEventCount(this.db, {
          timeStart: bucket.start,
          timeEnd: bucket.end,
          jobQueueId: key === NO_QUEUE ? null : key,
          numNew: bucket.counts.new,
          numDeleted: bucket.counts.deleted,
          numRestarted: bucket.counts.restarted,
          numStarted: bucket.counts.started,
          numFailed: bucket.counts.failed,
          numDone: bucket.counts.done,
        });
      } catch (err) {
        this.log.warn({ err, queueId: key }, 'task event counts not written');
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.flush();
  }
}
