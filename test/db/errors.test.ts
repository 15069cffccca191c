/**
 * Driver errors become the same domain errors on every dialect. The statements here bypass the
 * repositories' checks on purpose, to reach the database's own constraints.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ConfigError, ConflictError, NotFoundError, ValidationError } from '../../src/core/errors.js';
import { openDatabase } from '../../src/db/connection/open-database.js';
import { DatabaseUnavailableError } from '../../src/db/errors.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { transaction } from '../../src/db/transaction.js';
import { forEachDialect } from '../support/databases.js';

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the statement to fail');
}

forEachDialect((dialect, database) => {
  it('unique violations → ConflictError with the columns', async () => {
    const db = database().main.db;
    await db.insertInto('tags').values({ tag: 'dup' }).execute();
    const err = await caught(db.insertInto('tags').values({ tag: 'dup' }).execute());
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).data).toMatchObject({ entity: 'tags', columns: ['tag'] });

    const software = await db
      .insertInto('software')
      .values({ software: 'blender' })
      .returning('id')
      .execute()
      .catch(() => undefined);
    const softwareId =
      software?.[0]?.id ??
      (
        await db
          .selectFrom('software')
          .select('id')
          .where('software', '=', 'blender')
          .executeTakeFirstOrThrow()
      ).id;
    await db
      .insertInto('software_versions')
      .values({ software_id: softwareId, version: '4.0', rank: 100 })
      .execute();
    const rank = await caught(
      db
        .insertInto('software_versions')
        .values({ software_id: softwareId, version: '4.1', rank: 100 })
        .execute(),
    );
    expect(rank).toBeInstanceOf(ConflictError);
    expect((rank as ConflictError).data.columns).toEqual(['software_id', 'rank']);
    expect((rank as ConflictError).data.entity).toBe('software_versions');
  });

  it('composite primary keys → ConflictError naming the key columns', async () => {
    const db = database().main.db;
    const [role] = await db.selectFrom('roles').select('id').limit(1).execute();
    await db.insertInto('users').values({ username: 'pk-user' }).execute();
    const user = await db
      .selectFrom('users')
      .select('id')
      .where('username', '=', 'pk-user')
      .executeTakeFirstOrThrow();
    await db.insertInto('user_roles').values({ user_id: user.id, role_id: role!.id }).execute();
    const err = await caught(
      db.insertInto('user_roles').values({ user_id: user.id, role_id: role!.id }).execute(),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).data.columns).toEqual(['user_id', 'role_id']);
  });

  it('a reference to a missing row → NotFoundError naming the referenced table', async () => {
    const db = database().main.db;
    const err = await caught(
      db
        .insertInto('jobs')
        .values({ title: 'orphan', jobtype_version_id: 999_999, time_submitted: 0 })
        .execute(),
    );
    expect(err).toBeInstanceOf(NotFoundError);
    if (dialect !== 'sqlite') expect((err as NotFoundError).entity).toBe('jobtype_versions');
    if (dialect === 'postgres') expect((err as NotFoundError).key).toBe('999999');
  });

  it('deleting a row that is still referenced → ConflictError', async () => {
    const db = database().main.db;
    const { jobType, version } = await createJobType(db, { name: 'referenced' }, { code: 'x' });
    await db
      .insertInto('jobs')
      .values({ title: 'uses it', jobtype_version_id: version.id, time_submitted: 0 })
      .execute();
    const err = await caught(db.deleteFrom('jobtypes').where('id', '=', jobType.id).execute());
    expect(err).toBeInstanceOf(ConflictError);
    if (dialect !== 'sqlite') expect((err as ConflictError).message).toMatch(/still referenced by jobs/);
  });

  it('NOT NULL → ValidationError naming the field', async () => {
    const db = database().main.db;
    const err = await caught(
      db
        .insertInto('tags')
        .values({ tag: null as unknown as string })
        .execute(),
    );
    expect(err).toBeInstanceOf(ValidationError);
    expect((err as ValidationError).field).toBe('tag');
  });

  it('values too long or out of range → ValidationError where the database checks them', async () => {
    const db = database().main.db;
    const long = db
      .insertInto('tags')
      .values({ tag: 'x'.repeat(65) })
      .execute();
    const big =
      sql`insert into ${sql.table('agent_disks')} (agent_id, mountpoint, size, free) values (${'a'}, ${'/'}, ${2n ** 70n}, 0)`.execute(
        db,
      );
    if (dialect === 'sqlite') {
      // SQLite enforces neither; the repositories' checks are the only line there.
      await long;
      await expect(big).rejects.toThrow();
    } else {
      const tooLong = await caught(long);
      expect(tooLong).toBeInstanceOf(ValidationError);
      if (dialect === 'mysql') expect((tooLong as ValidationError).field).toBe('tag');
      expect(await caught(big)).toBeInstanceOf(ValidationError);
    }
  });

  it('a wrongly typed value → ValidationError (SQLite: only for its integer primary key)', async () => {
    const db = database().main.db;
    const statement =
      sql`insert into ${sql.table('tags')} (id, tag) values (${'not a number'}, ${'typed'})`.execute(db);
    const err = await caught(statement);
    expect(err).toBeInstanceOf(ValidationError);
  });

  it('a failed transaction is rolled back and its error translated once', async () => {
    const db = database().main.db;
    const err = await caught(
      transaction(db, async (trx) => {
        await trx.insertInto('tags').values({ tag: 'in-trx' }).execute();
        await trx.insertInto('tags').values({ tag: 'in-trx' }).execute();
      }),
    );
    expect(err).toBeInstanceOf(ConflictError);
    expect(await db.selectFrom('tags').select('id').where('tag', '=', 'in-trx').execute()).toEqual([]);
  });

  it('nested transaction() joins the outer one', async () => {
    const db = database().main.db;
    await caught(
      transaction(db, async (trx) => {
        await transaction(trx, (inner) => inner.insertInto('tags').values({ tag: 'joined' }).execute());
        throw new Error('roll everything back');
      }),
    );
    expect(await db.selectFrom('tags').select('id').where('tag', '=', 'joined').execute()).toEqual([]);
  });

  it('never puts interpolated SQL on the cause', async () => {
    const db = database().main.db;
    const err = (await caught(db.insertInto('tags').values({ tag: 'dup' }).execute())) as ConflictError;
    expect(err.cause).toBeInstanceOf(Error);
    expect(Object.keys(err.cause as object)).not.toContain('sql');
  });

  it('a NUL character in text is a ValidationError where the database cannot store it', async () => {
    const db = database().main.db;
    const lookup = db.selectFrom('tags').select('id').where('tag', '=', 'a\u0000b').execute();
    if (dialect === 'postgres') {
      const err = await caught(lookup);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as Error).message).toMatch(/NUL/);
    } else {
      expect(await lookup).toEqual([]);
    }
  });
});

describe('opening', () => {
  it('an unreachable server → DatabaseUnavailableError without the password', async () => {
    const err = await caught(
      openDatabase({ url: 'postgresql://farm:hunter2@127.0.0.1:1/farm?connect_timeout=2' }),
    );
    expect(err).toBeInstanceOf(DatabaseUnavailableError);
    expect((err as Error).message).toContain('postgresql://farm:***@127.0.0.1:1/farm');
    expect((err as Error).message).not.toContain('hunter2');
    const mysql = await caught(openDatabase({ url: 'mysql://root:pw@127.0.0.1:1/farm' }));
    expect(mysql).toBeInstanceOf(DatabaseUnavailableError);
  });

  it('a SQLite file in a missing directory → ConfigError', async () => {
    const err = await caught(openDatabase({ url: 'sqlite:////nonexistent/dir/farm.sqlite' }));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems[0]!.message).toContain('/nonexistent/dir/farm.sqlite');
  });
});
