/**
 * The job queue tree. Each queue caches its `fullpath` ("/a/b"); renaming a queue rewrites the paths of
 * its subtree in the same transaction. Sibling names are unique: below the top level through the
 * (parent, name) unique key, at the top level (where the parent is NULL, which unique keys do not compare)
 * by a check inside the creating transaction, serialised per name on PostgreSQL by an advisory lock and on
 * MySQL by a locking read.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Database, JobQueuesTable } from '../database.js';
import { dialectOf } from '../dialect-name.js';
import { insertReturningId } from '../inserts.js';
import { checkString, invalid, nullable } from '../rules/field-rules.js';
import { checkCount, checkPriority } from '../rules/work-rules.js';
import { transaction } from '../transaction.js';
import { limitsOf, type WriteOptions } from '../write-options.js';

export interface JobQueue {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  /** null or 0 = no limit. */
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
  readonly priority: number;
  readonly weight: number;
  /** "/" + the names from the root, e.g. "/studio/lighting". */
  readonly fullpath: string;
}

export interface JobQueueFields {
  name?: string;
  minimumAgents?: number | null;
  maximumAgents?: number | null;
  priority?: number;
  weight?: number;
}

export async function createJobQueue(
  db: Kysely<Database>,
  input: JobQueueFields & { name: string; parentId?: number | null },
  options?: WriteOptions,
): Promise<JobQueue> {
  const values = checkQueueFields(input, options);
  const name = checkQueueName(input.name);
  return transaction(db, async (trx) => {
    let parentPath = '';
    const parentId = input.parentId ?? null;
    if (parentId !== null) {
      const parent = await findJobQueue(trx, parentId);
      if (!parent) throw new NotFoundError('job queue', parentId);
      parentPath = parent.fullpath;
    } else {
      await requireFreeTopLevelName(trx, name);
    }
    const row = {
      parent_jobqueue_id: parentId,
      name,
      minimum_agents: values.minimum_agents ?? null,
      maximum_agents: values.maximum_agents ?? null,
      priority: values.priority ?? 0,
      weight: values.weight ?? 10,
      fullpath: `${parentPath}/${name}`,
    };
    const id = await insertReturningId(trx, 'job_queues', row);
    return toQueue({ id, ...row });
  });
}

export async function findJobQueue(db: Kysely<Database>, id: number): Promise<JobQueue | undefined> {
  const row = await db.selectFrom('job_queues').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toQueue(row);
}

export async function getJobQueue(db: Kysely<Database>, id: number): Promise<JobQueue> {
  const queue = await findJobQueue(db, id);
  if (!queue) throw new NotFoundError('job queue', id);
  return queue;
}

/** A queue by path, with or without the leading slash: "a/b" and "/a/b" are the same queue. */
export async function findJobQueueByPath(db: Kysely<Database>, path: string): Promise<JobQueue | undefined> {
  const fullpath = path.startsWith('/') ? path : `/${path}`;
  const row = await db
    .selectFrom('job_queues')
    .selectAll()
    .where('fullpath', '=', fullpath)
    .executeTakeFirst();
  return row && toQueue(row);
}

/** Queues with this name anywhere in the tree. */
export async function findJobQueuesByName(db: Kysely<Database>, name: string): Promise<JobQueue[]> {
  const rows = await db
    .selectFrom('job_queues')
    .selectAll()
    .where('name', '=', name)
    .orderBy('fullpath')
    .execute();
  return rows.map(toQueue);
}

/** Every queue, parents before children (ordered by path). */
export async function listJobQueues(db: Kysely<Database>): Promise<JobQueue[]> {
  const rows = await db.selectFrom('job_queues').selectAll().orderBy('fullpath').execute();
  return rows.map(toQueue);
}

/** The children of a queue, or the top-level queues for null. */
export async function listChildQueues(db: Kysely<Database>, parentId: number | null): Promise<JobQueue[]> {
  let query = db.selectFrom('job_queues').selectAll().orderBy('name');
  query =
    parentId === null
      ? query.where('parent_jobqueue_id', 'is', null)
      : query.where('parent_jobqueue_id', '=', parentId);
  return (await query.execute()).map(toQueue);
}

