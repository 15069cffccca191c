/** Housekeeping of task logs (spec §3 clean_up_orphaned_task_logs). */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';

/** Deletes log rows no task attempt links to; returns their identifiers (their files can go too). */
export async function deleteUnlinkedTaskLogs(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('task_logs as l')
    .select(['l.id', 'l.identifier'])
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('task_log_associations as a')
            .select('a.task_log_id')
            .whereRef('a.task_log_id', '=', 'l.id'),
        ),
      ),
    )
    .execute();
  for (let i = 0; i < rows.length; i += 10_000) {
    await db
      .deleteFrom('task_logs')
      .where(
        'id',
        'in',
        rows.slice(i, i + 10_000).map((r) => r.id),
      )
      .execute();
  }
  return rows.map((r) => r.identifier);
}

/** Which of the given identifiers have a log row. */
export async function findKnownTaskLogIdentifiers(
  db: Kysely<Database>,
  identifiers: readonly string[],
): Promise<Set<string>> {
  const known = new Set<string>();
  for (let i = 0; i < identifiers.length; i += 5_000) {
    const rows = await db
      .selectFrom('task_logs')
      .select('identifier')
      .where('identifier', 'in', identifiers.slice(i, i + 5_000))
      .execute();
    for (const row of rows) known.add(row.identifier);
  }
  return known;
}
