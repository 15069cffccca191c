/**
 * What the event-driven scheduler needs from the schema:
 * - `tasks_waiting` on tasks (state, agent_id, job_id, frame, tile): the waiting tasks of every job, in
 *   frame order, read from the index alone (covering on SQLite and MySQL, where the primary key rides
 *   along), and the tasks agents hold found without scanning finished work. Building the scheduler's
 *   index of a million waiting tasks reads this index instead of a million table rows;
 * - `farm_event_relay`: farm events written by API replicas for the scheduler leader on databases
 *   without LISTEN/NOTIFY (MySQL/MariaDB poll it; PostgreSQL uses NOTIFY instead). Rows are short-lived.
 */
import type { Kysely, Migration } from 'kysely';
import { schemaHelpers, type MigrationContext } from './migration-context.js';

export function schedulerMigration(ctx: MigrationContext): Migration {
  const { types: t, createTable, withId } = schemaHelpers(ctx);
  const ix = ctx.index;
  return {
    async up(db: Kysely<unknown>) {
      await db.schema
        .createIndex(ix('tasks_waiting'))
        .on('tasks')
        .columns(['state', 'agent_id', 'job_id', 'frame', 'tile'])
        .execute();
      await withId(createTable(db, 'farm_event_relay'), true)
        .addColumn('created_on', t.time, (c) => c.notNull())
        .addColumn('origin', 'varchar(64)', (c) => c.notNull())
        .addColumn('payload', t.text, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex(ix('farm_event_relay_created'))
        .on('farm_event_relay')
        .column('created_on')
        .execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.dropTable('farm_event_relay').ifExists().execute();
      const drop = db.schema.dropIndex(ix('tasks_waiting'));
      // Only MySQL names the table in DROP INDEX (index names are per table there).
      await (ctx.dialect === 'mysql' ? drop.on('tasks') : drop).execute();
    },
  };
}
