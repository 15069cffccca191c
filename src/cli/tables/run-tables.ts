/** The work of `drover tables` (see ../commands/tables.ts), loaded only when the command runs. */
import { createLogger } from '../../core/logging.js';
import { openDatabases, type AnyDatabaseHandle } from '../../db/connection/open-database.js';
import { dropAll, migrateToLatest, type MigrationOutcome } from '../../db/migrate.js';
import { resolveTableNames } from '../../db/table-names.js';
import { CliExit, type CliIO } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';

export interface TablesOptions {
  echo?: boolean;
  dropAll?: boolean;
  createTables: boolean;
  database?: string;
  statisticsDatabase?: string;
  config?: string;
}

export async function runTables(options: TablesOptions, io: CliIO): Promise<void> {
  const overrides: Record<string, unknown> = {};
  if (options.database !== undefined) overrides.database = options.database;
  if (options.statisticsDatabase !== undefined) overrides.statistics_database = options.statisticsDatabase;
  const { config } = loadCliConfig(io, { config: options.config, overrides });
  const database = config.database;
  const statisticsDatabase = config.statistics_database;
  const echo = options.echo || config.echo_sql;
  const logger = echo
    ? createLogger({
        name: 'sql',
        destination: { write: (line: string) => io.stderr.write(line) },
        pretty: false,
      })
    : undefined;
  const handles = await openDatabases({
    database,
    statisticsDatabase,
    cwd: io.cwd,
    tableNames: resolveTableNames(config),
    ...(logger ? { echo: true, logger } : {}),
  });
  try {
    const sets: [string, AnyDatabaseHandle][] = [
      ['main', handles.main],
      ['statistics', handles.statistics],
    ];
    if (options.dropAll) {
      for (const [name, handle] of sets) report(io, name, handle, 'dropped', await dropAll(handle));
    }
    if (options.createTables) {
      for (const [name, handle] of sets) report(io, name, handle, 'created', await migrateToLatest(handle));
    }
  } finally {
    await handles.close();
  }
}

function report(
  io: CliIO,
  name: string,
  handle: AnyDatabaseHandle,
  verb: string,
  outcome: MigrationOutcome,
): void {
  if (outcome.error !== undefined) {
    const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
    const step = outcome.failedMigration ? ` at ${outcome.failedMigration}` : '';
    throw new CliExit(1, `${name} tables in ${handle.url}: failed${step}: ${reason}`);
  }
  const what = outcome.applied.length === 0 ? 'nothing to do' : `${verb} (${outcome.applied.join(', ')})`;
  io.stdout.write(`${name} tables in ${handle.url}: ${what}\n`);
}
