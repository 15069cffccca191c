/**
 * PostgreSQL through `pg`. The pool gets its own type parsers (not pg's global registry, which other code
 * in the process may rely on): BIGINT (times, counts, big ids) and NUMERIC (frames, sums) come back as JS
 * numbers, like on the other two databases. Values beyond 2^53 would lose precision; none of Drover's
 * columns get there (epoch milliseconds, row counts, ids).
 */
import pg from 'pg';
import { PostgresDialect, type Dialect } from 'kysely';
import type { PostgresConnectionSpec } from '../url.js';

const INT8 = 20;
const NUMERIC = 1700;
const parseNumber = (value: string): number => Number(value);
const typeParsers: ReadonlyMap<number, (value: string) => number> = new Map([
  [INT8, parseNumber],
  [NUMERIC, parseNumber],
]);

export interface PostgresPoolOptions {
  poolSize: number;
}

/** Connection settings of one client (the pool's, or a dedicated one such as the scheduler's lock). */
export function postgresClientConfig(spec: PostgresConnectionSpec): pg.ClientConfig {
  return {
    host: spec.socketDirectory ?? spec.host,
    port: spec.port,
    user: spec.user,
    password: spec.password,
    database: spec.database,
    application_name: spec.applicationName ?? 'drover',
    connectionTimeoutMillis: spec.connectTimeoutMs ?? 10_000,
    ssl: sslOptions(spec),
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        ((format ?? 'text') === 'text' && typeParsers.get(oid)) ||
        pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  };
}

export function createPostgresDialect(spec: PostgresConnectionSpec, options: PostgresPoolOptions): Dialect {
  const pool = new pg.Pool({ ...postgresClientConfig(spec), max: options.poolSize });
  // An idle client that loses its server (restart, network) emits 'error' on the pool; without a
  // listener that would crash the process. The next query gets a fresh client.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
}

function sslOptions(spec: PostgresConnectionSpec): pg.ClientConfig['ssl'] {
  switch (spec.sslMode) {
    case undefined:
    case 'disable':
    case 'allow':
    case 'prefer':
      // libpq's allow/prefer fall back to plain connections; pg cannot negotiate that, so they mean off.
      return false;
    case 'require':
      return { rejectUnauthorized: false };
    case 'verify-ca':
    case 'verify-full':
      // Verified against Node's CA store (extend it with NODE_EXTRA_CA_CERTS); verify-ca skips the host name.
      return spec.sslMode === 'verify-ca'
        ? { rejectUnauthorized: true, checkServerIdentity: () => undefined }
        : { rejectUnauthorized: true };
  }
}
