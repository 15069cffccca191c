/**
 * `transaction(db, fn)`: runs `fn` in a transaction and commits when it resolves, rolls back when it
 * throws. Called with a transaction, it joins it instead of nesting, so a repository function can demand
 * atomicity without caring whether its caller already opened one.
 *
 * Errors reaching the caller are already domain errors: driver failures (including at COMMIT) are
 * translated once, where they occur, by the dialect wrapper (see errors.ts).
 *
 * Inside `fn`, use only `trx`: on SQLite the single connection is held by the transaction, so a query
 * through the outer `db` would wait for it forever.
 */
import type { Kysely } from 'kysely';

export async function transaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  return db.transaction().execute(fn);
}
