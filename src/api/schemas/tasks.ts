/**
 * Tasks of a job on the wire (seed 003, spec §9): the task dict, the agent's reports
 * (`POST /jobs/<j>/tasks/<t>`), and the per-task blacklist (`failed_on_agents`).
 *
 * Task states on the wire: a stored NULL is "queued" without an agent and "assigned" with one.
 */
import Type, { type Static } from 'typebox';
import { IdOrName, Nullable, OrNull, Timestamp } from './common.js';

export const TaskStateName = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('assigned'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ],
  { description: 'queued (no agent), assigned (agent, not started), running, paused, done or failed' },
);

/** What a report may set the state to; "queued" (stored as NULL) hands the task back. Integers as in PyFarm. */
export const ReportedTaskState = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('done'),
    Type.Literal('failed'),
    Type.Literal(100),
    Type.Literal(105),
    Type.Literal(106),
    Type.Literal(107),
  ],
  { description: 'queued, running, paused, done or failed (or PyFarm integers 100, 105, 106, 107)' },
);
export type ReportedTaskState = Static<typeof ReportedTaskState>;

const Uuid = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'an agent id (UUID)',
});

export const TaskView = Type.Object({
  id: Type.Integer(),
  job_id: Type.Integer(),
  state: TaskStateName,
  priority: Type.Integer(),
  frame: Type.Number(),
  tile: OrNull(Type.Integer()),
  agent_id: OrNull(Type.String()),
  attempts: Type.Integer(),
  failures: Type.Integer(),
  progress: Type.Number(),
  last_error: OrNull(Type.String()),
  sent_to_agent: Type.Boolean(),
  hidden: Type.Boolean(),
  time_submitted: Timestamp,
  time_started: OrNull(Timestamp),
  time_finished: OrNull(Timestamp),
});
export type TaskView = Static<typeof TaskView>;

export const TaskAgentView = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  remote_ip: OrNull(Type.String()),
  port: Type.Integer(),
});

/** GET/POST /jobs/<j>/tasks/<t>: the task with its job and agent. */
export const TaskDetailView = Type.Object({
  ...TaskView.properties,
  job: Type.Object({ id: Type.Integer(), title: Type.String() }),
  agent: OrNull(TaskAgentView),
});
export type TaskDetailView = Static<typeof TaskDetailView>;

export const TaskParams = Type.Object({
  job: IdOrName,
  task: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});

export const TaskListQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'from 1' })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'default 1000' })),
  },
  { additionalProperties: false },
);

/**
 * A task report. Agents send `state` (+ `last_error`, `agent_id: null` to hand the task back), `progress`
 * or `time_started` ("now", or the time the process really started, for reports delivered late), with the
 * `attempt` they were given so that a report about an earlier attempt is refused; wranglers may also set
 * `agent_id`, `priority` and `hidden`. The finish and submission times, the frame and the job cannot be set.
 */
export const UpdateTaskBody = Type.Object(
  {
    state: Type.Optional(ReportedTaskState),
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    last_error: Type.Optional(Nullable(Type.String())),
    time_started: Type.Optional(
      Type.Union([Type.Literal('now'), Type.String({ format: 'date-time' })], {
        description: '"now" or an ISO-8601 time',
      }),
    ),
    attempt: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 2147483647,
        description: "the attempt the report is about (the task's `attempts` when it was assigned)",
      }),
    ),
    agent_id: Type.Optional(Nullable(Uuid)),
    priority: Type.Optional(Type.Integer()),
    hidden: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type UpdateTaskBody = Static<typeof UpdateTaskBody>;

export const AgentReferenceView = Type.Object({ id: Type.String(), hostname: Type.String() });

export const FailedOnAgentBody = Type.Object({ id: Uuid }, { additionalProperties: false });

export const FailedOnAgentParams = Type.Object({
  job: IdOrName,
  task: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
  agent: Type.String({ minLength: 1, maxLength: 64 }),
});
