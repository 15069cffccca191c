/**
 * The job queue tree. A queue has a priority (strict between siblings) and a weight (share of agents
 * among siblings of equal priority), optional minimum/maximum agent counts, child queues and jobs.
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const QueueName = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/]+$' });
const AgentCount = Nullable(
  Type.Integer({ minimum: 0, maximum: 2147483647, description: 'null or 0 = no limit' }),
);
const queueFields = {
  priority: Type.Optional(Type.Integer({ minimum: -2147483648, maximum: 2147483647 })),
  weight: Type.Optional(Type.Integer({ minimum: 0, maximum: 2147483647 })),
  minimum_agents: Type.Optional(AgentCount),
  maximum_agents: Type.Optional(AgentCount),
};

export const CreateJobQueueBody = Type.Object(
  {
    name: QueueName,
    parent_jobqueue_id: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    ...queueFields,
  },
  { additionalProperties: false },
);
export type CreateJobQueueBody = Static<typeof CreateJobQueueBody>;

/** Partial update; `parent_jobqueue_id` may be repeated but not changed (queues do not move). */
export const UpdateJobQueueBody = Type.Object(
  {
    name: Type.Optional(QueueName),
    parent_jobqueue_id: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    ...queueFields,
  },
  { additionalProperties: false },
);
export type UpdateJobQueueBody = Static<typeof UpdateJobQueueBody>;

const QueueReference = Type.Object({ id: Type.Integer(), name: Type.String(), fullpath: Type.String() });

const summaryFields = {
  id: Type.Integer(),
  name: Type.String(),
  fullpath: Type.String({ description: '"/" + the names from the root, e.g. "/studio/lighting"' }),
  parent_jobqueue_id: Nullable(Type.Integer()),
  priority: Type.Integer(),
  weight: Type.Integer(),
  minimum_agents: Nullable(Type.Integer()),
  maximum_agents: Nullable(Type.Integer()),
};

export const JobQueueSummary = Type.Object(summaryFields);
export type JobQueueSummary = Static<typeof JobQueueSummary>;

export const JobQueueView = Type.Object({
  ...summaryFields,
  parent: Nullable(QueueReference),
  children: Type.Array(QueueReference),
  jobs: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String() })),
});
export type JobQueueView = Static<typeof JobQueueView>;

export const JobQueueParams = Type.Object({
  queue: Type.String({ minLength: 1, maxLength: 1024, description: 'an id, a name or a path ("/a/b")' }),
});
