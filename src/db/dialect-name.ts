import { MysqlAdapter, PostgresAdapter, SqliteAdapter, type Kysely } from 'kysely';

/** The three database servers Drover runs on. */
export type DialectName = 'sqlite' | 'postgres' | 'mysql';

/**
 * The dialect behind a Kysely instance or transaction, for the few statements that differ (bulk insert
 * sizes, insert ids, row locks).
 */
export function dialectOf(db: Kysely<unknown>): DialectName {
  const adapter = db.getExecutor().adapter;
  if (adapter instanceof SqliteAdapter) return 'sqlite';
  if (adapter instanceof PostgresAdapter) return 'postgres';
  if (adapter instanceof MysqlAdapter) return 'mysql';
  throw new Error(`unsupported Kysely adapter ${adapter.constructor.name}`);
}
