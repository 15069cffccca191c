/**
 * `tasks.sent_on`: when the task was last delivered to its agent. An agent's announce lists the tasks it holds
 * as of when it was built; one built just before a delivery can reach the master just after it, and must
 * not make the master fail the task as lost (see agent-task-reconciliation.ts).
 */
import type { Kysely, Migration } from 'kysely';
import { columnTypes } from './column-types.js';
import type { MigrationContext } from './migration-context.js';

export function taskSentTimeMigration(ctx: MigrationContext): Migration {
  const t = columnTypes(ctx.dialect);
  return {
    async up(db: Kysely<unknown>) {
      await db.schema.alterTable('tasks').addColumn('sent_on', t.time).execute();
    },
    async down(db: Kysely<unknown>) {
      await db.schema.alterTable('tasks').dropColumn('sent_on').execute();
    },
  };
}
