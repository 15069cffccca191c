/**
 * Opening the main and statistics databases:
 *
 *   const { main, statistics, close } = await openDatabases({ database: url, statisticsDatabase: url2 });
 *   await migrateToLatest(main); await migrateToLatest(statistics);
 *   const job = await getJob(main.db, 42);
 *   await close();
 *
 * A handle owns a Kysely instance whose dialect normalises driver types (see the connection modules),
 * maps logical table names to physical ones and translates driver errors. When the statistics URL is the
 * main URL, both handles share one pool (and, for SQLite, one connection).
 */
import { Kysely, SqliteDialect, type Dialect, type LogEvent } from 'kysely';
import type { Logger } from '../../core/logging.js';
import type { Database, StatisticsDatabase } from '../database.js';
import type { DialectName } from '../dialect-name.js';
import { TableNamePlugin } from '../table-name-plugin.js';
import { resolveTableNames, type TableNames } from '../table-names.js';
import { parseDatabaseUrl, redactUrl, type ConnectionSpec } from '../url.js';
import { createMysqlDialect } from './mysql-connection.js';
import { createPostgresDialect } from './postgres-connection.js';
import { startSqliteCheckpointer, type SqliteCheckpointer } from './sqlite-checkpointer.js';
import { openSqliteFile, SQLITE_BUSY_TIMEOUT_MS, TypedSqliteDatabase } from './sqlite-connection.js';
import { TranslatingDialect } from './translating-dialect.js';

export type DatabaseRole = 'main' | 'statistics';

export interface DatabaseHandle<DB = Database> {
  readonly db: Kysely<DB>;
  readonly dialect: DialectName;
  /** Which schema (migration set) this handle serves. */
  readonly role: DatabaseRole;
  readonly tableNames: TableNames;
  /** The URL with its password masked, for messages. */
  readonly url: string;
  /** Closes the pool (a shared pool closes when its last handle does). Safe to call twice. */
  close(): Promise<void>;
}

export type StatisticsHandle = DatabaseHandle<StatisticsDatabase>;
export type AnyDatabaseHandle = DatabaseHandle | StatisticsHandle;

export interface OpenDatabaseOptions {
  /** SQLAlchemy-style URL, see url.ts. */
  url: string;
  /** The configuration key the URL came from, for error messages (default "database"). */
  key?: string;
  /** Logical → physical table names; default: no prefix. */
  tableNames?: TableNames;
  /** Log every statement (the seed's `--echo`, `echo_sql`) through `logger` at info level. */
  echo?: boolean;
  logger?: Logger;
  /** Connections per pool for PostgreSQL and MySQL (SQLite always has one). Default 10. */
  poolSize?: number;
  /** Where relative SQLite paths start (default: the process's working directory). */
  cwd?: string;
  /**
   * SQLite: checkpoint the WAL from a worker thread instead of inside commits (sqlite-checkpointer.ts).
   * For a long-running writer such as the master; short-lived commands do not need the thread.
   */
  backgroundCheckpoints?: boolean;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const pool = await openPool(options);
  return handleFor<Database>(pool, 'main');
}

export async function openStatisticsDatabase(options: OpenDatabaseOptions): Promise<StatisticsHandle> {
  const pool = await openPool({ key: 'statistics_database', ...options });
  return handleFor<StatisticsDatabase>(pool, 'statistics');
}

export interface OpenDatabasesOptions extends Omit<OpenDatabaseOptions, 'url' | 'key'> {
  database: string;
  /** Default: the main database. */
  statisticsDatabase?: string;
}

export interface DatabaseHandles {
  readonly main: DatabaseHandle;
  readonly statistics: StatisticsHandle;
  close(): Promise<void>;
}

