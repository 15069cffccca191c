/**
 * The options every client command shares, `--master URL` and `--json`. Registration-time only: this file
 * imports nothing heavy, because every `drover` start registers every command.
 */
import type { Command } from 'commander';

export interface ClientOptions {
  master?: string;
  json?: boolean;
}

export function withClientOptions(command: Command): Command {
  return command
    .option('--master <url>', 'the master (default: $DROVER_MASTER, else the one drover login stored)')
    .option('--json', 'print JSON for scripts instead of a table');
}
