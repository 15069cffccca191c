/**
 * What a job submission and a job update share: the request's columns as repository fields, and the
 * references a request names (owner, queue, job type version, notified users), resolved inside the
 * caller's transaction with typed errors (unknown → 404, bad value → 400, not yours → 403).
 */
import type { Kysely } from 'kysely';
import type { SubmitJobBody, UpdateJobBody } from '../../api/schemas/jobs.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import type { JobFields } from '../../db/jobs/job.repository.js';
import { findJobQueueByPath } from '../../db/queues/job-queue.repository.js';
import type { FrameRange } from '../../db/tasks/frame-range.js';
import { findUser, type User } from '../../db/users/user.repository.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { findOrAutocreateUser } from '../users/autocreate-user.js';
import { mayChangeAnyJob } from './job-access.js';

type JobColumnsInput = Omit<SubmitJobBody, 'jobtype' | 'title'> & { title?: string };

/** The plain columns of a request, named as the repository names them; absent keys stay absent. */
export function jobFieldsOf(input: JobColumnsInput | UpdateJobBody): JobFields {
  const fields: JobFields = {};
  const copy = <K extends keyof JobFields>(key: K, value: JobFields[K] | undefined) => {
    if (value !== undefined) fields[key] = value;
  };
  copy('title', input.title);
  copy('priority', input.priority);
  copy('weight', input.weight);
  copy('minimumAgents', input.minimum_agents);
  copy('maximumAgents', input.maximum_agents);
  copy('by', input.by);
  copy('numTiles', input.num_tiles);
  copy('batch', input.batch);
  copy('requeue', input.requeue);
  copy('cpus', input.cpus);
  copy('ram', input.ram);
  copy('ramWarning', input.ram_warning);
  copy('ramMax', input.ram_max);
  copy('hidden', input.hidden);
  copy('notes', input.notes);
  copy('outputLink', input.output_link);
  copy('project', input.project);
  copy('environ', input.environ);
  copy('data', input.data as JobFields['data'] | undefined);
  copy('autodeleteTime', input.autodelete_time);
  copy('jobGroupId', input.job_group_id);
  return fields;
}

/**
 * The owner a request names. Omitted on submission → the caller. Artists may own only their own jobs;
 * wranglers may name anyone (and null: no owner). With `autocreate` (submissions), unknown users are
 * created as `autocreate_users` says; otherwise they are a 404.
 */
export async function resolveOwner(
  db: Kysely<Database>,
  ctx: MasterContext,
  principal: Principal,
  username: string | null,
  options: { autocreate: boolean },
): Promise<User | null> {
  const privileged = mayChangeAnyJob(principal);
  if (username === null) {
    if (!privileged) throw new ForbiddenError('user: artists cannot submit or keep jobs without an owner');
    return null;
  }
  if (!privileged && username !== principal.username) {
    throw new ForbiddenError(
      `user: artists submit and own jobs as themselves (${principal.username}), not as ${username}`,
    );
  }
  if (options.autocreate) return findOrAutocreateUser(db, ctx.config, username);
  const existing = await findUser(db, username);
  if (!existing) throw new NotFoundError('user', username);
  return existing;
}

/** A queue path ("a/b" or "/a/b") → its id; null clears the queue. */
export async function resolveQueueId(db: Kysely<Database>, path: string | null): Promise<number | null> {
  if (path === null) return null;
  const queue = await findJobQueueByPath(db, path);
  if (!queue) throw new NotFoundError('job queue', path);
  return queue.id;
}

/**
 * The frame range of a submission: start defaults to 1, end to start, by to 1; an end without a start is
 * rejected as PyFarm did (the caller most likely forgot the start).
 */
export function submittedFrameRange(input: { start?: number; end?: number; by?: number }): FrameRange {
  if (input.end !== undefined && input.start === undefined) {
    throw new ValidationError('start: required when end is given', { field: 'start' });
  }
  const start = input.start ?? 1;
  return { start, end: input.end ?? start, by: input.by ?? 1 };
}
