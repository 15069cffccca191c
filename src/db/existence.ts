import type { Kysely } from 'kysely';
import { NotFoundError } from '../core/errors.js';
import type { Database } from './database.js';

/** Tables with an `id` primary key, and the entity name their NotFoundError uses. */
const ENTITIES = {
  agents: 'agent',
  jobs: 'job',
  tasks: 'task',
  users: 'user',
  tags: 'tag',
  software: 'software',
  software_versions: 'software version',
  jobtypes: 'jobtype',
  jobtype_versions: 'jobtype version',
  job_queues: 'job queue',
  job_groups: 'job group',
  task_logs: 'task log',
} as const satisfies Partial<Record<keyof Database, string>>;

type IdTable = keyof typeof ENTITIES;
type IdOf<T extends IdTable> = Database[T] extends { id: infer I }
  ? I extends string
    ? string
    : number
  : never;

/**
 * Throws NotFoundError for the first id that has no row in `table` (one query for all ids). Checking
 * before writing gives callers a message naming the missing thing, which a foreign-key violation
 * cannot do on every database.
 */
export async function requireExisting<T extends IdTable>(
  db: Kysely<Database>,
  table: T,
  ids: readonly IdOf<T>[],
): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const untyped = db as unknown as Kysely<{ t: { id: string | number } }>;
  const found = await untyped
    .selectFrom(table as unknown as 't')
    .select('id')
    .where('id', 'in', unique)
    .execute();
  const present = new Set(found.map((row) => row.id));
  const missing = unique.find((id) => !present.has(id));
  if (missing !== undefined) throw new NotFoundError(ENTITIES[table], missing);
}
