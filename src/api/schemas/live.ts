/**
 * Live updates: the master's farm events as Server-Sent Events (`GET /api/v1/events`) and task logs
 * followed as they are written (`GET /api/v1/task_logs/<identifier>/stream`). Each SSE message's `data`
 * is one JSON object of the schemas below; the `event` field repeats its type, except that a log stream's
 * error is the event `log.error` (an event named `error` would look like a connection error to
 * EventSource).
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const JobId = Type.Integer({ minimum: 1 });
const AgentId = Type.String({ description: 'agent UUID' });

export const FarmEventMessage = Type.Union([
  Type.Object({ type: Type.Literal('job.changed'), job_id: JobId }),
  Type.Object({ type: Type.Literal('job.deleted'), job_id: JobId }),
  Type.Object({
    type: Type.Literal('task.changed'),
    job_id: JobId,
    task_id: Type.Integer({ minimum: 1 }),
    agent_id: Nullable(AgentId),
  }),
  Type.Object({ type: Type.Literal('agent.changed'), agent_id: AgentId }),
  Type.Object({ type: Type.Literal('agent.deleted'), agent_id: AgentId }),
  Type.Object({ type: Type.Literal('queue.changed'), queue_id: Type.Integer({ minimum: 1 }) }),
  Type.Object(
    { type: Type.Literal('resync') },
    { description: 'too much changed at once to list: reload everything that is shown' },
  ),
]);
export type FarmEventMessage = Static<typeof FarmEventMessage>;

/** One row of a task log (the agent's CSV: time, pid, stream, line number, message). */
export const TaskLogLine = Type.Object({
  time: Type.String({ description: 'as the agent wrote it (ISO-8601 UTC)' }),
  pid: Nullable(Type.Integer()),
  stream: Type.String({ description: '"stdout", "stderr", "internal" (the agent) or "jobtype"' }),
  line: Type.Integer({ description: 'line number in the log, from 1' }),
  message: Type.String(),
});
export type TaskLogLine = Static<typeof TaskLogLine>;

export const TaskLogStreamMessage = Type.Union([
  Type.Object({ type: Type.Literal('lines'), lines: Type.Array(TaskLogLine) }),
  Type.Object({
    type: Type.Literal('end'),
    source: Type.Union([Type.Literal('agent'), Type.Literal('stored')], {
      description: "where the log came from: the agent while it ran, or the master's store",
    }),
  }),
  Type.Object({ type: Type.Literal('error'), error: Type.String() }),
]);
export type TaskLogStreamMessage = Static<typeof TaskLogStreamMessage>;

export const TaskLogStreamParams = Type.Object({
  identifier: Type.String({ minLength: 1, maxLength: 255 }),
});

/** A response schema for an SSE route: documented for the client generator, never serialised. */
export function eventStream(schema: Type.TSchema, description: string) {
  return { description, content: { 'text/event-stream': { schema } } };
}
