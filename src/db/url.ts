/**
 * Database URLs in SQLAlchemy's form (the seed's `database` and `statistics_database` keys):
 *
 *   sqlite:///relative/path.db    sqlite:////absolute/path.db    sqlite://  (or sqlite:///:memory:)
 *   postgresql://user:pass@host:5432/db?sslmode=require   (also postgres://, postgresql+psycopg2://)
 *   mysql://user:pass@host:3306/db   (also mysql+pymysql://, mariadb://)
 *
 * User names and passwords may be percent-encoded. Query parameters are checked against a short list per
 * dialect: an unknown one is an error rather than silently ignored, because a URL written for a Python
 * driver may carry options that mean something we would not honour.
 */
import { ConfigError } from '../core/errors.js';
import type { DialectName } from './dialect-name.js';

export type PostgresSslMode = 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full';

export interface SqliteConnectionSpec {
  readonly dialect: 'sqlite';
  /** ':memory:' or a file path as written (relative paths are resolved against the working directory). */
  readonly path: string;
}

export interface ServerConnectionSpec {
  readonly host: string;
  readonly port: number;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly database: string;
  readonly connectTimeoutMs: number | undefined;
}

export interface PostgresConnectionSpec extends ServerConnectionSpec {
  readonly dialect: 'postgres';
  /** A directory holding the server's Unix socket (`?host=/var/run/postgresql`); it replaces `host`. */
  readonly socketDirectory: string | undefined;
  readonly sslMode: PostgresSslMode | undefined;
  readonly applicationName: string | undefined;
}

export interface MysqlConnectionSpec extends ServerConnectionSpec {
  readonly dialect: 'mysql';
  /** Path of the server's Unix socket (`?unix_socket=/run/mysqld/mysqld.sock`); it replaces host/port. */
  readonly socketPath: string | undefined;
  /** A CA certificate file: when given, TLS is required and the server certificate is verified. */
  readonly sslCa: string | undefined;
}

export type ConnectionSpec = SqliteConnectionSpec | PostgresConnectionSpec | MysqlConnectionSpec;

const SCHEMES: Readonly<Record<string, DialectName>> = {
  sqlite: 'sqlite',
  'sqlite+pysqlite': 'sqlite',
  postgresql: 'postgres',
  postgres: 'postgres',
  'postgresql+psycopg2': 'postgres',
  'postgresql+psycopg': 'postgres',
  'postgresql+pg8000': 'postgres',
  mysql: 'mysql',
  'mysql+pymysql': 'mysql',
  'mysql+mysqldb': 'mysql',
  'mysql+mysqlconnector': 'mysql',
  mariadb: 'mysql',
  'mariadb+pymysql': 'mysql',
  'mariadb+mariadbconnector': 'mysql',
};

const DEFAULT_PORTS: Readonly<Record<Exclude<DialectName, 'sqlite'>, number>> = {
  postgres: 5432,
  mysql: 3306,
};
const SSL_MODES: readonly PostgresSslMode[] = [
  'disable',
  'allow',
  'prefer',
  'require',
  'verify-ca',
  'verify-full',
];

/**
 * Parses a database URL. `key` names the configuration key the URL came from, so that the error reads
 * `database: ...` or `statistics_database: ...`.
 */
export function parseDatabaseUrl(url: string, key = 'database'): ConnectionSpec {
  const fail = (message: string): never => {
    throw new ConfigError([{ key, message: `${message} (in ${JSON.stringify(redactUrl(url))})` }]);
  };
  const match = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/i.exec(url.trim());
  if (!match)
    return fail('not a database URL; expected e.g. sqlite:///pyfarm.sqlite or postgresql://host/db');
  const scheme = match[1]!.toLowerCase();
  const rest = match[2]!;
  const dialect = SCHEMES[scheme];
  if (!dialect) {
    return fail(`unsupported database "${scheme}"; use sqlite, postgresql or mysql (mariadb)`);
  }
  return dialect === 'sqlite' ? parseSqlite(rest, fail) : parseServer(dialect, rest, fail);
}

