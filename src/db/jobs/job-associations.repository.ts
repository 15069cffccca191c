/**
 * What hangs off a job: tags, tag requirements (with negate), software requirements, parent/child
 * dependencies and notified users. `set*` replaces a whole list in one transaction; every function checks
 * that the job exists (NotFoundError otherwise).
 */
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../database.js';
import { requireExisting } from '../existence.js';
import { checkBoolean } from '../rules/field-rules.js';
import {
  describeRequirements,
  resolveSoftwareRequirements,
  type SoftwareRequirement,
  type SoftwareRequirementInput,
} from '../software/software-requirement.js';
import { findOrCreateTags, type Tag } from '../tags/tag.repository.js';
import { transaction } from '../transaction.js';
import type { WriteOptions } from '../write-options.js';

export interface TagRequirement {
  readonly tagId: number;
  readonly tag: string;
  /** true = the agent must NOT carry the tag. */
  readonly negate: boolean;
}

export interface JobReference {
  readonly id: number;
  readonly title: string;
}

export interface NotifiedUser {
  readonly userId: number;
  readonly username: string;
  readonly email: string | null;
  readonly onSuccess: boolean;
  readonly onFailure: boolean;
  readonly onDeletion: boolean;
}

export interface NotificationSettings {
  onSuccess?: boolean;
  onFailure?: boolean;
  onDeletion?: boolean;
}

// --- tags -------------------------------------------------------------------------------------------

export async function listJobTags(db: Kysely<Database>, jobId: number): Promise<Tag[]> {
  return db
    .selectFrom('job_tag_associations')
    .innerJoin('tags', 'tags.id', 'job_tag_associations.tag_id')
    .select(['tags.id', 'tags.tag'])
    .where('job_tag_associations.job_id', '=', jobId)
    .orderBy('tags.tag')
    .execute();
}

/** Gives the job exactly these tags (by name, created when missing). */
export async function setJobTags(
  db: Kysely<Database>,
  jobId: number,
  names: readonly string[],
  options?: WriteOptions,
): Promise<Tag[]> {
  return withJob(db, jobId, async (trx) => {
    const tags = await findOrCreateTags(trx, names, options);
    await trx.deleteFrom('job_tag_associations').where('job_id', '=', jobId).execute();
    if (tags.length > 0) {
      await trx
        .insertInto('job_tag_associations')
        .values(tags.map((tag) => ({ job_id: jobId, tag_id: tag.id })))
        .execute();
    }
    return tags;
  });
}

/** Adds one tag (by name, created when missing); false when the job already had it. */
export async function addJobTag(
  db: Kysely<Database>,
  jobId: number,
  name: string,
  options?: WriteOptions,
): Promise<boolean> {
  return withJob(db, jobId, async (trx) => {
    const [tag] = await findOrCreateTags(trx, [name], options);
    const existing = await trx
      .selectFrom('job_tag_associations')
      .select('tag_id')
      .where('job_id', '=', jobId)
      .where('tag_id', '=', tag!.id)
      .executeTakeFirst();
    if (existing) return false;
    await trx.insertInto('job_tag_associations').values({ job_id: jobId, tag_id: tag!.id }).execute();
    return true;
  });
}

