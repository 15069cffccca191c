import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { openDatabase, openDatabases } from '../../src/db/connection/open-database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { insertAgentCount, listAgentCounts } from '../../src/db/statistics/statistics.repository.js';
import { createTag } from '../../src/db/tags/tag.repository.js';
import { createEmptyDatabase, DIALECTS, unavailableReason } from '../support/databases.js';

for (const dialect of DIALECTS) {
  const reason = unavailableReason(dialect);
  describe.skipIf(reason !== undefined)(`${dialect} connections${reason ? ` (${reason})` : ''}`, () => {
    it('keeps statistics in their own database when configured so', async () => {
      const [main, stats] = [await createEmptyDatabase(dialect), await createEmptyDatabase(dialect)];
      try {
        const handles = await openDatabases({ database: main.url, statisticsDatabase: stats.url });
        try {
          expect(handles.statistics.db).not.toBe(handles.main.db);
          expect((await migrateToLatest(handles.main)).error).toBeUndefined();
          expect((await migrateToLatest(handles.statistics)).error).toBeUndefined();
          const mainTables = (await handles.main.db.introspection.getTables()).map((t) => t.name);
          const statsTables = (await handles.statistics.db.introspection.getTables()).map((t) => t.name);
          expect(mainTables).toContain('jobs');
          expect(mainTables).not.toContain('agent_counts');
          expect(statsTables.sort()).toEqual([
            'agent_counts',
            'drover_statistics_migrations',
            'drover_statistics_migrations_lock',
            'task_counts',
            'task_event_counts',
          ]);
          await insertAgentCount(handles.statistics.db, {
            countedTime: 1,
            numOnline: 1,
            numRunning: 0,
            numOffline: 0,
            numDisabled: 0,
          });
          expect(await listAgentCounts(handles.statistics.db)).toHaveLength(1);
        } finally {
          await handles.close();
        }
      } finally {
        await main.drop();
        await stats.drop();
      }
    });

    it('shares one pool when both URLs are the same, closing it with the last handle', async () => {
      const empty = await createEmptyDatabase(dialect);
      try {
        const handles = await openDatabases({ database: empty.url, statisticsDatabase: empty.url });
        expect(handles.statistics.db).toBe(handles.main.db);
        await migrateToLatest(handles.main);
        await handles.main.close();
        await handles.main.close();
        // Still open for the statistics handle.
        expect((await migrateToLatest(handles.statistics)).applied).toEqual(['0001-initial']);
        await handles.statistics.close();
        await expect(handles.main.db.selectFrom('tags').selectAll().execute()).rejects.toThrow();
      } finally {
        await empty.drop();
      }
    });

    it('echoes statements through the logger, without their parameters', async () => {
      const empty = await createEmptyDatabase(dialect);
      const lines: string[] = [];
      const logger = pino(
        { level: 'info' },
        new Writable({
          write(chunk: Buffer, _encoding, done) {
            lines.push(chunk.toString());
            done();
          },
        }),
      );
      try {
        const handle = await openDatabase({ url: empty.url, echo: true, logger });
        try {
          await migrateToLatest(handle);
          lines.length = 0;
          await createTag(handle.db, 'secret-looking-value');
          const records = lines.map(
            (line) => JSON.parse(line) as { msg: string; sql: string; parameters: number },
          );
          const insert = records.find((r) => r.sql.startsWith('insert into'));
          expect(insert).toMatchObject({ msg: 'sql', parameters: 1 });
          expect(lines.join('')).not.toContain('secret-looking-value');
        } finally {
          await handle.close();
        }
      } finally {
        await empty.drop();
      }
    });
  });
}

describe('sqlite files', () => {
  it('run in WAL mode with foreign keys enforced, a busy timeout and synchronous=NORMAL', async () => {
    const empty = await createEmptyDatabase('sqlite');
    try {
      const handle = await openDatabase({ url: empty.url });
      try {
        const pragma = async (name: string) =>
          Object.values((await sql.raw(`pragma ${name}`).execute(handle.db)).rows[0] as object)[0] as unknown;
        expect(await pragma('journal_mode')).toBe('wal');
        expect(await pragma('foreign_keys')).toBe(1);
        expect(await pragma('busy_timeout')).toBe(5000);
        expect(await pragma('synchronous')).toBe(1);
      } finally {
        await handle.close();
      }
    } finally {
      await empty.drop();
    }
  });
});
