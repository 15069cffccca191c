/**
 * The schema as each server sees it: every foreign key exists with its delete rule (MariaDB once ignored
 * inline REFERENCES; this proves it does not), and the table prefix reaches indexes, constraints and the
 * hand-written SQL of the hot paths.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { TABLE_CONFIG_KEYS } from '../../src/db/table-names.js';
import { lockTaskContext } from '../../src/db/tasks/job-tasks.repository.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { transaction } from '../../src/db/transaction.js';
import { makeJob } from '../support/fixtures.js';
import { forEachDialect } from '../support/databases.js';

const EXPECTED_RULES = { CASCADE: 31, 'SET NULL': 5, RESTRICT: 9 };

forEachDialect(
  (dialect, database) => {
    it('has all 45 foreign keys with their delete rules', async () => {
      const { main, tableNames } = database();
      const rules: string[] = [];
      if (dialect === 'sqlite') {
        for (const table of Object.values(tableNames.tables)) {
          const { rows } = await sql<{
            on_delete: string;
          }>`select on_delete from pragma_foreign_key_list(${table})`.execute(main.db);
          rules.push(...rows.map((r) => r.on_delete));
        }
      } else {
        const schema = dialect === 'postgres' ? sql`current_schema()` : sql`database()`;
        const { rows } = await sql<{ rule: string }>`
          select delete_rule as ${sql.id('rule')} from information_schema.referential_constraints
          where constraint_schema = ${schema}`.execute(main.db);
        rules.push(...rows.map((r) => r.rule));
      }
      const counts = { CASCADE: 0, 'SET NULL': 0, RESTRICT: 0 };
      for (const rule of rules) {
        const key = rule === 'NO ACTION' ? 'RESTRICT' : (rule as keyof typeof counts);
        counts[key] += 1;
      }
      expect(counts).toEqual(EXPECTED_RULES);
    });

    it('prefixes every table, index and named constraint', async () => {
      const { main, tableNames } = database();
      expect(tableNames.prefix).toBe('pf_');
      const tables = (await main.db.introspection.getTables()).map((t) => t.name);
      expect(tables.every((name) => name.startsWith('pf_'))).toBe(true);
      expect(tables).toHaveLength(Object.keys(TABLE_CONFIG_KEYS).length + 4);
      let indexes: string[];
      if (dialect === 'sqlite') {
        const { rows } = await sql<{ name: string }>`
          select name from sqlite_master where type = 'index' and name not like 'sqlite_%'`.execute(main.db);
        indexes = rows.map((r) => r.name);
      } else if (dialect === 'postgres') {
        const { rows } = await sql<{ name: string }>`
          select indexname as name from pg_indexes where schemaname = current_schema()`.execute(main.db);
        indexes = rows.map((r) => r.name);
      } else {
        const { rows } = await sql<{ name: string }>`
          select distinct index_name as name from information_schema.statistics
          where table_schema = database() and index_name <> 'PRIMARY'`.execute(main.db);
        indexes = rows.map((r) => r.name);
      }
      expect(indexes).toContain('pf_tasks_job_frame');
      // SQLite implements named UNIQUE constraints with automatic indexes (sqlite_autoindex_*).
      if (dialect !== 'sqlite') expect(indexes).toContain('pf_software_versions_rank_uq');
      // Only names the database generates itself (MySQL names a column's index after the column).
      const unprefixed = indexes.filter((name) => !name.startsWith('pf_'));
      if (dialect === 'postgres') expect(unprefixed).toEqual([]);
    });

    it("locks and reads a task report's context under the prefixed names", async () => {
      const { db } = database().main;
      const job = await makeJob(db, { title: 'prefixed' });
      await createTasksForFrameRange(db, job.id, { start: 1, end: 1 });
      const [task] = await listTasks(db, { jobId: job.id });
      const context = await transaction(db, (trx) => lockTaskContext(trx, task!.id));
      expect(context).toMatchObject({ task: { id: task!.id }, job: { id: job.id, title: 'prefixed' } });
    });
  },
  { tables: { table_prefix: 'pf_' } },
);