export async function removeJobTag(db: Kysely<Database>, jobId: number, tagId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('job_tag_associations')
    .where('job_id', '=', jobId)
    .where('tag_id', '=', tagId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- tag requirements -------------------------------------------------------------------------------

export async function listJobTagRequirements(db: Kysely<Database>, jobId: number): Promise<TagRequirement[]> {
  const rows = await db
    .selectFrom('job_tag_requirements')
    .innerJoin('tags', 'tags.id', 'job_tag_requirements.tag_id')
    .select(['tags.id', 'tags.tag', 'job_tag_requirements.negate'])
    .where('job_tag_requirements.job_id', '=', jobId)
    .orderBy('tags.tag')
    .execute();
  return rows.map((row) => ({ tagId: row.id, tag: row.tag, negate: row.negate }));
}

/** Replaces the job's tag requirements (tags by name, created when missing). A tag listed twice is invalid. */
export async function setJobTagRequirements(
  db: Kysely<Database>,
  jobId: number,
  requirements: readonly { tag: string; negate?: boolean }[],
  options?: WriteOptions,
): Promise<TagRequirement[]> {
  const names = requirements.map((r) => r.tag);
  const duplicate = names.find((name, i) => names.indexOf(name) !== i);
  if (duplicate !== undefined) {
    throw new ValidationError(`tag_requirements: tag ${JSON.stringify(duplicate)} is listed twice`, {
      field: 'tag_requirements',
      value: duplicate,
    });
  }
  const negates = requirements.map((r, i) =>
    r.negate === undefined ? false : checkBoolean(`tag_requirements[${i}].negate`, r.negate),
  );
  return withJob(db, jobId, async (trx) => {
    const tags = await findOrCreateTags(trx, names, options);
    await trx.deleteFrom('job_tag_requirements').where('job_id', '=', jobId).execute();
    if (tags.length > 0) {
      await trx
        .insertInto('job_tag_requirements')
        .values(tags.map((tag, i) => ({ job_id: jobId, tag_id: tag.id, negate: negates[i]! })))
        .execute();
    }
    return listJobTagRequirements(trx, jobId);
  });
}

// --- software requirements ----------------------------------------------------------------------------

export async function listJobSoftwareRequirements(
  db: Kysely<Database>,
  jobId: number,
): Promise<SoftwareRequirement[]> {
  const rows = await db
    .selectFrom('job_software_requirements')
    .select(['software_id', 'min_version_id', 'max_version_id'])
    .where('job_id', '=', jobId)
    .execute();
  return describeRequirements(db, rows);
}

export async function setJobSoftwareRequirements(
  db: Kysely<Database>,
  jobId: number,
  inputs: readonly SoftwareRequirementInput[],
): Promise<SoftwareRequirement[]> {
  return withJob(db, jobId, async (trx) => {
    const resolved = await resolveSoftwareRequirements(trx, inputs);
    await trx.deleteFrom('job_software_requirements').where('job_id', '=', jobId).execute();
    if (resolved.length > 0) {
      await trx
        .insertInto('job_software_requirements')
        .values(
          resolved.map((r) => ({
            job_id: jobId,
            software_id: r.softwareId,
            min_version_id: r.minVersionId,
            max_version_id: r.maxVersionId,
          })),
        )
        .execute();
    }
    return listJobSoftwareRequirements(trx, jobId);
  });
}

// --- dependencies -----------------------------------------------------------------------------------

/** The jobs this job waits for. */
export async function listJobParents(db: Kysely<Database>, jobId: number): Promise<JobReference[]> {
  return db
    .selectFrom('job_dependencies')
    .innerJoin('jobs', 'jobs.id', 'job_dependencies.parentid')
    .select(['jobs.id', 'jobs.title'])
    .where('job_dependencies.childid', '=', jobId)
    .orderBy('jobs.id')
    .execute();
}

/** The jobs waiting for this job. */
export async function listJobChildren(db: Kysely<Database>, jobId: number): Promise<JobReference[]> {
  return db
    .selectFrom('job_dependencies')
    .innerJoin('jobs', 'jobs.id', 'job_dependencies.childid')
    .select(['jobs.id', 'jobs.title'])
    .where('job_dependencies.parentid', '=', jobId)
    .orderBy('jobs.id')
    .execute();
}

/** Every job that depends on this one, directly or through other jobs (breadth first, without duplicates). */
export async function listDescendantJobIds(db: Kysely<Database>, jobId: number): Promise<number[]> {
  const seen = new Set<number>([jobId]);
  const descendants: number[] = [];
  let frontier = [jobId];
  while (frontier.length > 0) {
    const rows = await db
      .selectFrom('job_dependencies')
      .select('childid')
      .where('parentid', 'in', frontier)
      .orderBy('childid')
      .execute();
    frontier = [];
    for (const { childid } of rows) {
      if (seen.has(childid)) continue;
      seen.add(childid);
      descendants.push(childid);
      frontier.push(childid);
    }
  }
  return descendants;
}

/**
 * Makes the job depend on exactly these parents. Unknown parents are a NotFoundError; a dependency on
 * itself or one that closes a cycle is a ValidationError.
 */
export async function setJobParents(
  db: Kysely<Database>,
  jobId: number,
  parentIds: readonly number[],
): Promise<JobReference[]> {
  const parents = [...new Set(parentIds)];
  return withJob(db, jobId, async (trx) => {
    await requireExisting(trx, 'jobs', parents);
    await trx.deleteFrom('job_dependencies').where('childid', '=', jobId).execute();
    for (const parent of parents) await requireNoCycle(trx, parent, jobId);
    if (parents.length > 0) {
      await trx
        .insertInto('job_dependencies')
        .values(parents.map((parentid) => ({ parentid, childid: jobId })))
        .execute();
    }
    return listJobParents(trx, jobId);
  });
}

/** Adds one parent; false when the dependency already existed. */
export async function addJobParent(db: Kysely<Database>, jobId: number, parentId: number): Promise<boolean> {
  return withJob(db, jobId, async (trx) => {
    await requireExisting(trx, 'jobs', [parentId]);
    const existing = await trx
      .selectFrom('job_dependencies')
      .select('parentid')
      .where('parentid', '=', parentId)
      .where('childid', '=', jobId)
      .executeTakeFirst();
    if (existing) return false;
    await requireNoCycle(trx, parentId, jobId);
    await trx.insertInto('job_dependencies').values({ parentid: parentId, childid: jobId }).execute();
    return true;
  });
}

export async function removeJobParent(
  db: Kysely<Database>,
  jobId: number,
  parentId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('job_dependencies')
    .where('parentid', '=', parentId)
    .where('childid', '=', jobId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Rejects parent → child when child is parent or already an ancestor of parent. */
async function requireNoCycle(trx: Kysely<Database>, parentId: number, childId: number): Promise<void> {
  const seen = new Set<number>();
  let frontier = [parentId];
  while (frontier.length > 0) {
    if (frontier.includes(childId)) {
      throw new ValidationError(
        `parents: job ${parentId} depends on job ${childId} already; that would be a cycle`,
        {
          field: 'parents',
          value: parentId,
        },
      );
    }
    frontier.forEach((id) => seen.add(id));
    const rows = await trx
      .selectFrom('job_dependencies')
      .select('parentid')
      .where('childid', 'in', frontier)
      .execute();
    frontier = [...new Set(rows.map((row) => row.parentid))].filter((id) => !seen.has(id));
  }
}

// --- notified users ---------------------------------------------------------------------------------

export async function listNotifiedUsers(db: Kysely<Database>, jobId: number): Promise<NotifiedUser[]> {
  const rows = await db
    .selectFrom('notified_users')
    .innerJoin('users', 'users.id', 'notified_users.user_id')
    .select(['users.id', 'users.username', 'users.email', 'on_success', 'on_failure', 'on_deletion'])
    .where('notified_users.job_id', '=', jobId)
    .orderBy('users.username')
    .execute();
  return rows.map((row) => ({
    userId: row.id,
    username: row.username,
    email: row.email,
    onSuccess: row.on_success,
    onFailure: row.on_failure,
    onDeletion: row.on_deletion,
  }));
}

/** Subscribes a user to the job (or changes the subscription); defaults: success and failure, not deletion. */
export async function setNotifiedUser(
  db: Kysely<Database>,
  jobId: number,
  userId: number,
  settings: NotificationSettings = {},
): Promise<NotifiedUser> {
  const flags = {
    on_success: settings.onSuccess === undefined ? true : checkBoolean('on_success', settings.onSuccess),
    on_failure: settings.onFailure === undefined ? true : checkBoolean('on_failure', settings.onFailure),
    on_deletion: settings.onDeletion === undefined ? false : checkBoolean('on_deletion', settings.onDeletion),
  };
  return withJob(db, jobId, async (trx) => {
    await requireExisting(trx, 'users', [userId]);
    await trx
      .deleteFrom('notified_users')
      .where('job_id', '=', jobId)
      .where('user_id', '=', userId)
      .execute();
    await trx
      .insertInto('notified_users')
      .values({ job_id: jobId, user_id: userId, ...flags })
      .execute();
    return (await listNotifiedUsers(trx, jobId)).find((n) => n.userId === userId)!;
  });
}

/** Replaces every subscription of the job. */
export async function setNotifiedUsers(
  db: Kysely<Database>,
  jobId: number,
  subscriptions: readonly ({ userId: number } & NotificationSettings)[],
): Promise<NotifiedUser[]> {
  return withJob(db, jobId, async (trx) => {
    await trx.deleteFrom('notified_users').where('job_id', '=', jobId).execute();
    for (const { userId, ...settings } of subscriptions) await setNotifiedUser(trx, jobId, userId, settings);
    return listNotifiedUsers(trx, jobId);
  });
}

export async function removeNotifiedUser(
  db: Kysely<Database>,
  jobId: number,
  userId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('notified_users')
    .where('job_id', '=', jobId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

async function withJob<T>(
  db: Kysely<Database>,
  jobId: number,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  return transaction(db, async (trx) => {
    const job = await trx.selectFrom('jobs').select('id').where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new NotFoundError('job', jobId);
    return fn(trx);
  });
}
