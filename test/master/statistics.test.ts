import { beforeAll, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import {
  insertAgentCount,
  insertTaskCounts,
  insertTaskEventCount,
} from '../../src/db/statistics/statistics.repository.js';
import { forEachDialectMaster } from '../support/master.js';

const NOW = Date.UTC(2026, 2, 10, 12, 0);
const HOUR = 3_600_000;

forEachDialectMaster(
  (_dialect, farm) => {
    beforeAll(async () => {
      const db = farm().master.context.statistics;
      await insertAgentCount(db, {
        countedTime: NOW - 2 * HOUR,
        numOnline: 3,
        numRunning: 5,
        numOffline: 1,
        numDisabled: 0,
      });
      await insertAgentCount(db, {
        countedTime: NOW - 1.5 * HOUR,
        numOnline: 5,
        numRunning: 7,
        numOffline: 1,
        numDisabled: 0,
      });
      await insertAgentCount(db, {
        countedTime: NOW - 30 * 24 * HOUR,
        numOnline: 99,
        numRunning: 0,
        numOffline: 0,
        numDisabled: 0,
      });
      const at = NOW - HOUR + 60_000;
      await insertTaskEventCount(db, {
        timeStart: at,
        timeEnd: at,
        jobQueueId: null,
        numNew: 100,
        numDeleted: 0,
        numRestarted: 2,
        numStarted: 10,
        numFailed: 1,
        numDone: 8,
      });
      await insertTaskCounts(db, [
        {
          countedTime: at,
          jobQueueId: null,
          totalQueued: 90,
          totalRunning: 10,
          totalDone: 8,
          totalFailed: 1,
        },
      ]);
    });

    it('GET /statistics/agent_counts averages per bucket within days_back', async () => {
      const res = await farm().inject({ url: '/api/v1/statistics/agent_counts?days_back=1', as: 'artist' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({
        days_back: 1,
        minutes_resolution: 60,
        samples: [
          { time: new Date(NOW - 2 * HOUR).toISOString(), online: 4, running: 6, offline: 1, disabled: 0 },
        ],
      });
    });

    it('GET /statistics/task_events sums events and averages totals per bucket', async () => {
      const res = await farm().inject({
        url: '/api/v1/statistics/task_events?days_back=0.125&minutes_resolution=30',
        as: 'artist',
      });
      expect(res.statusCode).toBe(200);
      const body = res.json<{ buckets: Record<string, unknown>[]; minutes_resolution: number }>();
      expect(body.minutes_resolution).toBe(30);
      expect(body.buckets).toHaveLength(6);
      const busy = body.buckets.find((b) => b.new === 100);
      expect(busy).toEqual({
        time_start: new Date(NOW - HOUR).toISOString(),
        time_end: new Date(NOW - HOUR / 2).toISOString(),
        new: 100,
        deleted: 0,
        restarted: 2,
        started: 10,
        failed: 1,
        done: 8,
        avg_queued: 90,
        avg_running: 10,
        avg_done: 8,
        avg_failed: 1,
      });
    });

    it('filters task events by queue', async () => {
      const res = await farm().inject({
        url: '/api/v1/statistics/task_events?days_back=0.125&queue=7',
        as: 'artist',
      });
      expect(res.statusCode).toBe(200);
      const buckets = res.json<{ buckets: { new: number; avg_queued: number | null }[] }>().buckets;
      expect(buckets.every((b) => b.new === 0 && b.avg_queued === null)).toBe(true);
      const unqueued = await farm().inject({
        url: '/api/v1/statistics/task_events?days_back=0.125&no_queue=true',
      });
      expect(unqueued.json<{ buckets: { new: number }[] }>().buckets.some((b) => b.new === 100)).toBe(true);
    });

    it.each([
      ['days_back=0', 'days_back'],
      ['days_back=abc', 'days_back'],
      ['days_back=3651', 'days_back'],
      ['minutes_resolution=0', 'minutes_resolution'],
      ['days_back=3650&minutes_resolution=1', 'minutes_resolution'],
      ['queue=x', 'queue'],
      ['bogus=1', 'bogus'],
    ])('rejects %s with 400 naming %s', async (query, field) => {
      const res = await farm().inject({ url: `/api/v1/statistics/task_events?${query}` });
      expect(res.statusCode).toBe(400);
      expect(res.json<{ error: string }>().error).toContain(field);
    });

    it('needs credentials', async () => {
      const res = await farm().inject({ url: '/api/v1/statistics/agent_counts', as: 'anonymous' });
      expect(res.statusCode).toBe(401);
    });
  },
  { clock: new ManualClock(NOW) },
);
