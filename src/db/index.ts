/**
 * The database layer: connections, migrations, error translation and model limits. Repositories are
 * imported from their domain folders (`db/jobs/job.repository.js`, `db/tasks/task.repository.js`, ...);
 * each takes a Kysely instance or transaction first.
 *
 *   const { main, statistics, close } = await openDatabases({
 *     database: config.database,
 *     statisticsDatabase: config.statistics_database,
 *     tableNames: resolveTableNames(config),
 *   });
 *   const outcome = await migrateToLatest(main);
 *   if (outcome.error) throw outcome.error;
 *   await transaction(main.db, async (trx) => {
 *     const job = await createJob(trx, { title: 'shot 010', jobtypeVersionId: 3 }, { limits });
 *     await createTasksForFrameRange(trx, job.id, { start: 1, end: 250 });
 *   });
 *   await close();
 */
export {
  openDatabase,
  openDatabases,
  openStatisticsDatabase,
  type AnyDatabaseHandle,
  type DatabaseHandle,
  type DatabaseHandles,
  type DatabaseRole,
  type OpenDatabaseOptions,
  type OpenDatabasesOptions,
  type StatisticsHandle,
} from './connection/open-database.js';
export type { Millis } from './database.js';
export type { DialectName } from './dialect-name.js';
export { DatabaseUnavailableError } from './errors.js';
export {
  dropAll,
  migrateToLatest,
  migrationStatus,
  type MigrationOutcome,
  type MigrationState,
} from './migrate.js';
export { DEFAULT_MODEL_LIMITS, modelLimitsFromConfig, type ModelLimits } from './rules/model-limits.js';
export { resolveTableNames, type TableNames } from './table-names.js';
export { transaction } from './transaction.js';
export { parseDatabaseUrl, redactUrl, type ConnectionSpec } from './url.js';
export type { WriteOptions } from './write-options.js';
