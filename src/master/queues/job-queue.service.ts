/**
 * Job queue workflows. Sibling queues have distinct names (PyFarm's API wanted names unique across the
 * whole tree, its model only among siblings; Drover follows the model), so a bare name in a URL may be
 * ambiguous: it must then be given as an id or a path. Queues do not move: the parent is fixed at
 * creation. Every change is announced (`queue.changed`) after it commits.
 */
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import { listJobs } from '../../db/jobs/job.repository.js';
import {
  createJobQueue,
  deleteJobQueue,
  findJobQueue,
  findJobQueueByPath,
  findJobQueuesByName,
  listChildQueues,
  updateJobQueue,
  type JobQueue,
  type JobQueueFields,
} from '../../db/queues/job-queue.repository.js';
import { transaction } from '../../db/transaction.js';
import type { CreateJobQueueBody, UpdateJobQueueBody } from '../../api/schemas/jobqueues.js';
import type { MasterContext } from '../context.js';

/** The cached path column's width. */
const MAX_PATH_LENGTH = 1024;

export interface JobQueueDetail {
  readonly queue: JobQueue;
  readonly parent: JobQueue | undefined;
  readonly children: readonly JobQueue[];
  readonly jobs: readonly { id: number; title: string }[];
}

/** A queue by id (a number), path (a string with "/") or name (unique among all queues, else ambiguous). */
export async function findQueueByKey(
  db: Kysely<Database>,
  key: number | string,
): Promise<JobQueue | undefined> {
  if (typeof key === 'number') return findJobQueue(db, key);
  if (key.includes('/')) return findJobQueueByPath(db, key);
  const matches = await findJobQueuesByName(db, key);
  if (matches.length > 1) {
    throw new ValidationError(
      `job queue name ${JSON.stringify(key)} is ambiguous (${matches.map((q) => q.fullpath).join(', ')}): use the id or the path`,
      { field: 'queue', value: key },
    );
  }
  return matches[0];
}

export async function getQueueDetail(db: Kysely<Database>, key: number | string): Promise<JobQueueDetail> {
  const queue = await findQueueByKey(db, key);
  if (!queue) throw new NotFoundError('job queue', key);
  return describeQueue(db, queue);
}

async function describeQueue(db: Kysely<Database>, queue: JobQueue): Promise<JobQueueDetail> {
  const [parent, children, jobs] = await Promise.all([
    queue.parentId === null ? undefined : findJobQueue(db, queue.parentId),
    listChildQueues(db, queue.id),
    listJobs(db, { jobQueueId: queue.id, order: 'oldest' }),
  ]);
  return { queue, parent, children, jobs: jobs.map((j) => ({ id: j.id, title: j.title })) };
}

export async function createQueue(ctx: MasterContext, body: CreateJobQueueBody): Promise<JobQueueDetail> {
  const detail = await transaction(ctx.db, async (trx) => {
    const parentId = body.parent_jobqueue_id ?? null;
    if (parentId !== null) {
      const parent = await findJobQueue(trx, parentId);
      if (!parent) throw new NotFoundError('job queue', parentId, `parent job queue ${parentId} not found`);
      checkPathLength(parent.fullpath, body.name);
    }
    const queue = await createJobQueue(
      trx,
      { ...queueFields(body), name: body.name, parentId },
      { limits: ctx.limits },
    );
    return describeQueue(trx, queue);
  });
  ctx.events.emit({ type: 'queue.changed', queueId: detail.queue.id });
  return detail;
}

export async function changeQueue(
  ctx: MasterContext,
  key: number | string,
  body: UpdateJobQueueBody,
): Promise<JobQueueDetail> {
  const detail = await transaction(ctx.db, async (trx) => {
    const queue = await findQueueByKey(trx, key);
    if (!queue) throw new NotFoundError('job queue', key);
    if (body.parent_jobqueue_id !== undefined && body.parent_jobqueue_id !== queue.parentId) {
      throw new ValidationError('parent_jobqueue_id: queues cannot be moved to another parent', {
        field: 'parent_jobqueue_id',
        value: body.parent_jobqueue_id,
      });
    }
    if (body.name !== undefined && body.name !== queue.name) {
      checkPathLength(queue.fullpath.slice(0, queue.fullpath.length - queue.name.length - 1), body.name);
    }
    const fields = { ...queueFields(body), ...(body.name !== undefined ? { name: body.name } : {}) };
    return describeQueue(trx, await updateJobQueue(trx, queue.id, fields, { limits: ctx.limits }));
  });
  ctx.events.emit({ type: 'queue.changed', queueId: detail.queue.id });
  return detail;
}

/** False for an unknown queue; ConflictError while it has child queues or jobs. */
export async function removeQueue(ctx: MasterContext, key: number | string): Promise<boolean> {
  const removed = await transaction(ctx.db, async (trx) => {
    const queue = await findQueueByKey(trx, key);
    if (!queue) return undefined;
    return (await deleteJobQueue(trx, queue.id)) ? queue : undefined;
  });
  if (removed) ctx.events.emit({ type: 'queue.changed', queueId: removed.id });
  return removed !== undefined;
}

function checkPathLength(parentPath: string, name: string): void {
  if (parentPath.length + 1 + name.length > MAX_PATH_LENGTH) {
    throw new ValidationError(`name: the queue's path would be longer than ${MAX_PATH_LENGTH} characters`, {
      field: 'name',
      value: name,
    });
  }
}

function queueFields(body: UpdateJobQueueBody): JobQueueFields {
  return {
    ...(body.priority !== undefined ? { priority: body.priority } : {}),
    ...(body.weight !== undefined ? { weight: body.weight } : {}),
    ...(body.minimum_agents !== undefined ? { minimumAgents: body.minimum_agents } : {}),
    ...(body.maximum_agents !== undefined ? { maximumAgents: body.maximum_agents } : {}),
  };
}
