/**
 * Bucketing of statistics rows for the plots. Buckets are aligned to multiples of the resolution since the
 * epoch, so two requests at different moments put a sample in the same bucket. Pure functions: the
 * routes read the rows and pass the window.
 */
import type { AgentCount, TaskCount, TaskEventCount } from '../../db/statistics/statistics.repository.js';
import type { AgentCountsView, TaskEventBucket } from '../../api/schemas/statistics.js';
import { isoTime } from '../../api/schemas/common.js';

export interface Window {
  from: number;
  to: number;
  resolutionMs: number;
}

/** Which rows of a per-queue table count: every row, or the listed queues and/or the rows without one. */
export interface QueueSelection {
  queues?: readonly number[];
  noQueue?: boolean;
}

export function selectsQueue(selection: QueueSelection, queueId: number | null): boolean {
  if (selection.queues === undefined && selection.noQueue === undefined) return true;
  if (queueId === null) return selection.noQueue === true;
  return selection.queues?.includes(queueId) ?? false;
}

function bucketStart(time: number, resolutionMs: number): number {
  return Math.floor(time / resolutionMs) * resolutionMs;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function bucketAgentCounts(
  samples: readonly AgentCount[],
  window: Window,
): AgentCountsView['samples'] {
  const buckets = new Map<
    number,
    { n: number; online: number; running: number; offline: number; disabled: number }
  >();
  for (const s of samples) {
    if (s.countedTime < window.from || s.countedTime >= window.to) continue;
    const key = bucketStart(s.countedTime, window.resolutionMs);
    const b = buckets.get(key) ?? { n: 0, online: 0, running: 0, offline: 0, disabled: 0 };
    b.n += 1;
    b.online += s.numOnline;
    b.running += s.numRunning;
    b.offline += s.numOffline;
    b.disabled += s.numDisabled;
    buckets.set(key, b);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([time, b]) => ({
      time: isoTime(time),
      online: round(b.online / b.n),
      running: round(b.running / b.n),
      offline: round(b.offline / b.n),
      disabled: round(b.disabled / b.n),
    }));
}

/**
 * Every bucket of the window (empty ones included, so a plot shows quiet periods as zero): task events of
 * the selected queues summed, task totals summed over the selected queues per sample time and averaged
 * over the samples of the bucket.
 */
export function bucketTaskEvents(
  events: readonly TaskEventCount[],
  counts: readonly TaskCount[],
  window: Window,
  selection: QueueSelection,
): TaskEventBucket[] {
  const res = window.resolutionMs;
  const first = bucketStart(window.from, res);
  const out: TaskEventBucket[] = [];
  const index = new Map<number, TaskEventBucket>();
  for (let start = first; start < window.to; start += res) {
    const bucket: TaskEventBucket = {
      time_start: isoTime(start),
      time_end: isoTime(start + res),
      new: 0,
      deleted: 0,
      restarted: 0,
      started: 0,
      failed: 0,
      done: 0,
      avg_queued: null,
      avg_running: null,
      avg_done: null,
      avg_failed: null,
    };
    out.push(bucket);
    index.set(start, bucket);
  }
  for (const e of events) {
    if (!selectsQueue(selection, e.jobQueueId)) continue;
    const bucket = index.get(bucketStart(e.timeStart, res));
    if (!bucket) continue;
    bucket.new += e.numNew;
    bucket.deleted += e.numDeleted;
    bucket.restarted += e.numRestarted;
    bucket.started += e.numStarted;
    bucket.failed += e.numFailed;
    bucket.done += e.numDone;
  }
  // Totals per sample time first (one row per queue per sample), then the mean per bucket.
  const perSample = new Map<number, { queued: number; running: number; done: number; failed: number }>();
  for (const c of counts) {
    if (!selectsQueue(selection, c.jobQueueId)) continue;
    const t = perSample.get(c.countedTime) ?? { queued: 0, running: 0, done: 0, failed: 0 };
    t.queued += c.totalQueued;
    t.running += c.totalRunning;
    t.done += c.totalDone;
    t.failed += c.totalFailed;
    perSample.set(c.countedTime, t);
  }
  const sums = new Map<
    number,
    { n: number; queued: number; running: number; done: number; failed: number }
  >();
  for (const [time, t] of perSample) {
    const key = bucketStart(time, res);
    if (!index.has(key)) continue;
    const s = sums.get(key) ?? { n: 0, queued: 0, running: 0, done: 0, failed: 0 };
    s.n += 1;
    s.queued += t.queued;
    s.running += t.running;
    s.done += t.done;
    s.failed += t.failed;
    sums.set(key, s);
  }
  for (const [key, s] of sums) {
    const bucket = index.get(key)!;
    bucket.avg_queued = round(s.queued / s.n);
    bucket.avg_running = round(s.running / s.n);
    bucket.avg_done = round(s.done / s.n);
    bucket.avg_failed = round(s.failed / s.n);
  }
  return out;
}
