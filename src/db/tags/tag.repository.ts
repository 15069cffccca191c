/**
 * Tags: free-form labels on agents and jobs (job tags, and tag requirements matched against agents).
 * A tag is addressed by id or by its name (`key`), as the API's `/tags/<x>` does.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../database.js';
import { requireExisting } from '../existence.js';
import { insertIgnoringConflicts, insertReturningId } from '../inserts.js';
import { checkString } from '../rules/field-rules.js';
import type { ModelLimits } from '../rules/model-limits.js';
import { transaction } from '../transaction.js';
import { limitsOf, type WriteOptions } from '../write-options.js';

export interface Tag {
  readonly id: number;
  readonly tag: string;
}

/** A tag's id, or its name. */
export type TagKey = number | string;

export function checkTagName(value: unknown, limits: ModelLimits, field = 'tag'): string {
  return checkString(field, value, { maxLength: limits.maxTagLength });
}

export async function createTag(db: Kysely<Database>, name: string, options?: WriteOptions): Promise<Tag> {
  const tag = checkTagName(name, limitsOf(options));
  const id = await insertReturningId(db, 'tags', { tag });
  return { id, tag };
}

export async function findTag(db: Kysely<Database>, key: TagKey): Promise<Tag | undefined> {
  return db
    .selectFrom('tags')
    .select(['id', 'tag'])
    .where(typeof key === 'number' ? 'id' : 'tag', '=', key)
    .executeTakeFirst();
}

export async function getTag(db: Kysely<Database>, key: TagKey): Promise<Tag> {
  const tag = await findTag(db, key);
  if (!tag) throw new NotFoundError('tag', key);
  return tag;
}

export async function listTags(db: Kysely<Database>): Promise<Tag[]> {
  return db.selectFrom('tags').select(['id', 'tag']).orderBy('tag').execute();
}

/** The tags with these names, created when missing (in the order given, without duplicates). */
export async function findOrCreateTags(
  db: Kysely<Database>,
  names: readonly string[],
  options?: WriteOptions,
): Promise<Tag[]> {
  const limits = limitsOf(options);
  const unique = [...new Set(names.map((name, i) => checkTagName(name, limits, `tags[${i}]`)))];
  if (unique.length === 0) return [];
  await insertIgnoringConflicts(
    db,
    'tags',
    unique.map((tag) => ({ tag })),
    ['tag'],
  );
  const rows = await db.selectFrom('tags').select(['id', 'tag']).where('tag', 'in', unique).execute();
  const byName = new Map(rows.map((row) => [row.tag, row]));
  return unique.map((name) => byName.get(name)!);
}

export async function renameTag(
  db: Kysely<Database>,
  key: TagKey,
  name: string,
  options?: WriteOptions,
): Promise<Tag> {
  const tag = checkTagName(name, limitsOf(options));
  const existing = await getTag(db, key);
  await db.updateTable('tags').set({ tag }).where('id', '=', existing.id).execute();
  return { id: existing.id, tag };
}

/** Deletes a tag and its links to agents, jobs, requirements and path maps. False when it did not exist. */
export async function deleteTag(db: Kysely<Database>, key: TagKey): Promise<boolean> {
  const tag = await findTag(db, key);
  if (!tag) return false;
  const result = await db.deleteFrom('tags').where('id', '=', tag.id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Ids of the agents carrying the tag, sorted. */
export async function listTagAgentIds(db: Kysely<Database>, tagId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('agent_tag_associations')
    .select('agent_id')
    .where('tag_id', '=', tagId)
    .orderBy('agent_id')
    .execute();
  return rows.map((row) => row.agent_id);
}

/** Ids of the jobs carrying the tag, sorted. */
export async function listTagJobIds(db: Kysely<Database>, tagId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('job_tag_associations')
    .select('job_id')
    .where('tag_id', '=', tagId)
    .orderBy('job_id')
    .execute();
  return rows.map((row) => row.job_id);
}

/** Makes exactly these agents carry the tag. Unknown agent ids are a NotFoundError. */
export async function setTagAgents(
  db: Kysely<Database>,
  tagId: number,
  agentIds: readonly string[],
): Promise<void> {
  await transaction(db, async (trx) => {
    const ids = [...new Set(agentIds)];
    await requireExisting(trx, 'agents', ids);
    await trx.deleteFrom('agent_tag_associations').where('tag_id', '=', tagId).execute();
    if (ids.length > 0) {
      await trx
        .insertInto('agent_tag_associations')
        .values(ids.map((agent_id) => ({ agent_id, tag_id: tagId })))
        .execute();
    }
  });
}

/** Makes exactly these jobs carry the tag. Unknown job ids are a NotFoundError. */
export async function setTagJobs(
  db: Kysely<Database>,
  tagId: number,
  jobIds: readonly number[],
): Promise<void> {
  await transaction(db, async (trx) => {
    const ids = [...new Set(jobIds)];
    await requireExisting(trx, 'jobs', ids);
    await trx.deleteFrom('job_tag_associations').where('tag_id', '=', tagId).execute();
    if (ids.length > 0) {
      await trx
        .insertInto('job_tag_associations')
        .values(ids.map((job_id) => ({ job_id, tag_id: tagId })))
        .execute();
    }
  });
}
