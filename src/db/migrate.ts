/**
 * Schema migrations: two numbered sets, one for the main database and one for the statistics database,
 * each tracked in its own table (`<prefix>drover_migrations`, `<prefix>drover_statistics_migrations`) so
 * that both may share one database. Migrations are code (no files to find at run time) and use logical
 * table names; the handle's table-name plugin maps them.
 *
 * Add a migration by appending `'000N-name': (ctx) => ...` to the set; never edit one that has shipped.
 */
import { Migrator, NO_MIGRATIONS, type Kysely, type Migration } from 'kysely';
import type { AnyDatabaseHandle, DatabaseRole } from './connection/open-database.js';
import { initialMigration } from './migrations/0001-initial.js';
import { rolesMigration } from './migrations/0002-roles.js';
import { schedulerMigration } from './migrations/0003-scheduler.js';
import { agentLinkIndexesMigration } from './migrations/0004-agent-link-indexes.js';
import { jobListingIndexesMigration } from './migrations/0005-job-listing-indexes.js';
import { taskSentTimeMigration } from './migrations/0006-task-sent-time.js';
import { duplicateTaskIndexMigration } from './migrations/0007-duplicate-task-index.js';
import type { MigrationContext } from './migrations/migration-context.js';
import { statisticsInitialMigration } from './migrations/statistics-0001-initial.js';

type MigrationSet = Readonly<Record<string, (ctx: MigrationContext) => Migration>>;

const MIGRATIONS: Readonly<Record<DatabaseRole, MigrationSet>> = {
  main: {
    '0001-initial': initialMigration,
    '0002-roles': rolesMigration,
    '0003-scheduler': schedulerMigration,
    '0004-agent-link-indexes': agentLinkIndexesMigration,
    '0005-job-listing-indexes': jobListingIndexesMigration,
    '0006-task-sent-time': taskSentTimeMigration,
    '0007-duplicate-task-index': duplicateTaskIndexMigration,
  },
  statistics: {
    '0001-initial': statisticsInitialMigration,
  },
};

// PostgreSQL truncates longer identifiers, which would make two index names collide silently.
const MAX_INDEX_NAME_LENGTH = 63;

export interface MigrationOutcome {
  /** Names of the migrations run by this call, in order. */
  readonly applied: readonly string[];
  /** Set when a migration failed; the ones before it stay applied (MySQL cannot roll back DDL). */
  readonly error?: unknown;
  readonly failedMigration?: string;
}

export interface MigrationState {
  readonly name: string;
  /** When it ran; undefined if pending. */
  readonly executedAt: Date | undefined;
}

/** Brings the handle's schema up to date. Never throws for a failed migration: see `error`. */
export async function migrateToLatest(handle: AnyDatabaseHandle): Promise<MigrationOutcome> {
  return outcome(await migratorFor(handle).migrateToLatest(), 'Up');
}

/** Runs every `down` in reverse order, then drops the bookkeeping tables: an empty database remains. */
export async function dropAll(handle: AnyDatabaseHandle): Promise<MigrationOutcome> {
  const result = outcome(await migratorFor(handle).migrateTo(NO_MIGRATIONS), 'Down');
  if (result.error !== undefined) return result;
  const db = handle.db as unknown as Kysely<unknown>;
  const { table, lockTable } = bookkeepingTables(handle);
  try {
    await db.schema.dropTable(lockTable).ifExists().execute();
    await db.schema.dropTable(table).ifExists().execute();
  } catch (error) {
    return { ...result, error };
  }
  return result;
}

/** Every known migration of the handle's set and whether it has run. */
export async function migrationStatus(handle: AnyDatabaseHandle): Promise<readonly MigrationState[]> {
  const migrations = await migratorFor(handle).getMigrations();
  return migrations.map((m) => ({ name: m.name, executedAt: m.executedAt }));
}

function migratorFor(handle: AnyDatabaseHandle): Migrator {
  const prefix = handle.tableNames.prefix;
  const context: MigrationContext = {
    dialect: handle.dialect,
    index(name) {
      const physical = `${prefix}${name}`;
      if (physical.length > MAX_INDEX_NAME_LENGTH) {
        throw new Error(`index name ${physical} is longer than ${MAX_INDEX_NAME_LENGTH} characters`);
      }
      return physical;
    },
  };
  const set = MIGRATIONS[handle.role];
  const { table, lockTable } = bookkeepingTables(handle);
  return new Migrator({
    db: handle.db as unknown as Kysely<unknown>,
    migrationTableName: table,
    migrationLockTableName: lockTable,
    provider: {
      async getMigrations() {
        return Object.fromEntries(Object.entries(set).map(([name, build]) => [name, build(context)]));
      },
    },
  });
}

function bookkeepingTables(handle: AnyDatabaseHandle): { table: string; lockTable: string } {
  const base = `${handle.tableNames.prefix}drover_${handle.role === 'main' ? '' : 'statistics_'}migrations`;
  return { table: base, lockTable: `${base}_lock` };
}

function outcome(
  result: {
    error?: unknown;
    results?: readonly { migrationName: string; direction: string; status: string }[];
  },
  direction: 'Up' | 'Down',
): MigrationOutcome {
  const results = (result.results ?? []).filter((r) => r.direction === direction);
  const applied = results.filter((r) => r.status === 'Success').map((r) => r.migrationName);
  const failed = results.find((r) => r.status === 'Error')?.migrationName;
  if (result.error === undefined) return { applied };
  return { applied, error: result.error, ...(failed ? { failedMigration: failed } : {}) };
}
