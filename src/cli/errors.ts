/**
 * The CLI's one place that turns errors into a one-line message and an exit code. Nothing a user can
 * type should end in a stack trace; an unexpected error still prints one line (and the stack only with
 * DROVER_DEBUG=1).
 */
import { CommanderError } from 'commander';
import { ConfigError, DroverError, ValidationError } from '../core/errors.js';
import { ClientError } from './client/client-errors.js';
import { CliExit, type CliIO } from './io.js';

export function exitCodeFor(err: unknown, io: CliIO): number {
  if (err instanceof CliExit) {
    if (err.message) io.stderr.write(`drover: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof CommanderError) {
    // Commander has already printed help, the version or its own error message.
    return err.exitCode;
  }
  if (err instanceof ConfigError || err instanceof ValidationError) {
    // A bad configuration or a bad value on the command line: a usage error.
    io.stderr.write(`drover: ${err.message}\n`);
    return 2;
  }
  if (err instanceof ClientError) {
    io.stderr.write(`drover: ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof DroverError) {
    io.stderr.write(`drover: ${err.message}\n`);
    return 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`drover: unexpected error: ${message}\n`);
  if (io.env.DROVER_DEBUG && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
  return 1;
}
