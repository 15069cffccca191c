/**
 * A deadlock between two transactions on PostgreSQL and MariaDB: the server kills one of them, and
 * `transaction()` runs the victim again from the start, so both callers succeed and both writes are there.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { isTransientConflict, setTransactionRetries, transaction } from '../../src/db/transaction.js';
import { forEachDialect } from '../support/databases.js';

forEachDialect((dialect, database) => {
  describe.skipIf(dialect === 'sqlite')('transaction retries', () => {
    async function twoRows() {
      const { db } = database().main;
      await sql`drop table if exists deadlock_probe`.execute(db);
      await sql`create table deadlock_probe (id integer primary key, n integer not null)`.execute(db);
      await sql`insert into deadlock_probe (id, n) values (1, 0), (2, 0)`.execute(db);
      return db;
    }

    it('runs the deadlock victim again: both transactions commit', async () => {
      const db = await twoRows();
      let runs = 0;
      let bothLocked!: () => void;
      const firstLocks = new Promise<void>((resolve) => (bothLocked = resolve));
      let locked = 0;
      // Each locks its first row, waits until the other did, then asks for the other's row: a cycle.
      const cross = (first: number, second: number) =>
        transaction(db, async (trx) => {
          runs += 1;
          await sql`update deadlock_probe set n = n + 1 where id = ${first}`.execute(trx);
          if (++locked === 2) bothLocked();
          await firstLocks;
          await sql`update deadlock_probe set n = n + 1 where id = ${second}`.execute(trx);
        });
      await Promise.all([cross(1, 2), cross(2, 1)]);
      expect(runs).toBe(3);
      const rows = await sql<{ n: number }>`select n from deadlock_probe order by id`.execute(db);
      expect(rows.rows.map((r) => Number(r.n))).toEqual([2, 2]);
    });

    it('gives up after the configured retries and lets the error through', async () => {
      const db = await twoRows();
      setTransactionRetries(db, 0);
      try {
        let bothLocked!: () => void;
        const firstLocks = new Promise<void>((resolve) => (bothLocked = resolve));
        let locked = 0;
        const cross = (first: number, second: number) =>
          transaction(db, async (trx) => {
            await sql`update deadlock_probe set n = n + 1 where id = ${first}`.execute(trx);
            if (++locked === 2) bothLocked();
            await firstLocks;
            await sql`update deadlock_probe set n = n + 1 where id = ${second}`.execute(trx);
          });
        const outcomes = await Promise.allSettled([cross(1, 2), cross(2, 1)]);
        const rejected = outcomes.filter((o) => o.status === 'rejected');
        expect(rejected).toHaveLength(1);
        expect(isTransientConflict((rejected[0] as PromiseRejectedResult).reason)).toBe(true);
      } finally {
        setTransactionRetries(db, 10);
      }
    });
  });
});
