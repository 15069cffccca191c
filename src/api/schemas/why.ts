/**
 * `GET /api/v1/jobs/<job>/why`: why a job's waiting tasks are not running, per agent and in summary.
 */
import Type, { type Static } from 'typebox';

export const WHY_REASONS = [
  'paused',
  'hidden',
  'to_be_deleted',
  'dependency',
  'finished',
  'no_waiting_tasks',
  'agent_offline',
  'agent_disabled',
  'project',
  'tag',
  'software',
  'cpus',
  'ram',
  'blacklist',
  'busy',
  'job_maximum',
  'queue_maximum',
  'priority',
  'minimum',
  'running_jobs_first',
  'share',
  'older_job',
  'assignable',
] as const;

const Reason = Type.Enum(WHY_REASONS, {
  description: 'the first constraint that keeps the job from the agent',
});

export const WhyParams = Type.Object({
  job: Type.String({ minLength: 1, maxLength: 1024, description: 'a job id or title' }),
});

export const WhyQuery = Type.Object(
  {
    agent: Type.Optional(Type.String({ format: 'uuid', description: 'only this agent' })),
    summary: Type.Optional(Type.Boolean({ description: 'only the counts per reason, no per-agent list' })),
  },
  { additionalProperties: false },
);
export type WhyQuery = Static<typeof WhyQuery>;

export const WhyView = Type.Object({
  job: Type.Object({ id: Type.Integer(), title: Type.String(), state: Type.String() }),
  waiting_tasks: Type.Integer({ minimum: 0 }),
  reason: Type.Union([Reason, Type.Null()], { description: 'set when the job itself is the obstacle' }),
  summary: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'agents per reason' }),
  agents: Type.Array(
    Type.Object({ id: Type.String(), hostname: Type.String(), reason: Reason, detail: Type.String() }),
  ),
});
export type WhyView = Static<typeof WhyView>;
