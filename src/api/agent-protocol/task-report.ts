/**
 * What an agent reports about its tasks (spec §4 "Task reports" and "Logs"). Reports are journaled by the
 * agent while the master is unreachable and may be delivered more than once: the master must treat a
 * repeated identical report as a no-op.
 */
import Type, { type Static } from 'typebox';

export const ReportedTaskStateSchema = Type.Union([
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('queued'),
]);
export type ReportedTaskState = Static<typeof ReportedTaskStateSchema>;

/**
 * `POST /api/v1/jobs/<job>/tasks/<task>` from an agent. `agent_id: null` (with state "queued") hands the
 * task back. `time_started` is PyFarm's "now" or, from Drover agents, the time the process really started
 * (a journaled report can arrive long after). `attempt` lets the master ignore reports about an attempt it
 * has since given to someone else.
 */
export const TaskReportSchema = Type.Object(
  {
    state: Type.Optional(ReportedTaskStateSchema),
    progress: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    last_error: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    agent_id: Type.Optional(Type.Null()),
    time_started: Type.Optional(Type.Union([Type.Literal('now'), Type.String({ format: 'date-time' })])),
    attempt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type TaskReport = Static<typeof TaskReportSchema>;

/** `POST /api/v1/jobs/<j>/tasks/<t>/attempts/<a>/logs/`: the agent registers a CSV log before it starts. */
export const TaskLogRegistrationSchema = Type.Object(
  {
    identifier: Type.String({ minLength: 1, maxLength: 255, pattern: '^[^/\\\\]+$' }),
    agent_id: Type.String({ format: 'uuid' }),
  },
  { additionalProperties: false },
);
export type TaskLogRegistration = Static<typeof TaskLogRegistrationSchema>;

/** `POST /api/v1/jobs/<j>/tasks/<t>/attempts/<a>/logs/<identifier>`: the task's state as this log saw it. */
export const TaskLogStateSchema = Type.Object(
  { state: ReportedTaskStateSchema },
  { additionalProperties: false },
);
export type TaskLogState = Static<typeof TaskLogStateSchema>;

/** `POST /api/v1/jobs/<j>/tasks/<t>/failed_on_agents/`: never give this task to this agent again. */
export const FailedOnAgentSchema = Type.Object(
  { id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false },
);
export type FailedOnAgent = Static<typeof FailedOnAgentSchema>;
