/**
 * `transaction(db, fn)`: runs `fn` in a transaction and commits when it resolves, rolls back when it
 * throws. Called with a transaction, it joins it instead of nesting, so a repository function can demand
 * atomicity without caring whether its caller already opened one.
 *
 * A transaction that the server chose as a deadlock victim, or that failed serialisation, is run again
 * from the start (PyFarm's `transaction_retries`): nothing of it was committed, and the other party has
 * gone on. `fn` must therefore do all its work through `trx` and keep what it collects for after the commit
 * in values it returns (built inside `fn`, so a second run starts afresh).
 *
 * Errors reaching the caller are already domain errors: driver failures (including at COMMIT) are
 * translated once, where they occur, by the dialect wrapper (see errors.ts).
 *
 * Inside `fn`, use only `trx`: on SQLite the single connection is held by the transaction, so a query
 * through the outer `db` would wait for it forever.
 */
import type { Kysely } from 'kysely';

const DEFAULT_RETRIES = 10;
const retriesByDatabase = new WeakMap<object, number>();

/** How many times a transaction on `db` is run again after a deadlock (config `transaction_retries`). */
export function setTransactionRetries<DB>(db: Kysely<DB>, retries: number): void {
  retriesByDatabase.set(db, Math.max(0, retries));
}

export async function transaction<DB, T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  const retries = retriesByDatabase.get(db) ?? DEFAULT_RETRIES;
  for (let attempt = 0; ; attempt++) {
    try {
      return await db.transaction().execute(fn);
    } catch (err) {
      if (attempt >= retries || !isTransientConflict(err)) throw err;
      // A little jitter so that the two parties of a deadlock do not meet again at once.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
    }
  }
}

/** PostgreSQL deadlock_detected / serialization_failure; MySQL ER_LOCK_DEADLOCK. */
export function isTransientConflict(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, errno } = err as { code?: unknown; errno?: unknown };
  return code === '40P01' || code === '40001' || errno === 1213;
}
