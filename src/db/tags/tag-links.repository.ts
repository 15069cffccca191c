/**
 * What carries each tag, for every tag at once (the tag index lists them all; one query per link table
 * instead of two per tag), and which jobs depend on a tag through their tag requirements.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

export interface TagLinks {
  /** Agent ids, sorted. */
  agents: string[];
  /** Job ids, sorted. */
  jobs: number[];
}

/** Links of the given tags, or of every tag; tags without links are absent from the map. */
export async function listTagLinks(
  db: Kysely<Database>,
  tagIds?: readonly number[],
): Promise<Map<number, TagLinks>> {
  const links = new Map<number, TagLinks>();
  if (tagIds !== undefined && tagIds.length === 0) return links;
  const entry = (tagId: number) => {
    let found = links.get(tagId);
    if (!found) {
      found = { agents: [], jobs: [] };
      links.set(tagId, found);
    }
    return found;
  };
  let agents = db
    .selectFrom('agent_tag_associations')
    .select(['tag_id', 'agent_id'])
    .orderBy('tag_id')
    .orderBy('agent_id');
  let jobs = db
    .selectFrom('job_tag_associations')
    .select(['tag_id', 'job_id'])
    .orderBy('tag_id')
    .orderBy('job_id');
  if (tagIds !== undefined) {
    agents = agents.where('tag_id', 'in', tagIds);
    jobs = jobs.where('tag_id', 'in', tagIds);
  }
  for (const row of await agents.execute()) entry(row.tag_id).agents.push(row.agent_id);
  for (const row of await jobs.execute()) entry(row.tag_id).jobs.push(row.job_id);
  return links;
}

/** Jobs that require (or exclude) the tag. */
export async function listJobIdsRequiringTag(db: Kysely<Database>, tagId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('job_tag_requirements')
    .select('job_id')
    .distinct()
    .where('tag_id', '=', tagId)
    .orderBy('job_id')
    .execute();
  return rows.map((row) => row.job_id);
}
