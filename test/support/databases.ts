/**
 * A fresh, migrated database per test file and dialect:
 *
 *   forEachDialect((dialect, db) => {
 *     it('creates a tag', async () => {
 *       const tag = await createTag(db().main.db, 'blender');
 *       ...
 *     });
 *   });
 *
 * SQLite always runs (a file in a temp directory, so WAL is real); PostgreSQL and MySQL run against the
 * servers of the global setup, in a database `t_<random>` created for the file and dropped after it.
 * A dialect skipped with DROVER_TEST_SKIP_DATABASES shows up as a skipped suite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { openDatabases, type DatabaseHandles } from '../../src/db/connection/open-database.js';
import type { DialectName } from '../../src/db/dialect-name.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { resolveTableNames, type TableNames } from '../../src/db/table-names.js';
import { createPostgresDatabase } from './servers.js';

export const DIALECTS: readonly DialectName[] = ['sqlite', 'postgres', 'mysql'];

export interface TestDatabase extends DatabaseHandles {
  readonly dialect: DialectName;
  /** The URL of the test database (no password: the test servers trust loopback). */
  readonly url: string;
  readonly tableNames: TableNames;
  /** Closes the handles and deletes the database. */
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** models.yml-style table name settings, e.g. `{ table_prefix: 'pf_' }`. */
  tables?: Record<string, string>;
  /** Run the migrations (default true). */
  migrate?: boolean;
}

/** Why a dialect cannot run in this test run, or undefined when it can. */
export function unavailableReason(dialect: DialectName): string | undefined {
  if (dialect === 'sqlite') return undefined;
  const servers = inject('databaseServers');
  if (servers.skipped.includes(dialect)) return 'skipped by DROVER_TEST_SKIP_DATABASES';
  if (!servers[dialect]) return 'server not started';
  return undefined;
}

/** Creates an empty database on the dialect's test server and returns its URL and a drop function. */
export async function createEmptyDatabase(
  dialect: DialectName,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'drover-sqlite-'));
    return {
      url: `sqlite:///${join(dir, 'test.sqlite')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const servers = inject('databaseServers');
  const server = servers[dialect];
  if (!server) throw new Error(`no ${dialect} test server (${unavailableReason(dialect)})`);
  if (dialect === 'postgres') {
    return {
      url: await createPostgresDatabase(server, name),
      async drop() {
        const client = new pg.Client({ connectionString: server.adminUrl });
        await client.connect();
        try {
          await client.query(`drop database if exists ${name} with (force)`);
        } finally {
          await client.end();
        }
      },
    };
  }
  const admin = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
  try {
    await admin.query(`create database ${name} character set utf8mb4 collate utf8mb4_bin`);
  } finally {
    await admin.end();
  }
  return {
    url: `mysql://root@${server.host}:${server.port}/${name}`,
    async drop() {
      const client = await mysql.createConnection({ host: server.host, port: server.port, user: 'root' });
      try {
        await client.query(`drop database if exists ${name}`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A new database with the main and statistics schemas (sharing one pool), migrated unless told not to. */
export async function createTestDatabase(
  dialect: DialectName,
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const empty = await createEmptyDatabase(dialect);
  const tableNames = resolveTableNames(options.tables ?? {});
  let handles: DatabaseHandles;
  try {
    handles = await openDatabases({ database: empty.url, tableNames, poolSize: 4 });
  } catch (err) {
    await empty.drop();
    throw err;
  }
  if (options.migrate ?? true) {
    for (const handle of [handles.main, handles.statistics]) {
      const outcome = await migrateToLatest(handle);
      if (outcome.error !== undefined) {
        await handles.close();
        await empty.drop();
        throw outcome.error;
      }
    }
  }
  return {
    ...handles,
    dialect,
    url: empty.url,
    tableNames,
    async destroy() {
      await handles.close();
      await empty.drop();
    },
  };
}

/**
 * Declares `describe(dialect)` blocks running `define` once per dialect, each with its own migrated
 * database created before the block's tests and destroyed after them.
 */
export function forEachDialect(
  define: (dialect: DialectName, database: () => TestDatabase) => void,
  options: TestDatabaseOptions = {},
): void {
  for (const dialect of DIALECTS) {
    const reason = unavailableReason(dialect);
    if (reason !== undefined) {
      describe.skip(`${dialect} (${reason})`, () => define(dialect, () => undefined as never));
      continue;
    }
    describe(dialect, () => {
      let database: TestDatabase | undefined;
      beforeAll(async () => {
        database = await createTestDatabase(dialect, options);
      });
      afterAll(async () => {
        await database?.destroy();
      });
      define(dialect, () => {
        if (!database) throw new Error(`the ${dialect} test database is not ready`);
        return database;
      });
    });
  }
}
