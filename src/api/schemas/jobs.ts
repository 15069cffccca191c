/**
 * Jobs on the wire (seed 003, spec §9 "Jobs"): submission, update, the full job dict, the job list with
 * its filters, paging and sorting, notified users and the job actions.
 *
 * Job states on the wire: "paused", "running", "done", "failed", and "queued" for a stored NULL — shown as
 * "running" instead while an unfinished task of the job is held by an agent (in the list too; PyFarm's
 * list said "assigned" there).
 */
import Type, { type Static } from 'typebox';
import { Nullable, OrNull, Timestamp } from './common.js';

/** A string that is looked up in the database: non-empty and free of NUL (which PostgreSQL cannot hold). */
export function Name(maxLength: number, description?: string) {
  return Type.String({
    minLength: 1,
    maxLength,
    pattern: '^[^\\u0000]*$',
    ...(description ? { description } : {}),
  });
}

const Id = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
const Frame = Type.Number({ description: 'a frame number (NUMERIC(10,4))' });

export const JobStateName = Type.Union(
  [
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('paused'),
    Type.Literal('done'),
    Type.Literal('failed'),
  ],
  { description: 'queued, running, paused, done or failed' },
);
export type JobStateName = Static<typeof JobStateName>;

/** The states a client may set on a job: pause it, or put it back in the queue (unpause). */
const SettableJobState = Type.Union([Type.Literal('paused'), Type.Literal('queued'), Type.Literal(100)], {
  description: '"paused" (or 100) pauses the job, "queued" unpauses it',
});

export const JobReference = Type.Object({ id: Type.Integer(), title: Type.String() });

export const SoftwareRequirementView = Type.Object({
  software_id: Type.Integer(),
  software: Type.String(),
  min_version_id: OrNull(Type.Integer()),
  min_version: OrNull(Type.String()),
  max_version_id: OrNull(Type.Integer()),
  max_version: OrNull(Type.String()),
});

export const TagRequirementView = Type.Object({ tag: Type.String(), negate: Type.Boolean() });

export const NotifiedUserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: OrNull(Type.String()),
  on_success: Type.Boolean(),
  on_failure: Type.Boolean(),
  on_deletion: Type.Boolean(),
});
export type NotifiedUserView = Static<typeof NotifiedUserView>;

const JsonObject = Type.Object({}, { additionalProperties: true, description: 'any JSON object' });
const Environment = Type.Record(Type.String(), Type.String(), {
  description: 'environment variables (string values)',
});

/** The full job dict of GET/POST /jobs/<x> and POST /jobs/. */
export const JobView = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  state: JobStateName,
  priority: Type.Integer(),
  weight: Type.Integer(),
  minimum_agents: OrNull(Type.Integer()),
  maximum_agents: OrNull(Type.Integer()),
  time_submitted: Timestamp,
  time_started: OrNull(Timestamp),
  time_finished: OrNull(Timestamp),
  jobtype: Type.String(),
  jobtype_version: Type.Integer(),
  /** The first and last frame of the job's tasks (null only for a job without tasks). */
  start: OrNull(Type.Number()),
  end: OrNull(Type.Number()),
  by: Type.Number(),
  num_tiles: OrNull(Type.Integer()),
  batch: Type.Integer(),
  requeue: Type.Integer(),
  cpus: Type.Integer(),
  ram: Type.Integer(),
  ram_warning: OrNull(Type.Integer()),
  ram_max: OrNull(Type.Integer()),
  hidden: Type.Boolean(),
  notes: Type.String(),
  output_link: OrNull(Type.String()),
  project: OrNull(Type.String()),
  environ: OrNull(Environment),
  data: OrNull(JsonObject),
  to_be_deleted: Type.Boolean(),
  completion_notify_sent: Type.Boolean(),
  autodelete_time: OrNull(Type.Integer()),
  user: OrNull(Type.String()),
  jobqueue: OrNull(Type.String({ description: 'the queue path, e.g. "/studio/lighting"' })),
  job_group_id: OrNull(Type.Integer()),
  jobgroup: OrNull(Type.String({ description: "the job group's title" })),
  tags: Type.Array(Type.String()),
  tag_requirements: Type.Array(TagRequirementView),
  software_requirements: Type.Array(SoftwareRequirementView),
  parents: Type.Array(JobReference),
  children: Type.Array(JobReference),
  notified_users: Type.Array(NotifiedUserView),
});
export type JobView = Static<typeof JobView>;

export const SoftwareRequirementInput = Type.Object(
  {
    software: Name(64),
    min_version: Type.Optional(Nullable(Name(64))),
    max_version: Type.Optional(Nullable(Name(64))),
  },
  { additionalProperties: false },
);

