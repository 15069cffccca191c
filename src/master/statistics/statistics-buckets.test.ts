import { describe, expect, it } from 'vitest';
import type { TaskCount, TaskEventCount } from '../../db/statistics/statistics.repository.js';
import { bucketAgentCounts, bucketTaskEvents, selectsQueue } from './statistics-buckets.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0);
const MIN = 60_000;

function events(at: number, queue: number | null, counts: Partial<Record<string, number>>): TaskEventCount {
  return {
    timeStart: at,
    timeEnd: at,
    jobQueueId: queue,
    numNew: counts.new ?? 0,
    numDeleted: counts.deleted ?? 0,
    numRestarted: counts.restarted ?? 0,
    numStarted: counts.started ?? 0,
    numFailed: counts.failed ?? 0,
    numDone: counts.done ?? 0,
  };
}

function totals(at: number, queue: number | null, queued: number, running = 0): TaskCount {
  return {
    countedTime: at,
    jobQueueId: queue,
    totalQueued: queued,
    totalRunning: running,
    totalDone: 0,
    totalFailed: 0,
  };
}

describe('selectsQueue', () => {
  it.each([
    [{}, null, true],
    [{}, 4, true],
    [{ queues: [4] }, 4, true],
    [{ queues: [4] }, 5, false],
    [{ queues: [4] }, null, false],
    [{ noQueue: true }, null, true],
    [{ noQueue: true }, 4, false],
    [{ queues: [4], noQueue: true }, null, true],
  ])('%j selects %s: %s', (selection, queue, expected) => {
    expect(selectsQueue(selection, queue)).toBe(expected);
  });
});

describe('bucketAgentCounts', () => {
  it('averages the samples of a bucket and leaves out empty buckets', () => {
    const samples = [
      { countedTime: T0, numOnline: 2, numRunning: 4, numOffline: 0, numDisabled: 1 },
      { countedTime: T0 + 30 * MIN, numOnline: 3, numRunning: 5, numOffline: 1, numDisabled: 1 },
      { countedTime: T0 + 180 * MIN, numOnline: 1, numRunning: 0, numOffline: 0, numDisabled: 0 },
      { countedTime: T0 + 600 * MIN, numOnline: 9, numRunning: 9, numOffline: 9, numDisabled: 9 },
    ];
    const window = { from: T0, to: T0 + 240 * MIN, resolutionMs: 60 * MIN };
    expect(bucketAgentCounts(samples, window)).toEqual([
      { time: '2026-01-01T00:00:00.000Z', online: 2.5, running: 4.5, offline: 0.5, disabled: 1 },
      { time: '2026-01-01T03:00:00.000Z', online: 1, running: 0, offline: 0, disabled: 0 },
    ]);
  });
});

describe('bucketTaskEvents', () => {
  const window = { from: T0 + 5 * MIN, to: T0 + 45 * MIN, resolutionMs: 15 * MIN };

  it('emits every bucket of the window, aligned to the resolution, empty ones as zero', () => {
    const buckets = bucketTaskEvents([], [], window, {});
    expect(buckets.map((b) => b.time_start)).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-01T00:15:00.000Z',
      '2026-01-01T00:30:00.000Z',
    ]);
    expect(buckets[0]).toMatchObject({
      new: 0,
      done: 0,
      avg_queued: null,
      time_end: '2026-01-01T00:15:00.000Z',
    });
  });

  it('sums events of the selected queues into their bucket', () => {
    const rows = [
      events(T0 + 1 * MIN, 1, { new: 10, started: 2 }),
      events(T0 + 2 * MIN, null, { new: 5 }),
      events(T0 + 16 * MIN, 1, { done: 3, failed: 1 }),
      events(T0 + 17 * MIN, 2, { done: 4, deleted: 2, restarted: 1 }),
      events(T0 + 90 * MIN, 1, { done: 100 }),
    ];
    const all = bucketTaskEvents(rows, [], window, {});
    expect(all.map((b) => [b.new, b.started, b.done, b.failed, b.deleted, b.restarted])).toEqual([
      [15, 2, 0, 0, 0, 0],
      [0, 0, 7, 1, 2, 1],
      [0, 0, 0, 0, 0, 0],
    ]);
    const queue1 = bucketTaskEvents(rows, [], window, { queues: [1] });
    expect(queue1.map((b) => b.new + b.done)).toEqual([10, 3, 0]);
    const unqueued = bucketTaskEvents(rows, [], window, { noQueue: true });
    expect(unqueued.map((b) => b.new)).toEqual([5, 0, 0]);
  });

  it('sums totals over the selected queues per sample, then averages the samples of a bucket', () => {
    const counts = [
      totals(T0 + 15 * MIN, 1, 10, 2),
      totals(T0 + 15 * MIN, null, 4, 0),
      totals(T0 + 20 * MIN, 1, 20, 4),
      totals(T0 + 20 * MIN, null, 6, 0),
    ];
    const [, second] = bucketTaskEvents([], counts, window, {});
    expect(second).toMatchObject({ avg_queued: 20, avg_running: 3, avg_done: 0, avg_failed: 0 });
    const [, onlyQueue] = bucketTaskEvents([], counts, window, { queues: [1] });
    expect(onlyQueue?.avg_queued).toBe(15);
  });
});
