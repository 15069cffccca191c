/**
 * What can go wrong between the CLI and a master, each with the exit code the CLI ends with (see
 * docs/cli.md): 1 the master refused or failed the request, 3 missing or refused credentials, 4 a named
 * thing does not exist, 5 the master cannot be reached. Usage errors (2) are CliExit's.
 */
import { DroverError } from '../../core/errors.js';

export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
export const EXIT_AUTH = 3;
export const EXIT_NOT_FOUND = 4;
export const EXIT_UNREACHABLE = 5;

export abstract class ClientError extends DroverError {
  abstract readonly exitCode: number;
}

/** The master answered with an error status; `message` is its `error` text, `body` the parsed answer. */
export class MasterError extends ClientError {
  readonly code = 'master';
  readonly exitCode: number;

  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.exitCode =
      status === 401 || status === 403 ? EXIT_AUTH : status === 404 ? EXIT_NOT_FOUND : EXIT_FAILURE;
  }
}

export class MasterUnreachableError extends ClientError {
  readonly code = 'unreachable';
  readonly exitCode = EXIT_UNREACHABLE;

  constructor(
    readonly url: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the master at ${url}: ${reason}`, options);
  }
}

/** Stored credentials are missing, unreadable or for another master. */
export class CredentialsError extends ClientError {
  readonly code = 'credentials';
  readonly exitCode = EXIT_AUTH;
}
