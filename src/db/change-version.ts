/**
 * A cheap answer to "may the database have changed since I last looked?", for caches of whole responses.
 *
 * On SQLite it is the pair (total_changes(), data_version): the first counts every row the master's own
 * connection inserted, updated or deleted (all its statements go through that one connection, and a
 * rolled-back change still counts), the second changes when any other connection — another process, the
 * checkpointer — commits to the file. Both only grow within a connection's life, so equal values mean no
 * change; a spurious difference (a rollback, a checkpoint) only costs a cache miss. The caller adds
 * something of its own process (e.g. a random prefix) where versions must not repeat across restarts.
 *
 * PostgreSQL and MySQL have no such counter for a whole database that sees other clients' commits as
 * cheaply: `undefined` there, and callers must not cache.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf } from './dialect-name.js';
import { preparedQuery } from './prepared-query.js';

// Read before every job list: compiled once.
const selectChangeVersion = preparedQuery((db: Kysely<Database>) =>
  sql<{
    changes: number;
    version: number;
  }>`select total_changes() as changes, (select data_version from pragma_data_version) as version`.compile(
    db,
  ),
);

export async function readChangeVersion(db: Kysely<Database>): Promise<string | undefined> {
  if (dialectOf(db as Kysely<unknown>) !== 'sqlite') return undefined;
  const [row] = await selectChangeVersion(db);
  return row === undefined ? undefined : `${row.changes}.${row.version}`;
}
