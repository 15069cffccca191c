/**
 * SQLite through better-sqlite3, adapted so that repositories see the same JS types as on the servers:
 * - better-sqlite3 cannot bind JS booleans, so parameters `true`/`false` are bound as 1/0;
 * - columns declared BOOLEAN come back as booleans (SQLite stores 0/1): each prepared statement's declared
 *   column types are read once (`stmt.columns()`) and cached with the statement;
 * - BIGINT columns come back as numbers (epoch milliseconds stay far below 2^53).
 *
 * The file runs in WAL mode with foreign keys enforced, `synchronous=NORMAL` (durable at checkpoints,
 * safe against corruption) and a busy timeout. Transactions start with BEGIN IMMEDIATE: a deferred
 * transaction that reads first and writes later fails at once with SQLITE_BUSY when another process
 * wrote in between, whereas an immediate one waits for the write lock up to the busy timeout.
 */
import { resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { ConfigError } from '../../core/errors.js';
import type { SqliteConnectionSpec } from '../url.js';

export const SQLITE_BUSY_TIMEOUT_MS = 5_000;
/** Prepared statements kept per database (the SQL text is the key). */
const STATEMENT_CACHE_SIZE = 500;

export function openSqliteFile(spec: SqliteConnectionSpec, cwd: string): BetterSqlite3.Database {
  const path = spec.path === ':memory:' ? ':memory:' : resolve(cwd, spec.path);
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (err) {
    throw new ConfigError([
      { key: 'database', message: `cannot open SQLite database ${path}: ${(err as Error).message}` },
    ]);
  }
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return db;
}

/** The database object handed to Kysely's SqliteDialect. */
export class TypedSqliteDatabase implements SqliteDatabase {
  readonly #db: BetterSqlite3.Database;
  readonly #cache = new Map<string, CachedStatement>();

  constructor(db: BetterSqlite3.Database) {
    this.#db = db;
  }

  /** The underlying better-sqlite3 database (for pragmas and tests). */
  get native(): BetterSqlite3.Database {
    return this.#db;
  }

  close(): void {
    this.#cache.clear();
    if (this.#db.open) this.#db.close();
  }

  prepare(sql: string): SqliteStatement {
    const text = sql === 'begin' ? 'begin immediate' : sql;
    let cached = this.#cache.get(text);
    if (cached && cached.statement.busy) {
      // Still iterating from an earlier streamed query: use a fresh statement for this one.
      return new CachedStatement(this.#db.prepare(text));
    }
    if (cached) {
      // Re-insert to keep the map in least-recently-used order.
      this.#cache.delete(text);
    } else {
      cached = new CachedStatement(this.#db.prepare(text));
      if (this.#cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.#cache.keys().next();
        if (!oldest.done) this.#cache.delete(oldest.value);
      }
    }
    this.#cache.set(text, cached);
    return cached;
  }
}

class CachedStatement implements SqliteStatement {
  readonly statement: BetterSqlite3.Statement;
  readonly reader: boolean;
  /** Result columns declared BOOLEAN, computed on first read. */
  #booleanColumns: readonly string[] | undefined;

  constructor(statement: BetterSqlite3.Statement) {
    this.statement = statement;
    this.reader = statement.reader;
  }

  all(parameters: readonly unknown[]): unknown[] {
    const rows = this.statement.all(bindable(parameters)) as Record<string, unknown>[];
    const booleans = this.#booleans();
    if (booleans.length > 0) for (const row of rows) toBooleans(row, booleans);
    return rows;
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(bindable(parameters));
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    const booleans = this.#booleans();
    for (const row of this.statement.iterate(bindable(parameters)) as Iterable<Record<string, unknown>>) {
      yield booleans.length > 0 ? toBooleans(row, booleans) : row;
    }
  }

  #booleans(): readonly string[] {
    this.#booleanColumns ??= this.statement
      .columns()
      .filter((column) => column.type !== null && column.type.toLowerCase() === 'boolean')
      .map((column) => column.name);
    return this.#booleanColumns;
  }
}

function toBooleans(row: Record<string, unknown>, columns: readonly string[]): Record<string, unknown> {
  for (const name of columns) {
    const value = row[name];
    if (typeof value === 'number' || typeof value === 'bigint') row[name] = value !== 0 && value !== 0n;
  }
  return row;
}

function bindable(parameters: readonly unknown[]): unknown[] {
  // Most statements carry no booleans; avoid copying large parameter lists (bulk inserts) when so.
  if (!parameters.some((p) => typeof p === 'boolean')) return parameters as unknown[];
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}
