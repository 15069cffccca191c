/**
 * Job groups: a title, the job type of the group's main jobs, and an owner. A group is deleted with its
 * last job (see deleteJob); deleting a group that still has jobs is a ConflictError.
 */
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, NotFoundError } from '../../core/errors.js';
import type { Database, JobGroupsTable } from '../database.js';
import { requireExisting } from '../existence.js';
import { insertReturningId } from '../inserts.js';
import { checkInteger, checkRequired, checkString, nullable } from '../rules/field-rules.js';
import { transaction } from '../transaction.js';
import { limitsOf, type WriteOptions } from '../write-options.js';

export interface JobGroup {
  readonly id: number;
  readonly title: string;
  readonly mainJobtypeId: number;
  readonly userId: number | null;
}

export interface JobGroupFields {
  title?: string;
  mainJobtypeId?: number;
  userId?: number | null;
}

export async function createJobGroup(
  db: Kysely<Database>,
  input: JobGroupFields & { title: string; mainJobtypeId: number },
  options?: WriteOptions,
): Promise<JobGroup> {
  checkRequired(input, ['title', 'mainJobtypeId'], { mainJobtypeId: 'main_jobtype_id' });
  const values = checkGroupFields(input, options);
  return transaction(db, async (trx) => {
    await requireReferences(trx, values);
    const row = {
      title: values.title!,
      main_jobtype_id: values.main_jobtype_id!,
      user_id: values.user_id ?? null,
    };
    const id = await insertReturningId(trx, 'job_groups', row);
    return toGroup({ id, ...row });
  });
}

export async function findJobGroup(db: Kysely<Database>, id: number): Promise<JobGroup | undefined> {
  const row = await db.selectFrom('job_groups').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toGroup(row);
}

export async function getJobGroup(db: Kysely<Database>, id: number): Promise<JobGroup> {
  const group = await findJobGroup(db, id);
  if (!group) throw new NotFoundError('job group', id);
  return group;
}

export async function listJobGroups(
  db: Kysely<Database>,
  filter: { userId?: number } = {},
): Promise<JobGroup[]> {
  let query = db.selectFrom('job_groups').selectAll().orderBy('id');
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  return (await query.execute()).map(toGroup);
}

export async function updateJobGroup(
  db: Kysely<Database>,
  id: number,
  patch: JobGroupFields,
  options?: WriteOptions,
): Promise<JobGroup> {
  const values = checkGroupFields(patch, options);
  return transaction(db, async (trx) => {
    await getJobGroup(trx, id);
    await requireReferences(trx, values);
    if (Object.keys(values).length > 0)
      await trx.updateTable('job_groups').set(values).where('id', '=', id).execute();
    return getJobGroup(trx, id);
  });
}

/** Deletes an empty group; a group with jobs is a ConflictError. False if absent. */
export async function deleteJobGroup(db: Kysely<Database>, id: number): Promise<boolean> {
  return transaction(db, async (trx) => {
    if (!(await findJobGroup(trx, id))) return false;
    const job = await trx
      .selectFrom('jobs')
      .select('id')
      .where('job_group_id', '=', id)
      .limit(1)
      .executeTakeFirst();
    if (job) throw new ConflictError(`job group ${id} still has jobs`, { entity: 'job group' });
    const result = await trx.deleteFrom('job_groups').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

async function requireReferences(
  trx: Kysely<Database>,
  values: Partial<Omit<Selectable<JobGroupsTable>, 'id'>>,
): Promise<void> {
  if (values.main_jobtype_id !== undefined) await requireExisting(trx, 'jobtypes', [values.main_jobtype_id]);
  if (values.user_id !== undefined && values.user_id !== null)
    await requireExisting(trx, 'users', [values.user_id]);
}

function checkGroupFields(
  input: JobGroupFields,
  options: WriteOptions | undefined,
): Partial<Omit<Selectable<JobGroupsTable>, 'id'>> {
  const values: Partial<Omit<Selectable<JobGroupsTable>, 'id'>> = {};
  if (input.title !== undefined) {
    values.title = checkString('title', input.title, { maxLength: limitsOf(options).maxJobgroupNameLength });
  }
  if (input.mainJobtypeId !== undefined)
    values.main_jobtype_id = checkInteger('main_jobtype_id', input.mainJobtypeId, { min: 1 });
  if (input.userId !== undefined)
    values.user_id = nullable(input.userId, (v) => checkInteger('user_id', v, { min: 1 }));
  return values;
}

function toGroup(row: Selectable<JobGroupsTable>): JobGroup {
  return { id: row.id, title: row.title, mainJobtypeId: row.main_jobtype_id, userId: row.user_id };
}
