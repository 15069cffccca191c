/**
 * `drover tables` — the seed's pyfarm-tables: creates (migrates) the main and statistics tables, or with
 * --drop-all drops them first.
 *
 * The URLs and table names come from the configuration (`database`, `statistics_database`, `table_*`; a file
 * given with --config, DROVER_/PYFARM_ variables); --database and --statistics-database override them.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import type { CommandModule } from '../program.js';
import type { TablesOptions } from '../tables/run-tables.js';

export const tablesCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('tables')
      .description("create Drover's database tables (or drop them first with --drop-all)")
      .option('--echo', 'print every SQL statement as it runs')
      .option('--drop-all', 'drop all tables before creating them')
      .option('--no-create-tables', 'do not create tables (with --drop-all: only drop)')
      .option('--database <url>', 'database URL, e.g. sqlite:///pyfarm.sqlite or postgresql://user@host/db')
      .option('--statistics-database <url>', 'statistics database URL (default: statistics_database)')
      .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)')
      .action(async (options: TablesOptions) =>
        (await import('../tables/run-tables.js')).runTables(options, io),
      );
  },
};