export const TagRequirementInput = Type.Object(
  { tag: Name(64), negate: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

const NotificationFlags = {
  on_success: Type.Optional(Type.Boolean()),
  on_failure: Type.Optional(Type.Boolean()),
  on_deletion: Type.Optional(Type.Boolean()),
};

export const NotifiedUserInput = Type.Object(
  { username: Name(255), ...NotificationFlags },
  { additionalProperties: false },
);
export type NotifiedUserInput = Static<typeof NotifiedUserInput>;

/** Columns a submission and an update share. Ranges are checked by the model rules (400 naming the field). */
const JobColumns = {
  title: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
  priority: Type.Optional(Type.Integer()),
  weight: Type.Optional(Type.Integer()),
  minimum_agents: Type.Optional(Nullable(Type.Integer())),
  maximum_agents: Type.Optional(Nullable(Type.Integer())),
  start: Type.Optional(Frame),
  end: Type.Optional(Frame),
  by: Type.Optional(Type.Number({ description: 'the frame step (default 1)' })),
  num_tiles: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, description: 'only for job types that support tiling' })),
  ),
  batch: Type.Optional(Type.Integer()),
  requeue: Type.Optional(Type.Integer({ description: '0 = never, -1 = forever, N = N retries' })),
  cpus: Type.Optional(Type.Integer({ description: '0 = no minimum, -1 = the whole agent' })),
  ram: Type.Optional(Type.Integer({ description: 'MB; 0 = no minimum, -1 = all of the agent' })),
  ram_warning: Type.Optional(Nullable(Type.Integer())),
  ram_max: Type.Optional(Nullable(Type.Integer())),
  hidden: Type.Optional(Type.Boolean()),
  notes: Type.Optional(Type.String()),
  output_link: Type.Optional(Nullable(Type.String())),
  project: Type.Optional(Nullable(Type.String())),
  environ: Type.Optional(Nullable(Environment)),
  data: Type.Optional(Nullable(JsonObject)),
  autodelete_time: Type.Optional(Nullable(Type.Integer({ description: 'seconds after finishing' }))),
  job_group_id: Type.Optional(Nullable(Id)),
  jobqueue: Type.Optional(Nullable(Name(1024, 'a queue path: "a/b" or "/a/b"'))),
  parents: Type.Optional(Type.Array(Type.Object({ id: Id }, { additionalProperties: false }))),
  tags: Type.Optional(Type.Array(Name(64))),
  tag_requirements: Type.Optional(Type.Array(TagRequirementInput)),
  software_requirements: Type.Optional(Type.Array(SoftwareRequirementInput)),
  notified_users: Type.Optional(Type.Array(NotifiedUserInput)),
  state: Type.Optional(SettableJobState),
};

export const SubmitJobBody = Type.Object(
  {
    ...JobColumns,
    title: Type.String({ minLength: 1, maxLength: 255 }),
    jobtype: Name(64, 'the job type name'),
    jobtype_version: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 2147483647, description: 'default: the latest' }),
    ),
    user: Type.Optional(Nullable(Name(255, "the owner's username (default: the caller)"))),
  },
  { additionalProperties: false },
);
export type SubmitJobBody = Static<typeof SubmitJobBody>;

export const UpdateJobBody = Type.Object(
  {
    ...JobColumns,
    jobtype_version: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
    user: Type.Optional(Nullable(Name(255))),
  },
  { additionalProperties: false },
);
export type UpdateJobBody = Static<typeof UpdateJobBody>;

export const JobListOrder = Type.Union(
  [
    Type.Literal('id'),
    Type.Literal('title'),
    Type.Literal('state'),
    Type.Literal('time_submitted'),
    Type.Literal('time_started'),
    Type.Literal('time_finished'),
    Type.Literal('priority'),
    Type.Literal('weight'),
    Type.Literal('user'),
    Type.Literal('jobtype'),
    Type.Literal('jobqueue'),
  ],
  { description: 'sort key (default id)' },
);
export type JobListOrder = Static<typeof JobListOrder>;

export const JobListQuery = Type.Object(
  {
    jobtype: Type.Optional(Name(64, 'jobs of this job type')),
    user: Type.Optional(Name(255, 'jobs of this user')),
    title: Type.Optional(Name(255, 'a case-sensitive substring of the title')),
    jobqueue: Type.Optional(Name(1024, 'jobs directly in this queue ("/a/b" or "a/b")')),
    state: Type.Optional(Type.Array(JobStateName, { maxItems: 5, description: 'repeatable' })),
    hidden: Type.Optional(Type.Boolean()),
    tag: Type.Optional(
      Type.Array(Name(64), { maxItems: 20, description: 'jobs having all these tags (repeatable)' }),
    ),
    priority: Type.Optional(
      Type.Array(Type.Integer(), { maxItems: 50, description: 'jobs of these priorities (repeatable)' }),
    ),
    blocked: Type.Optional(
      Type.Boolean({
        description: 'true: jobs waiting for a parent job that is not done; false: the others',
      }),
    ),
    no_queue: Type.Optional(Type.Boolean({ description: 'jobs without a queue (with jobqueue: either)' })),
    no_user: Type.Optional(Type.Boolean({ description: 'jobs without an owner (with user: either)' })),
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'from 1' })),
    per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'default 100' })),
    order_by: Type.Optional(JobListOrder),
    order_dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    task_counts: Type.Optional(Type.Boolean({ description: 'add tasks_* counts to each job' })),
  },
  { additionalProperties: false },
);
export type JobListQuery = Static<typeof JobListQuery>;

/** An entry of GET /jobs/: the seed's {id, title, state} plus what a job list needs to show. */
export const JobListItem = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  state: JobStateName,
  priority: Type.Integer(),
  weight: Type.Integer(),
  user: OrNull(Type.String()),
  jobtype: Type.String(),
  jobtype_version: Type.Integer(),
  jobqueue: OrNull(Type.String()),
  time_submitted: Timestamp,
  time_started: OrNull(Timestamp),
  time_finished: OrNull(Timestamp),
  hidden: Type.Boolean(),
  to_be_deleted: Type.Boolean(),
  tasks_queued: Type.Optional(Type.Integer()),
  tasks_running: Type.Optional(Type.Integer()),
  tasks_done: Type.Optional(Type.Integer()),
  tasks_failed: Type.Optional(Type.Integer()),
  tasks_total: Type.Optional(Type.Integer()),
});
export type JobListItem = Static<typeof JobListItem>;

export const NotifiedUserParams = Type.Object({
  job: Type.String({ minLength: 1, maxLength: 1024 }),
  username: Type.String({ minLength: 1, maxLength: 1024 }),
});
