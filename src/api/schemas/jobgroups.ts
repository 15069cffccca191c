/** Job groups: a title, the job type of the group's main jobs, an owner, and the jobs in it. */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const Title = Type.String({ minLength: 1, maxLength: 255 });
const MainJobType = Type.Union([Type.String({ minLength: 1, maxLength: 64 }), Type.Integer({ minimum: 1 })], {
  description: 'a job type name (or id)',
});
const Username = Type.String({ minLength: 1, maxLength: 255 });

export const CreateJobGroupBody = Type.Object(
  {
    title: Title,
    main_jobtype: MainJobType,
    user: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'default: the caller' })),
    ),
  },
  { additionalProperties: false },
);
export type CreateJobGroupBody = Static<typeof CreateJobGroupBody>;

export const UpdateJobGroupBody = Type.Object(
  {
    title: Type.Optional(Title),
    main_jobtype: Type.Optional(MainJobType),
    user: Type.Optional(Nullable(Username)),
  },
  { additionalProperties: false },
);
export type UpdateJobGroupBody = Static<typeof UpdateJobGroupBody>;

const summaryFields = {
  id: Type.Integer(),
  title: Type.String(),
  main_jobtype: Type.String(),
  user: Nullable(Type.String()),
};

export const JobGroupSummary = Type.Object(summaryFields);
export type JobGroupSummary = Static<typeof JobGroupSummary>;

export const JobGroupView = Type.Object({
  ...summaryFields,
  jobs: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String() })),
});
export type JobGroupView = Static<typeof JobGroupView>;

export const JobGroupJob = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  state: Type.String({ description: 'queued, running, paused, done or failed' }),
  jobtype_id: Type.Integer(),
  jobtype: Type.String(),
  jobtype_version: Type.Integer(),
  tasks_queued: Type.Integer(),
  tasks_running: Type.Integer(),
  tasks_done: Type.Integer(),
  tasks_failed: Type.Integer(),
});
export type JobGroupJob = Static<typeof JobGroupJob>;

export const JobGroupJobs = Type.Object({ jobs: Type.Array(JobGroupJob) });

export const JobGroupParams = Type.Object({
  group: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }),
});
