import { describe, expect, it } from 'vitest';
import { dropAll, migrateToLatest, migrationStatus } from '../../src/db/migrate.js';
import { TABLE_CONFIG_KEYS } from '../../src/db/table-names.js';
import { forEachDialect } from '../support/databases.js';

const MAIN_TABLES = Object.keys(TABLE_CONFIG_KEYS).filter(
  (t) => !['agent_counts', 'task_counts', 'task_event_counts'].includes(t),
);

const TABLE_SETTINGS: Record<string, string>[] = [{}, { table_prefix: 'pf_', table_job: 'render_jobs' }];

for (const tables of TABLE_SETTINGS) {
  describe(`migrations with table settings ${JSON.stringify(tables)}`, () => {
    forEachDialect(
      (_dialect, database) => {
        it('creates every table under its physical name, and records what ran', async () => {
          const { main, statistics, tableNames } = database();
          expect(await migrateToLatest(main)).toEqual({
            applied: [
              '0001-initial',
              '0002-roles',
              '0003-scheduler',
              '0004-agent-link-indexes',
              '0005-job-listing-indexes',
              '0006-task-sent-time',
              '0007-duplicate-task-index',
            ],
          });
          expect(await migrateToLatest(statistics)).toEqual({ applied: ['0001-initial'] });
          const names = (await main.db.introspection.getTables()).map((t) => t.name);
          for (const logical of Object.keys(TABLE_CONFIG_KEYS) as (keyof typeof TABLE_CONFIG_KEYS)[]) {
            expect(names).toContain(tableNames.tables[logical]);
          }
          const prefix = tableNames.prefix;
          expect(names).toContain(`${prefix}drover_migrations`);
          expect(names).toContain(`${prefix}drover_statistics_migrations`);
          if ('table_job' in tables) {
            expect(names).toContain('render_jobs');
            expect(names).not.toContain('jobs');
            expect(names).not.toContain('pf_jobs');
            expect(names).toContain('pf_tasks');
          }
          const status = await migrationStatus(main);
          expect(status.map((s) => [s.name, s.executedAt instanceof Date])).toEqual([
            ['0001-initial', true],
            ['0002-roles', true],
            ['0003-scheduler', true],
            ['0004-agent-link-indexes', true],
            ['0005-job-listing-indexes', true],
            ['0006-task-sent-time', true],
            ['0007-duplicate-task-index', true],
          ]);
        });

        it('is idempotent', async () => {
          const { main, statistics } = database();
          expect(await migrateToLatest(main)).toEqual({ applied: [] });
          expect(await migrateToLatest(statistics)).toEqual({ applied: [] });
        });

        it('seeds the four roles', async () => {
          const roles = await database()
            .main.db.selectFrom('roles')
            .select(['name', 'active'])
            .orderBy('id')
            .execute();
          expect(roles).toEqual([
            { name: 'admin', active: true },
            { name: 'wrangler', active: true },
            { name: 'artist', active: true },
            { name: 'agent', active: true },
          ]);
        });

        it('drops everything and migrates again', async () => {
          const { main, statistics } = database();
          expect(await dropAll(main)).toEqual({
            applied: [
              '0007-duplicate-task-index',
              '0006-task-sent-time',
              '0005-job-listing-indexes',
              '0004-agent-link-indexes',
              '0003-scheduler',
              '0002-roles',
              '0001-initial',
            ],
          });
          const left = (await main.db.introspection.getTables()).map((t) => t.name);
          expect(left.filter((n) => !n.includes('counts') && !n.includes('statistics'))).toEqual([]);
          expect(await dropAll(statistics)).toEqual({ applied: ['0001-initial'] });
          expect(await main.db.introspection.getTables()).toEqual([]);
          expect((await migrateToLatest(main)).applied).toHaveLength(7);
          expect((await migrateToLatest(statistics)).applied).toHaveLength(1);
          expect((await main.db.introspection.getTables()).length).toBe(MAIN_TABLES.length + 3 + 4);
        });
      },
      { tables, migrate: false },
    );
  });
}
