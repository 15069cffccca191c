/**
 * The master's SQLite WAL is checkpointed by a worker thread, not inside its commits: automatic
 * checkpoints are off on the connection, committed pages still reach the database file while nothing
 * commits, closing leaves no WAL behind, and a worker that dies gives the checkpoints back to SQLite.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection/open-database.js';
import { startSqliteCheckpointer } from '../../src/db/connection/sqlite-checkpointer.js';
import type { Database } from '../../src/db/database.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function open(backgroundCheckpoints: boolean): Promise<{ handle: DatabaseHandle; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-checkpoint-'));
  dirs.push(dir);
  const file = join(dir, 'farm.sqlite');
  const handle = await openDatabase({ url: `sqlite:///${file}`, backgroundCheckpoints });
  return { handle, file };
}

async function autocheckpoint(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(db);
  return rows[0]!.wal_autocheckpoint;
}

/** About 2 MB of rows, in 20 commits. */
async function writeRows(db: Kysely<Database>): Promise<void> {
  await sql`create table payload (id integer primary key, body blob not null)`.execute(db);
  for (let i = 0; i < 20; i++) {
    await db.transaction().execute(async (trx) => {
      for (let j = 0; j < 100; j++)
        await sql`insert into payload (body) values (randomblob(1000))`.execute(trx);
    });
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SQLite background checkpoints', () => {
  it('turns automatic checkpoints off and copies committed pages into the file from the worker', async () => {
    const { handle, file } = await open(true);
    try {
      expect(await autocheckpoint(handle.db)).toBe(0);
      const before = statSync(file).size;
      await writeRows(handle.db);
      // Nothing commits from here on: only the worker can move the pages out of the WAL.
      await until(() => statSync(file).size > before + 1_000_000, 10_000);
      const { rows } = await sql<{ n: number }>`select count(*) as n from payload`.execute(handle.db);
      expect(Number(rows[0]!.n)).toBe(2000);
    } finally {
      await handle.close();
    }
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('turns automatic checkpoints back on when the worker dies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-checkpoint-'));
    dirs.push(dir);
    const connection = new BetterSqlite3(join(dir, 'farm.sqlite'));
    connection.pragma('journal_mode = WAL');
    const warnings: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    try {
      // The worker cannot open this path, so it ends at once.
      const checkpointer = startSqliteCheckpointer(connection, {
        path: join(dir, 'missing', 'farm.sqlite'),
        busyTimeoutMs: 100,
        logger,
      });
      await until(() => connection.pragma('wal_autocheckpoint', { simple: true }) === 1000, 10_000);
      expect(warnings.join('')).toContain('SQLite checkpoints in commits again');
      await checkpointer.stop();
    } finally {
      connection.close();
    }
  });

  it('is off unless asked for: SQLite checkpoints in commits as usual', async () => {
    const { handle } = await open(false);
    try {
      expect(await autocheckpoint(handle.db)).toBe(1000);
    } finally {
      await handle.close();
    }
  });
});
