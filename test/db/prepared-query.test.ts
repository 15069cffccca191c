/**
 * Prepared statements (src/db/prepared-query.ts): compiled once, run with each call's values, inside and
 * outside transactions, with configured table names; a builder that uses an argument as anything but a
 * bound value is refused.
 */
import { sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { createTag } from '../../src/db/tags/tag.repository.js';
import { preparedQuery } from '../../src/db/prepared-query.js';
import { transaction } from '../../src/db/transaction.js';
import { forEachDialect } from '../support/databases.js';

let builds = 0;
const tagsBetween = preparedQuery((db: Kysely<Database>, low: number, high: number) => {
  builds += 1;
  return db
    .selectFrom('tags')
    .select(['id', 'tag'])
    .where('id', '>=', low)
    .where('id', '<=', high)
    .where('tag', 'like', 'prepared-%')
    .orderBy('id')
    .compile();
});

forEachDialect((dialect, database) => {
  it('answers each call with its own values, compiling once per database', async () => {
    const db = database().main.db;
    const ids: number[] = [];
    for (const name of ['a', 'b', 'c']) ids.push((await createTag(db, `prepared-${dialect}-${name}`)).id);
    const before = builds;
    expect((await tagsBetween(db, ids[0]!, ids[1]!)).map((r) => r.id)).toEqual([ids[0], ids[1]]);
    expect((await tagsBetween(db, ids[2]!, ids[2]!)).map((r) => r.id)).toEqual([ids[2]]);
    const inside = await transaction(db, (trx) => tagsBetween(trx, ids[1]!, ids[2]!));
    expect(inside.map((r) => r.id)).toEqual([ids[1], ids[2]]);
    expect(builds - before).toBeLessThanOrEqual(1);
  });

  it('refuses a builder that does not bind an argument', async () => {
    const literal = preparedQuery((db: Kysely<Database>, id: number) =>
      sql<{
        one: number;
      }>`select ${sql.lit(1)} as one where ${sql.raw(String(id === 0))} = ${sql.raw('1')}`.compile(db),
    );
    await expect(literal(database().main.db, 5)).rejects.toThrow(/argument 0 is not a bound value/);
  });
});
