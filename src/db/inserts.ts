/**
 * Inserts that differ between dialects: getting the generated id back, and multi-row inserts sized to
 * each server's limit on bound parameters.
 */
import { sql, type Generated, type Insertable, type Kysely } from 'kysely';
import type { Database } from './database.js';
import { dialectOf, type DialectName } from './dialect-name.js';

/** Tables whose primary key is an autoincrementing `id`. */
export type TableWithGeneratedId = {
  [T in keyof Database]: Database[T] extends { id: Generated<number> } ? T : never;
}[keyof Database];

/**
 * Inserts one row and returns its generated id: RETURNING on PostgreSQL and SQLite, the connection's
 * insert id on MySQL (which mysql2 reports as a BigInt).
 */
export async function insertReturningId<T extends TableWithGeneratedId>(
  db: Kysely<Database>,
  table: T,
  row: Insertable<Database[T]>,
): Promise<number> {
  const untyped = db as unknown as Kysely<Record<string, { id: number }>>;
  const insert = untyped.insertInto(table).values(row as never);
  if (db.getExecutor().adapter.supportsReturning) {
    const inserted = await insert.returning('id').executeTakeFirstOrThrow();
    return Number(inserted.id);
  }
  const result = await insert.executeTakeFirstOrThrow();
  if (result.insertId === undefined) throw new Error(`no insert id returned for ${table}`);
  return Number(result.insertId);
}

/**
 * Bound parameters per statement: SQLite's SQLITE_MAX_VARIABLE_NUMBER, PostgreSQL's 16-bit parameter
 * count, and for MySQL (mysql2 interpolates on the client) a size that keeps packets well below
 * max_allowed_packet.
 */
export const MAX_PARAMETERS: Readonly<Record<DialectName, number>> = {
  sqlite: 32_766,
  postgres: 65_535,
  mysql: 65_535,
};

/**
 * Inserts many rows with as few statements as the parameter limit allows. Every row must have the same
 * keys (the first row's keys name the columns). Call it inside a transaction when all-or-nothing
 * matters; the rows are inserted in order.
 */
export async function insertMany<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const columns = Object.keys(first).length;
  if (columns === 0) throw new Error(`insertMany(${table}): rows have no columns`);
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS[dialectOf(db as Kysely<unknown>)] / columns));
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    await untyped
      .insertInto(table)
      .values(chunk as Record<string, unknown>[])
      .execute();
  }
}

/**
 * Inserts rows, skipping those that collide with an existing row on `conflictColumns` (a unique key):
 * ON CONFLICT DO NOTHING on PostgreSQL and SQLite, ON DUPLICATE KEY UPDATE <col> = <col> on MySQL
 * (not INSERT IGNORE, which would also turn real errors such as over-long values into warnings).
 */
export async function insertIgnoringConflicts<T extends keyof Database>(
  db: Kysely<Database>,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  conflictColumns: readonly (keyof Database[T] & string)[],
): Promise<void> {
  if (rows.length === 0) return;
  const untyped = db as unknown as Kysely<Record<string, Record<string, unknown>>>;
  const first = conflictColumns[0];
  if (first === undefined) throw new Error('insertIgnoringConflicts needs at least one conflict column');
  const columns = Object.keys(rows[0]!).length;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMETERS[dialectOf(db as Kysely<unknown>)] / columns));
  for (let start = 0; start < rows.length; start += perStatement) {
    const insert = untyped
      .insertInto(table)
      .values(rows.slice(start, start + perStatement) as Record<string, unknown>[]);
    if (dialectOf(db as Kysely<unknown>) === 'mysql') {
      await insert.onDuplicateKeyUpdate({ [first]: sql.ref(first) } as never).execute();
    } else {
      await insert.onConflict((oc) => oc.columns([...conflictColumns]).doNothing()).execute();
    }
  }
}