/** Changes a queue; a new name also changes the paths of every queue below it. */
export async function updateJobQueue(
  db: Kysely<Database>,
  id: number,
  patch: JobQueueFields,
  options?: WriteOptions,
): Promise<JobQueue> {
  const values = checkQueueFields(patch, options);
  const name = patch.name === undefined ? undefined : checkQueueName(patch.name);
  return transaction(db, async (trx) => {
    const queue = await getJobQueue(trx, id);
    if (name !== undefined && name !== queue.name) {
      if (queue.parentId === null) await requireFreeTopLevelName(trx, name);
      const fullpath = `${queue.fullpath.slice(0, queue.fullpath.length - queue.name.length)}${name}`;
      await trx.updateTable('job_queues').set({ name, fullpath }).where('id', '=', id).execute();
      await rewriteSubtreePaths(trx, id, fullpath);
    }
    if (Object.keys(values).length > 0)
      await trx.updateTable('job_queues').set(values).where('id', '=', id).execute();
    return getJobQueue(trx, id);
  });
}

/**
 * Deletes an empty queue. A queue that still has child queues or jobs is a ConflictError; an unknown
 * queue returns false.
 */
export async function deleteJobQueue(db: Kysely<Database>, id: number): Promise<boolean> {
  return transaction(db, async (trx) => {
    const queue = await findJobQueue(trx, id);
    if (!queue) return false;
    const child = await trx
      .selectFrom('job_queues')
      .select('id')
      .where('parent_jobqueue_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (child)
      throw new ConflictError(`job queue ${queue.fullpath} has child queues`, { entity: 'job queue' });
    const job = await trx
      .selectFrom('jobs')
      .select('id')
      .where('job_queue_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (job) throw new ConflictError(`job queue ${queue.fullpath} still has jobs`, { entity: 'job queue' });
    const result = await trx.deleteFrom('job_queues').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

async function requireFreeTopLevelName(trx: Kysely<Database>, name: string): Promise<void> {
  const dialect = dialectOf(trx as Kysely<unknown>);
  if (dialect === 'postgres') {
    await sql`select pg_advisory_xact_lock(hashtext(${`drover.job_queues/${name}`}))`.execute(trx);
  }
  let query = trx
    .selectFrom('job_queues')
    .select('id')
    .where('parent_jobqueue_id', 'is', null)
    .where('name', '=', name);
  if (dialect === 'mysql') query = query.forUpdate();
  if (await query.executeTakeFirst()) {
    throw new ConflictError(`a top-level job queue named ${JSON.stringify(name)} already exists`, {
      entity: 'job queue',
      columns: ['parent_jobqueue_id', 'name'],
    });
  }
}

async function rewriteSubtreePaths(
  trx: Kysely<Database>,
  parentId: number,
  parentPath: string,
): Promise<void> {
  const children = await trx
    .selectFrom('job_queues')
    .select(['id', 'name'])
    .where('parent_jobqueue_id', '=', parentId)
    .execute();
  for (const child of children) {
    const fullpath = `${parentPath}/${child.name}`;
    await trx.updateTable('job_queues').set({ fullpath }).where('id', '=', child.id).execute();
    await rewriteSubtreePaths(trx, child.id, fullpath);
  }
}

function checkQueueName(value: unknown): string {
  const name = checkString('name', value, { maxLength: 255 });
  if (name.includes('/')) throw invalid('name', value, 'must not contain "/" (it separates queues in paths)');
  return name;
}

function checkQueueFields(
  input: JobQueueFields,
  options: WriteOptions | undefined,
): Partial<Omit<Selectable<JobQueuesTable>, 'id'>> {
  const limits = limitsOf(options);
  const values: Partial<Omit<Selectable<JobQueuesTable>, 'id'>> = {};
  if (input.minimumAgents !== undefined)
    values.minimum_agents = nullable(input.minimumAgents, (v) => checkCount('minimum_agents', v));
  if (input.maximumAgents !== undefined)
    values.maximum_agents = nullable(input.maximumAgents, (v) => checkCount('maximum_agents', v));
  if (input.priority !== undefined) values.priority = checkPriority(input.priority, limits);
  if (input.weight !== undefined) values.weight = checkCount('weight', input.weight);
  const { minimum_agents: min, maximum_agents: max } = values;
  if (min && max && min > max)
    throw invalid('minimum_agents', min, `must not exceed maximum_agents (${max})`);
  return values;
}

function toQueue(row: Selectable<JobQueuesTable>): JobQueue {
  return {
    id: row.id,
    parentId: row.parent_jobqueue_id,
    name: row.name,
    minimumAgents: row.minimum_agents,
    maximumAgents: row.maximum_agents,
    priority: row.priority,
    weight: row.weight,
    fullpath: row.fullpath,
  };
}
