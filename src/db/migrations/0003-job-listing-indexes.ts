/**
 * Indexes for the jobs API at 100,000 jobs:
 * - `jobs(title)`: `/jobs/<title>` looks jobs up by title, and the job list sorts by it;
 * - `jobs(priority)`, `jobs(weight)`: the job list sorts by them (a page is then an index walk, not a sort
 *   of every job);
 * - `tasks(job_id, state, agent_id)`: "does an unfinished task of this job have an agent?" (the job state
 *   shown as "running" while the stored state is NULL) becomes two index seeks per job instead of a scan of
 *   the job's tasks, and per-job task counts by state read only the index.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

const INDEXES = [
  { name: 'jobs_title', table: 'jobs', columns: ['title'] },
  { name: 'jobs_priority', table: 'jobs', columns: ['priority'] },
  { name: 'jobs_weight', table: 'jobs', columns: ['weight'] },
  { name: 'tasks_job_state_agent', table: 'tasks', columns: ['job_id', 'state', 'agent_id'] },
] as const;

export function jobListingIndexesMigration(ctx: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      for (const index of INDEXES) {
        await db.schema
          .createIndex(ctx.index(index.name))
          .on(index.table)
          .columns([...index.columns])
          .execute();
      }
    },
    async down(db: Kysely<unknown>) {
      for (const index of [...INDEXES].reverse()) {
        // MySQL names the table in DROP INDEX; the others ignore it.
        let drop = db.schema.dropIndex(ctx.index(index.name));
        if (ctx.dialect === 'mysql') drop = drop.on(index.table);
        await drop.execute();
      }
    },
  };
}
