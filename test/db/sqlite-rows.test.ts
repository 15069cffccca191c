/**
 * SQLite rows are read as arrays and built into objects by the connection (sqlite-connection.ts): the
 * names, BOOLEAN columns and a statement SQLite re-prepared after a schema change come out right.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection/open-database.js';

let dir: string;
let handle: DatabaseHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'drover-sqlite-rows-'));
  handle = await openDatabase({ url: `sqlite:///${join(dir, 'rows.sqlite')}` });
});

afterAll(async () => {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
});

it('builds rows with their column names, booleans as booleans, the last of a repeated name', async () => {
  const { db } = handle;
  await sql`create table flags (id integer primary key, name text, on_duty boolean)`.execute(db);
  await sql`insert into flags (name, on_duty) values ('a', 1), ('b', 0), ('c', null)`.execute(db);
  const { rows } = await sql`select id, name, on_duty, name as name from flags order by id`.execute(db);
  expect(rows).toEqual([
    { id: 1, name: 'a', on_duty: true },
    { id: 2, name: 'b', on_duty: false },
    { id: 3, name: 'c', on_duty: null },
  ]);
  const streamed: unknown[] = [];
  for await (const row of db
    .selectFrom('flags' as never)
    .selectAll()
    .stream())
    streamed.push(row);
  expect(streamed).toHaveLength(3);
  expect(streamed[1]).toEqual({ id: 2, name: 'b', on_duty: false });
});

it('reads the new columns of a cached statement after the table changed', async () => {
  const { db } = handle;
  await sql`create table widened (id integer primary key, a text)`.execute(db);
  await sql`insert into widened (a) values ('x')`.execute(db);
  expect((await sql`select * from widened`.execute(db)).rows).toEqual([{ id: 1, a: 'x' }]);
  await sql`alter table widened add column done boolean default 1`.execute(db);
  expect((await sql`select * from widened`.execute(db)).rows).toEqual([{ id: 1, a: 'x', done: true }]);
});
