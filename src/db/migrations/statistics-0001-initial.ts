/**
 * The statistics tables (spec §2 "Statistics"). They may live in their own database (`statistics_database`),
 * so they have their own migration set and no foreign keys into the main schema.
 */
import type { Kysely, Migration } from 'kysely';
import { schemaHelpers, type MigrationContext } from './migration-context.js';

export function statisticsInitialMigration(ctx: MigrationContext): Migration {
  const { types: t, createTable, withId } = schemaHelpers(ctx);
  const ix = ctx.index;
  return {
    async up(db: Kysely<unknown>) {
      await createTable(db, 'agent_counts')
        .addColumn('counted_time', t.time, (c) => c.primaryKey())
        .addColumn('num_online', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_running', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_offline', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await withId(createTable(db, 'task_counts'))
        .addColumn('counted_time', t.time, (c) => c.notNull())
        .addColumn('job_queue_id', t.bigRef)
        .addColumn('total_queued', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total_running', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total_done', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('total_failed', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema.createIndex(ix('task_counts_time')).on('task_counts').column('counted_time').execute();

      await withId(createTable(db, 'task_event_counts'))
        .addColumn('time_start', t.time, (c) => c.notNull())
        .addColumn('time_end', t.time, (c) => c.notNull())
        .addColumn('job_queue_id', t.bigRef)
        .addColumn('num_new', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_deleted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_restarted', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_started', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_failed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('num_done', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
      await db.schema
        .createIndex(ix('task_event_counts_time'))
        .on('task_event_counts')
        .columns(['time_start', 'job_queue_id'])
        .execute();
    },
    async down(db: Kysely<unknown>) {
      for (const table of ['task_event_counts', 'task_counts', 'agent_counts']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
