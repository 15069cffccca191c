/**
 * Statistics read endpoints for the plots of the web UI (PyFarm's /statistics/agent_counts and
 * /statistics/task_events pages, as JSON). Samples are averaged and events summed into buckets of
 * `minutes_resolution` minutes over the last `days_back` days.
 */
import Type, { type Static } from 'typebox';
import { Nullable, Timestamp } from './common.js';

const DaysBack = Type.Number({
  exclusiveMinimum: 0,
  maximum: 3650,
  default: 7,
  description: 'how far back from now, in days (fractions allowed)',
});

export const AgentCountsQuery = Type.Object(
  {
    days_back: DaysBack,
    minutes_resolution: Type.Integer({
      minimum: 1,
      maximum: 43200,
      default: 60,
      description: 'bucket size in minutes; samples inside a bucket are averaged',
    }),
  },
  { additionalProperties: false },
);
export type AgentCountsQuery = Static<typeof AgentCountsQuery>;

export const AgentCountSample = Type.Object({
  time: Timestamp,
  online: Type.Number(),
  running: Type.Number(),
  offline: Type.Number(),
  disabled: Type.Number(),
});

export const AgentCountsView = Type.Object({
  days_back: Type.Number(),
  minutes_resolution: Type.Integer(),
  /** Buckets without a sample are left out. */
  samples: Type.Array(AgentCountSample),
});
export type AgentCountsView = Static<typeof AgentCountsView>;

export const TaskEventsQuery = Type.Object(
  {
    days_back: DaysBack,
    minutes_resolution: Type.Integer({ minimum: 1, maximum: 43200, default: 15, description: 'bucket size' }),
    queue: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), { description: 'only these queues (repeatable)' }),
    ),
    no_queue: Type.Optional(Type.Boolean({ description: 'include jobs without a queue' })),
  },
  { additionalProperties: false },
);
export type TaskEventsQuery = Static<typeof TaskEventsQuery>;

export const TaskEventBucket = Type.Object({
  time_start: Timestamp,
  time_end: Timestamp,
  new: Type.Integer(),
  deleted: Type.Integer(),
  restarted: Type.Integer(),
  started: Type.Integer(),
  failed: Type.Integer(),
  done: Type.Integer(),
  /** Mean task totals over the samples of the bucket; null when none was taken. */
  avg_queued: Nullable(Type.Number()),
  avg_running: Nullable(Type.Number()),
  avg_done: Nullable(Type.Number()),
  avg_failed: Nullable(Type.Number()),
});
export type TaskEventBucket = Static<typeof TaskEventBucket>;

export const TaskEventsView = Type.Object({
  days_back: Type.Number(),
  minutes_resolution: Type.Integer(),
  buckets: Type.Array(TaskEventBucket),
});
export type TaskEventsView = Static<typeof TaskEventsView>;
