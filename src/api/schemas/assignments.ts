/**
 * `GET /api/v1/agents/<id>/assignments`: what a passive agent (one the master never contacts) fetches
 * instead of receiving `POST /assign`: the same bodies, one per job it holds tasks of.
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

export const AssignmentsParams = Type.Object({ agent: Type.String({ format: 'uuid' }) });

export const AssignmentsQuery = Type.Object(
  {
    wait: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 60,
        description: 'seconds to wait for work when there is none yet (long poll)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type AssignmentsQuery = Static<typeof AssignmentsQuery>;

const AssignmentMessage = Type.Object({
  job: Type.Object({
    id: Type.Integer(),
    title: Type.String(),
    data: Type.Record(Type.String(), Type.Unknown()),
    environ: Type.Record(Type.String(), Type.String()),
    by: Type.Number(),
    batch: Type.Integer(),
    ram: Type.Integer(),
    ram_warning: Nullable(Type.Integer()),
    ram_max: Nullable(Type.Integer()),
    cpus: Type.Integer(),
    requeue: Type.Integer(),
    priority: Type.Integer(),
    notes: Type.String(),
    tags: Type.Array(Type.String()),
    num_tiles: Nullable(Type.Integer()),
    project: Nullable(Type.String()),
    user: Nullable(Type.String()),
    job_group_id: Nullable(Type.Integer()),
    job_group: Nullable(Type.String()),
    notified_users: Type.Array(
      Type.Object({
        username: Type.String(),
        on_success: Type.Boolean(),
        on_failure: Type.Boolean(),
        on_deletion: Type.Boolean(),
      }),
    ),
  }),
  jobtype: Type.Object({ name: Type.String(), version: Type.Integer() }),
  tasks: Type.Array(
    Type.Object({
      id: Type.Integer(),
      frame: Type.Number(),
      tile: Nullable(Type.Integer()),
      attempt: Type.Integer(),
    }),
  ),
});

export const AssignmentsView = Type.Object({ assignments: Type.Array(AssignmentMessage) });
export type AssignmentsView = Static<typeof AssignmentsView>;