function parseSqlite(rest: string, fail: (message: string) => never): SqliteConnectionSpec {
  const queryAt = rest.indexOf('?');
  const [location, query] = queryAt < 0 ? [rest, ''] : [rest.slice(0, queryAt), rest.slice(queryAt + 1)];
  if (query) fail(`SQLite URLs take no parameters, got "?${query}"`);
  if (location === '' || location === '/' || location === '/:memory:')
    return { dialect: 'sqlite', path: ':memory:' };
  // sqlite://host/path is how SQLAlchemy spells a typo: there is no host for a file database.
  if (!location.startsWith('/'))
    fail('a SQLite URL has three slashes before a relative path: sqlite:///file.db');
  const path = decode(location.slice(1), fail);
  if (path.includes('\0')) fail('the SQLite path contains a NUL character');
  return { dialect: 'sqlite', path };
}

function parseServer(
  dialect: 'postgres' | 'mysql',
  rest: string,
  fail: (message: string) => never,
): PostgresConnectionSpec | MysqlConnectionSpec {
  // Split by hand rather than with WHATWG URL: SQLAlchemy URLs allow characters in passwords (e.g. an
  // unescaped "#") that URL would treat as delimiters, and URL lower-cases nothing we care about anyway.
  const slash = rest.indexOf('/');
  const authority = slash < 0 ? rest : rest.slice(0, slash);
  const pathAndQuery = slash < 0 ? '' : rest.slice(slash + 1);
  const queryAt = pathAndQuery.indexOf('?');
  const databasePart = queryAt < 0 ? pathAndQuery : pathAndQuery.slice(0, queryAt);
  const params = new URLSearchParams(queryAt < 0 ? '' : pathAndQuery.slice(queryAt + 1));

  const at = authority.lastIndexOf('@');
  const credentials = at < 0 ? undefined : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);
  let user: string | undefined;
  let password: string | undefined;
  if (credentials !== undefined) {
    const colon = credentials.indexOf(':');
    user = decode(colon < 0 ? credentials : credentials.slice(0, colon), fail) || undefined;
    password = colon < 0 ? undefined : decode(credentials.slice(colon + 1), fail);
  }

  let host: string;
  let portText: string | undefined;
  const bracketed = /^\[([0-9a-f:.]+)\](?::(.*))?$/i.exec(hostPort);
  if (bracketed) {
    host = bracketed[1]!;
    portText = bracketed[2];
  } else {
    const colon = hostPort.lastIndexOf(':');
    host = colon < 0 ? hostPort : hostPort.slice(0, colon);
    portText = colon < 0 ? undefined : hostPort.slice(colon + 1);
  }
  host = decode(host, fail);
  let port = DEFAULT_PORTS[dialect];
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      fail(`port "${portText}" is not a number from 1 to 65535`);
    }
    port = Number(portText);
  }
  const database = decode(databasePart, fail);
  if (!database) fail('the URL names no database (expected .../<database>)');

  const take = (name: string): string | undefined => {
    const value = params.get(name) ?? undefined;
    params.delete(name);
    return value;
  };
  const timeoutText = take('connect_timeout');
  let connectTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    if (!/^\d+$/.test(timeoutText)) fail(`connect_timeout "${timeoutText}" is not a whole number of seconds`);
    connectTimeoutMs = Number(timeoutText) * 1000;
  }
  const base = { host: host || 'localhost', port, user, password, database, connectTimeoutMs };

  let spec: PostgresConnectionSpec | MysqlConnectionSpec;
  if (dialect === 'postgres') {
    const sslMode = take('sslmode');
    if (sslMode !== undefined && !SSL_MODES.includes(sslMode as PostgresSslMode)) {
      fail(`sslmode "${sslMode}" is not one of ${SSL_MODES.join(', ')}`);
    }
    spec = {
      dialect,
      ...base,
      socketDirectory: take('host'),
      sslMode: sslMode as PostgresSslMode | undefined,
      applicationName: take('application_name'),
    };
  } else {
    const charset = take('charset');
    if (charset !== undefined && charset.toLowerCase() !== 'utf8mb4') {
      fail(`charset "${charset}" is not supported; Drover always uses utf8mb4`);
    }
    spec = { dialect, ...base, socketPath: take('unix_socket'), sslCa: take('ssl_ca') };
  }
  const unknown = [...new Set(params.keys())];
  if (unknown.length > 0)
    fail(`unsupported URL parameter${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`);
  return spec;
}

function decode(text: string, fail: (message: string) => never): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return fail(`"${text}" has a malformed percent-escape`);
  }
}

/** The URL with its password replaced by `***`, for logs and error messages. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@?#]*:)([^/?]*)@/i, (_all, head: string, secret: string) =>
    secret === '' ? `${head}@` : `${head}***@`,
  );
}