export async function openDatabases(options: OpenDatabasesOptions): Promise<DatabaseHandles> {
  const { database, statisticsDatabase, ...rest } = options;
  const mainPool = await openPool({ ...rest, url: database, key: 'database' });
  let statisticsPool = mainPool;
  if (statisticsDatabase !== undefined && statisticsDatabase.trim() !== database.trim()) {
    try {
      statisticsPool = await openPool({ ...rest, url: statisticsDatabase, key: 'statistics_database' });
    } catch (err) {
      await mainPool.release();
      throw err;
    }
  }
  const main = handleFor<Database>(mainPool, 'main');
  const statistics = handleFor<StatisticsDatabase>(statisticsPool, 'statistics');
  return {
    main,
    statistics,
    async close() {
      await Promise.all([main.close(), statistics.close()]);
    },
  };
}

/** A Kysely instance shared by reference count. */
interface SharedPool {
  readonly db: Kysely<Database & StatisticsDatabase>;
  readonly dialect: DialectName;
  readonly tableNames: TableNames;
  readonly url: string;
  retain(): void;
  release(): Promise<void>;
}

function handleFor<DB>(pool: SharedPool, role: DatabaseRole): DatabaseHandle<DB> {
  pool.retain();
  let closed = false;
  return {
    db: pool.db as unknown as Kysely<DB>,
    dialect: pool.dialect,
    role,
    tableNames: pool.tableNames,
    url: pool.url,
    async close() {
      if (closed) return;
      closed = true;
      await pool.release();
    },
  };
}

async function openPool(options: OpenDatabaseOptions): Promise<SharedPool> {
  const spec = parseDatabaseUrl(options.url, options.key ?? 'database');
  const tableNames = options.tableNames ?? resolveTableNames();
  const url = redactUrl(options.url);
  const logicalNames = new Map(
    Object.entries(tableNames.tables).map(([logical, physical]) => [physical, logical]),
  );
  const opened = createDialect(spec, options);
  const dialect = new TranslatingDialect(
    opened.dialect,
    { dialect: spec.dialect, logicalNames },
    `${spec.dialect} database ${url}`,
  );
  const logger = options.logger;
  const db = new Kysely<Database & StatisticsDatabase>({
    dialect,
    plugins: [new TableNamePlugin(tableNames.tables)],
    ...(options.echo && logger ? { log: (event: LogEvent) => logStatement(logger, event) } : {}),
  });
  // Connect now so that a wrong URL, password or path fails here, with the URL in the message.
  try {
    await db.connection().execute(async () => undefined);
  } catch (err) {
    await opened.checkpointer?.stop();
    await db.destroy().catch(() => undefined);
    throw err;
  }
  let references = 0;
  return {
    db,
    dialect: spec.dialect,
    tableNames,
    url,
    retain() {
      references += 1;
    },
    async release() {
      references -= 1;
      if (references !== 0) return;
      // First the worker, so that closing the last connection can checkpoint and remove the WAL.
      await opened.checkpointer?.stop();
      await db.destroy();
    },
  };
}

function createDialect(
  spec: ConnectionSpec,
  options: OpenDatabaseOptions,
): { dialect: Dialect; checkpointer?: SqliteCheckpointer } {
  const poolSize = options.poolSize ?? 10;
  switch (spec.dialect) {
    case 'sqlite': {
      const connection = openSqliteFile(spec, options.cwd ?? process.cwd());
      const dialect = new SqliteDialect({ database: new TypedSqliteDatabase(connection) });
      if (!options.backgroundCheckpoints || connection.memory) return { dialect };
      const checkpointer = startSqliteCheckpointer(connection, {
        path: connection.name,
        busyTimeoutMs: SQLITE_BUSY_TIMEOUT_MS,
        ...(options.logger ? { logger: options.logger } : {}),
      });
      return { dialect, checkpointer };
    }
    case 'postgres':
      return { dialect: createPostgresDialect(spec, { poolSize }) };
    case 'mysql':
      return { dialect: createMysqlDialect(spec, { poolSize }) };
  }
}

// Parameters are left out on purpose: they include password hashes and token hashes.
function logStatement(logger: Logger, event: LogEvent): void {
  const fields = {
    sql: event.query.sql,
    parameters: event.query.parameters.length,
    durationMs: Math.round(event.queryDurationMillis * 10) / 10,
  };
  if (event.level === 'error') logger.warn({ ...fields, err: event.error }, 'sql failed');
  else logger.info(fields, 'sql');
}
