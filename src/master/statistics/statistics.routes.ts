/**
 * Statistics for the web UI's plots (read access): agent counts per state and task events per bucket,
 * over the last `days_back` days at `minutes_resolution` (PyFarm's /statistics/agent_counts and
 * /statistics/task_events pages as JSON).
 */
import { ValidationError } from '../../core/errors.js';
import {
  listAgentCounts,
  listTaskCounts,
  listTaskEventCounts,
} from '../../db/statistics/statistics.repository.js';
import { errors } from '../../api/schemas/common.js';
import {
  AgentCountsQuery,
  AgentCountsView,
  TaskEventsQuery,
  TaskEventsView,
} from '../../api/schemas/statistics.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { bucketAgentCounts, bucketTaskEvents, type Window } from './statistics-buckets.js';

const tags = ['statistics'];
/** A plot of more points than this is no use in a browser and costly to build. */
const MAX_BUCKETS = 20_000;

function windowOf(ctx: MasterContext, daysBack: number, minutes: number): Window {
  const resolutionMs = minutes * 60_000;
  const to = ctx.clock.now();
  const from = to - Math.round(daysBack * 86_400_000);
  if ((to - from) / resolutionMs > MAX_BUCKETS) {
    throw new ValidationError(
      `days_back / minutes_resolution gives more than ${MAX_BUCKETS} buckets: use a coarser resolution`,
      { field: 'minutes_resolution', value: minutes },
    );
  }
  return { from, to, resolutionMs };
}

export function statisticsRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/statistics/agent_counts',
      {
        schema: {
          tags,
          summary: 'Agents per state over time',
          querystring: AgentCountsQuery,
          response: { 200: AgentCountsView, ...errors },
        },
      },
      async (req) => {
        const { days_back, minutes_resolution } = req.query;
        const window = windowOf(ctx, days_back, minutes_resolution);
        const samples = await listAgentCounts(ctx.statistics, { from: window.from, to: window.to });
        return { days_back, minutes_resolution, samples: bucketAgentCounts(samples, window) };
      },
    );

    app.get(
      '/statistics/task_events',
      {
        schema: {
          tags,
          summary:
            'Task events (new, restarted, started, done, failed, deleted) and mean task totals over time',
          querystring: TaskEventsQuery,
          response: { 200: TaskEventsView, ...errors },
        },
      },
      async (req) => {
        const { days_back, minutes_resolution, queue, no_queue } = req.query;
        const window = windowOf(ctx, days_back, minutes_resolution);
        // Rows are read for the window widened to whole buckets, then filtered by queue in memory: there
        // is one row per queue and interval, a handful of thousands for a week.
        const from = Math.floor(window.from / window.resolutionMs) * window.resolutionMs;
        const [events, counts] = await Promise.all([
          listTaskEventCounts(ctx.statistics, { from, to: window.to }),
          listTaskCounts(ctx.statistics, { from, to: window.to }),
        ]);
        const selection = {
          ...(queue !== undefined ? { queues: queue } : {}),
          ...(no_queue !== undefined ? { noQueue: no_queue } : {}),
        };
        return {
          days_back,
          minutes_resolution,
          buckets: bucketTaskEvents(events, counts, window, selection),
        };
      },
    );
  };
}
