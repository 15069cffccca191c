/**
 * What every client command shares: `--master URL` and `--json`, and opening a client for the resolved
 * master with the output helpers. Heavy modules stay out of here; commands import this lazily.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { resolveConnection } from './connection.js';
import { MasterClient } from './master-client.js';
import { createOutput, type Output } from './output/output.js';

export interface ClientOptions {
  master?: string;
  json?: boolean;
}

/** Adds the shared client options to a command. */
export function withClientOptions(command: Command): Command {
  return command
    .option('--master <url>', 'the master (default: $DROVER_MASTER, else the one drover login stored)')
    .option('--json', 'print JSON for scripts instead of a table');
}

export interface ClientSession {
  client: MasterClient;
  out: Output;
}

export function openClient(io: CliIO, options: ClientOptions): ClientSession {
  const connection = resolveConnection(
    io.env,
    options.master === undefined ? {} : { master: options.master },
  );
  return { client: new MasterClient(connection), out: createOutput(io, options) };
}
