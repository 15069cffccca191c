/**
 * Domain errors shared by every component. Each carries data (what was wrong, with which value) so that
 * a boundary — HTTP, CLI — can translate it once into a status code or an exit code and a message.
 * Expected absence is not an error: `find*` functions return undefined; `get*` functions throw NotFoundError.
 */
export abstract class DroverError extends Error {
  /** A stable, machine-readable code, e.g. `not_found`. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that breaks a rule: a bad field value, a missing field, an unknown key. */
export class ValidationError extends DroverError {
  readonly code = 'validation';
  readonly field: string | undefined;
  readonly value: unknown;

  constructor(message: string, data: { field?: string; value?: unknown; cause?: unknown } = {}) {
    super(message, { cause: data.cause });
    this.field = data.field;
    this.value = data.value;
  }
}

/** A referenced thing does not exist. `entity` is e.g. "job", `key` the id or name looked up. */
export class NotFoundError extends DroverError {
  readonly code = 'not_found';

  constructor(
    readonly entity: string,
    readonly key: unknown,
    message = `${entity} ${JSON.stringify(key)} not found`,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The request contradicts stored state: a duplicate name, a queue that still holds jobs, ... */
export class ConflictError extends DroverError {
  readonly code = 'conflict';

  constructor(
    message: string,
    readonly data: {
      entity?: string;
      constraint?: string | undefined;
      /** The columns whose values collide, when known. */
      columns?: readonly string[] | undefined;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: data.cause });
  }
}

/** The caller is not allowed to do this (a role or ownership rule). */
export class ForbiddenError extends DroverError {
  readonly code = 'forbidden';
}

/** No valid credentials were presented. */
export class UnauthenticatedError extends DroverError {
  readonly code = 'unauthenticated';
}

/** A problem in the configuration, e.g. `database: "ftp://x" is not a supported database URL`. */
export interface ConfigProblem {
  key: string;
  message: string;
  /** Where the offending value came from: a file path, `env:DROVER_X`, `default`, `override`. */
  source?: string;
}

/** Every configuration problem found at start-up, reported together. */
export class ConfigError extends DroverError {
  readonly code = 'config';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map((p) => `  - ${p.key}: ${p.message}${p.source ? ` [${p.source}]` : ''}`).join('\n'),
    );
  }
}
