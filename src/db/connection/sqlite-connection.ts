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
  /** How rows are built from raw arrays, computed on first read. */
  #shape: RowShape | undefined;

  constructor(statement: BetterSqlite3.Statement) {
    this.statement = statement;
    this.reader = statement.reader;
    // Rows come back as arrays and are made into objects here: better-sqlite3 builds row objects through
    // V8's API one property at a time, several times slower than a JS loop (a 500-job list of 14 columns
    // spent 3.5 ms there). Names and order are the same; a repeated name keeps the last value, as before.
    if (this.reader) statement.raw(true);
  }

  all(parameters: readonly unknown[]): unknown[] {
    const arrays = this.statement.all(bindable(parameters)) as unknown[][];
    const shape = this.#rowShape(arrays[0]);
    const rows: Record<string, unknown>[] = new Array(arrays.length);
    for (let i = 0; i < arrays.length; i++) rows[i] = toRow(arrays[i]!, shape);
    return rows;
  }

  run(parameters: readonly unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.statement.run(bindable(parameters));
  }

  *iterate(parameters: readonly unknown[]): IterableIterator<unknown> {
    for (const values of this.statement.iterate(bindable(parameters)) as Iterable<unknown[]>) {
      yield toRow(values, this.#rowShape(values));
    }
  }

  /**
   * The names and types of the result columns. SQLite re-prepares a statement by itself when the schema
   * changed (a migration added a column to a `select *`): a row of another width reads them again.
   */
  #rowShape(sample: readonly unknown[] | undefined): RowShape {
    if (this.#shape && (sample === undefined || sample.length === this.#shape.names.length))
      return this.#shape;
    const columns = this.statement.columns();
    this.#shape = {
      names: columns.map((column) => column.name),
      booleans: columns.map((column) => column.type !== null && column.type.toLowerCase() === 'boolean'),
    };
    return this.#shape;
  }
}

interface RowShape {
  readonly names: readonly string[];
  /** Per column: declared BOOLEAN (stored 0/1, handed out as a boolean). */
  readonly booleans: readonly boolean[];
}

function toRow(values: readonly unknown[], shape: RowShape): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  const { names, booleans } = shape;
  for (let i = 0; i < names.length; i++) {
    const value = values[i];
    row[names[i]!] =
      booleans[i] && (typeof value === 'number' || typeof value === 'bigint')
        ? value !== 0 && value !== 0n
        : value;
  }
  return row;
}

function bindable(parameters: readonly unknown[]): unknown[] {
  // Most statements carry no booleans; avoid copying large parameter lists (bulk inserts) when so.
  if (!parameters.some((p) => typeof p === 'boolean')) return parameters as unknown[];
  return parameters.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}
