import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { parseDatabaseUrl, redactUrl } from './url.js';

describe('parseDatabaseUrl', () => {
  it.each([
    ['sqlite:///pyfarm.sqlite', 'pyfarm.sqlite'],
    ['sqlite:///data/farm.db', 'data/farm.db'],
    ['sqlite:////var/lib/drover/farm.db', '/var/lib/drover/farm.db'],
    ['sqlite://', ':memory:'],
    ['sqlite:///:memory:', ':memory:'],
    ['sqlite+pysqlite:///x%20y.db', 'x y.db'],
  ])('%s → sqlite %s', (url, path) => {
    expect(parseDatabaseUrl(url)).toEqual({ dialect: 'sqlite', path });
  });

  it('parses a PostgreSQL URL with every part', () => {
    expect(
      parseDatabaseUrl('postgresql+psycopg2://farm:p%40ss%3Aw0rd@db.example.com:6543/render?sslmode=require'),
    ).toEqual({
      dialect: 'postgres',
      host: 'db.example.com',
      port: 6543,
      user: 'farm',
      password: 'p@ss:w0rd',
      database: 'render',
      connectTimeoutMs: undefined,
      socketDirectory: undefined,
      sslMode: 'require',
      applicationName: undefined,
    });
  });

  it.each(['postgres://h/db', 'postgresql://h/db', 'postgresql+psycopg://h/db'])(
    '%s uses default port',
    (url) => {
      expect(parseDatabaseUrl(url)).toMatchObject({
        dialect: 'postgres',
        host: 'h',
        port: 5432,
        user: undefined,
      });
    },
  );

  it('accepts a PostgreSQL socket directory and a timeout', () => {
    expect(parseDatabaseUrl('postgresql:///farm?host=/run/postgresql&connect_timeout=5')).toMatchObject({
      host: 'localhost',
      socketDirectory: '/run/postgresql',
      connectTimeoutMs: 5000,
      database: 'farm',
    });
  });

  it.each([
    'mysql://u:pw@127.0.0.1/farm',
    'mysql+pymysql://u:pw@127.0.0.1/farm',
    'mariadb://u:pw@127.0.0.1/farm',
  ])('%s → mysql', (url) => {
    expect(parseDatabaseUrl(url)).toMatchObject({
      dialect: 'mysql',
      host: '127.0.0.1',
      port: 3306,
      user: 'u',
      password: 'pw',
      database: 'farm',
    });
  });

  it('accepts IPv6 hosts and MySQL parameters', () => {
    expect(parseDatabaseUrl('mysql://root@[::1]:3307/f?charset=utf8mb4&unix_socket=/tmp/s')).toMatchObject({
      host: '::1',
      port: 3307,
      socketPath: '/tmp/s',
      password: undefined,
    });
  });

  it.each([
    ['', /not a database URL/],
    ['pyfarm.sqlite', /not a database URL/],
    ['oracle://h/db', /unsupported database "oracle"/],
    ['sqlite://pyfarm.sqlite', /three slashes/],
    ['sqlite:///x.db?mode=ro', /no parameters/],
    ['postgresql://h:99999/db', /port "99999"/],
    ['postgresql://h:abc/db', /port "abc"/],
    ['postgresql://h', /names no database/],
    ['postgresql://h/db?sslmode=sometimes', /sslmode "sometimes"/],
    ['postgresql://h/db?foo=1&bar=2', /unsupported URL parameters foo, bar/],
    ['mysql://h/db?charset=latin1', /charset "latin1"/],
    ['mysql://h/db?connect_timeout=soon', /connect_timeout/],
    ['mysql://u:%zz@h/db', /malformed percent-escape/],
  ])('rejects %j', (url, message) => {
    expect(() => parseDatabaseUrl(url)).toThrow(ConfigError);
    expect(() => parseDatabaseUrl(url)).toThrow(message);
  });

  it('names the key and never the password in its error', () => {
    try {
      parseDatabaseUrl('postgresql://farm:hunter2@h:0/db', 'statistics_database');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problem = (err as ConfigError).problems[0]!;
      expect(problem.key).toBe('statistics_database');
      expect(problem.message).not.toContain('hunter2');
      expect(problem.message).toContain('farm:***@h');
    }
  });
});

describe('redactUrl', () => {
  it.each([
    ['postgresql://farm:secret@host/db', 'postgresql://farm:***@host/db'],
    ['mysql://u:p@ss@host/db', 'mysql://u:***@host/db'],
    ['postgresql://farm@host/db', 'postgresql://farm@host/db'],
    ['postgresql://host/db', 'postgresql://host/db'],
    ['sqlite:///x.db', 'sqlite:///x.db'],
  ])('%s → %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
