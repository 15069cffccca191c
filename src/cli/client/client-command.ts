/** Opening a client for the resolved master, with the output helpers, when a client command runs. */
import type { CliIO } from '../io.js';
import type { ClientOptions } from './client-options.js';
import { resolveConnection } from './connection.js';
import { MasterClient } from './master-client.js';
import { createOutput, type Output } from './output/output.js';

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
