/**
 * The work the master pushes to an agent (`POST /api/v1/assign` on the agent, spec §5) and the agent's
 * view of what it holds (`current_assignments`, sent back in every announce so the master can reconcile).
 * The master builds these bodies and the agent validates them with the same schemas.
 */
import Type, { type Static } from 'typebox';

/** Task ids, job ids and frame numbers travel as JSON numbers (PyFarm's BigInteger / Decimal columns). */
export const AssignmentTaskSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    frame: Type.Number(),
    tile: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
    /** How many times the master has handed this task out, this time included; log registrations use it. */
    attempt: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type AssignmentTask = Static<typeof AssignmentTaskSchema>;

const NotifiedUserSchema = Type.Object({
  username: Type.String(),
  on_success: Type.Optional(Type.Boolean()),
  on_failure: Type.Optional(Type.Boolean()),
  on_deletion: Type.Optional(Type.Boolean()),
});

/**
 * The job as the agent needs it. `id` and `by` are required (spec §5); the rest is optional so an older or
 * newer master still interoperates, and keys the agent does not know are tolerated for the same reason.
 * `ram`/`cpus` use the model's special values: 0 = no requirement, -1 = the whole agent.
 */
export const AssignmentJobSchema = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    by: Type.Number(),
    title: Type.Optional(Type.String()),
    data: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    environ: Type.Optional(Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()])),
    batch: Type.Optional(Type.Integer({ minimum: 1 })),
    num_tiles: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    user: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    ram: Type.Optional(Type.Integer({ minimum: -1 })),
    ram_warning: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    ram_max: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    cpus: Type.Optional(Type.Integer({ minimum: -1 })),
    requeue: Type.Optional(Type.Integer({ minimum: -1 })),
    priority: Type.Optional(Type.Integer()),
    notes: Type.Optional(Type.String()),
    tags: Type.Optional(Type.Array(Type.String())),
    project: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    job_group_id: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    job_group: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    notified_users: Type.Optional(Type.Array(NotifiedUserSchema)),
  },
  { additionalProperties: true },
);
export type AssignmentJob = Static<typeof AssignmentJobSchema>;

export const AssignmentJobTypeSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    version: Type.Integer({ minimum: 1 }),
  },
  { additionalProperties: false },
);
export type AssignmentJobType = Static<typeof AssignmentJobTypeSchema>;

/** Body of `POST /api/v1/assign`. A top-level `agent_id` that is not the agent's own is refused (400). */
export const AssignmentSchema = Type.Object(
  {
    job: AssignmentJobSchema,
    jobtype: AssignmentJobTypeSchema,
    tasks: Type.Array(AssignmentTaskSchema, { minItems: 1 }),
    agent_id: Type.Optional(Type.String({ format: 'uuid' })),
  },
  { additionalProperties: false },
);
export type Assignment = Static<typeof AssignmentSchema>;

/** 202 answer to an accepted (or already held) assignment. */
export const AssignAcceptedSchema = Type.Object({ id: Type.String({ format: 'uuid' }) });
export type AssignAccepted = Static<typeof AssignAcceptedSchema>;

/** The task states an agent tracks locally; "queued" means handed back. */
export const LocalTaskStateSchema = Type.Union([
  Type.Literal('running'),
  Type.Literal('done'),
  Type.Literal('failed'),
  Type.Literal('queued'),
  Type.Null(),
]);
export type LocalTaskState = Static<typeof LocalTaskStateSchema>;

export const CurrentAssignmentSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  job: AssignmentJobSchema,
  jobtype: Type.Object({
    name: Type.String(),
    version: Type.Integer(),
    /** The job type instance running the assignment, once it is loaded. */
    id: Type.Optional(Type.String({ format: 'uuid' })),
  }),
  tasks: Type.Array(
    Type.Object({
      id: Type.Integer(),
      frame: Type.Number(),
      attempt: Type.Integer(),
      tile: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
      local_state: Type.Optional(LocalTaskStateSchema),
    }),
  ),
});
export type CurrentAssignment = Static<typeof CurrentAssignmentSchema>;

/** `current_assignments`: every assignment the agent holds, by assignment uuid. */
export const CurrentAssignmentsSchema = Type.Record(Type.String({ format: 'uuid' }), CurrentAssignmentSchema);
export type CurrentAssignments = Static<typeof CurrentAssignmentsSchema>;
