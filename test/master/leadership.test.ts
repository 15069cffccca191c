/**
 * Scheduler leadership through the database: of several masters on one database exactly one leads, and
 * another takes over when it stops or loses its lock connection.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { silentLogger } from '../../src/core/logging.js';
import { createMaster, type Master } from '../../src/master/master.js';
import { forEachDialectMaster } from '../support/master.js';
import { until } from '../support/farm-actions.js';

forEachDialectMaster((dialect, farm) => {
  const extra: Master[] = [];
  afterAll(async () => {
    await Promise.all(extra.map((m) => m.close()));
  });

  async function anotherMaster(): Promise<Master> {
    const master = await createMaster({
      config: farm().config,
      logger: silentLogger(),
      version: 'test',
      databases: farm().database,
      scheduling: { leadershipRetryMs: 50, leadershipHeartbeatMs: 50 },
    });
    extra.push(master);
    return master;
  }

  describe('leadership', () => {
    it(`elects exactly one leader among three masters, and another after it stops (${dialect})`, async () => {
      const masters = [await anotherMaster(), await anotherMaster(), await anotherMaster()];
      for (const m of masters) m.startScheduling();
      await until(() => masters.some((m) => m.leadership.isLeader), 5000, 'a leader');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(masters.filter((m) => m.leadership.isLeader)).toHaveLength(1);
      const first = masters.find((m) => m.leadership.isLeader)!;
      expect(first.leader.running).toBe(true);
      expect(masters.filter((m) => m.leader.running)).toHaveLength(1);

      await first.close();
      const rest = masters.filter((m) => m !== first);
      await until(() => rest.some((m) => m.leadership.isLeader), 5000, 'a new leader');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(rest.filter((m) => m.leadership.isLeader)).toHaveLength(1);
      await Promise.all(rest.map((m) => m.close()));
    });

    it.skipIf(dialect === 'sqlite')('hands over when the leader loses its lock connection', async () => {
      const masters = [await anotherMaster(), await anotherMaster()];
      for (const m of masters) m.startScheduling();
      await until(() => masters.some((m) => m.leadership.isLeader), 5000, 'a leader');
      const leader = masters.find((m) => m.leadership.isLeader)!;
      const other = masters.find((m) => m !== leader)!;
      const db = farm().master.context.db;
      // What a crash looks like to the database: the lock's session ends.
      const session = leader.leadership.lockSession!;
      if (dialect === 'postgres') await sql`select pg_terminate_backend(${session})`.execute(db);
      else await sql`kill ${sql.raw(String(session))}`.execute(db);
      await until(() => !leader.leadership.isLeader, 5000, 'the old leader to step down');
      await until(() => other.leadership.isLeader || leader.leadership.isLeader, 5000, 'a new leader');
      expect([leader, other].filter((m) => m.leadership.isLeader)).toHaveLength(1);
      await Promise.all(masters.map((m) => m.close()));
    });
  });
});
