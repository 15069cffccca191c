/**
 * Indexes for the jobs API at 100,000 jobs:
 * - `jobs(title)`: `/jobs/<title>` looks jobs up by title, and the job list sorts by it;
 * - `jobs(priority)`, `jobs(weight)`: the job list sorts by them (a page is then an index walk, not a sort
 *   of every job);
 * - `tasks(job_id, state, agent_id)`: "does an unfinished task of this job have an agent?" (the job state
 *   shown as "running" while the stored state is NULL) becomes two index seeks per job instead of a scan of
 *   the job's tasks, and per-job task counts by state read only the index;
 * - `tasks(state, agent_id, job_id)`: every task held by an agent (assigned or running) without reading the
 *   queued and finished ones — the jobs a list filtered by state shows as running, and the busy agents.
 * The two task indexes cover every query `tasks(state, job_id)` of 0001 served, so that one is dropped:
 * each task report rewrites every index holding `state`, and fewer of them make the commit cheaper.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

const INDEXES = [
  // With the id, so that a page sorted by these (id breaking ties) is an index walk on PostgreSQL too
  // (SQLite and InnoDB append the primary key to every index anyway).
  { name: 'jobs_title', table: 'jobs', columns: ['title', 'id'] },
  { name: 'jobs_priority', table: 'jobs', columns: ['priority', 'id'] },
  { name: 'jobs_weight', table: 'jobs', columns: ['weight', 'id'] },
  { name: 'tasks_job_state_agent', table: 'tasks', columns: ['job_id', 'state', 'agent_id'] },
  { name: 'tasks_state_agent', table: 'tasks', columns: ['state', 'agent_id', 'job_id'] },
] as const;

/** Created by 0001-initial; replaced by the two task indexes above. */
const SUPERSEDED = { name: 'tasks_state', table: 'tasks', columns: ['state', 'job_id'] } as const;

export function jobListingIndexesMigration(ctx: MigrationContext): Migration {
  const create = (db: Kysely<unknown>, index: { name: string; table: string; columns: readonly string[] }) =>
    db.schema
      .createIndex(ctx.index(index.name))
      .on(index.table)
      .columns([...index.columns])
      .execute();
  const drop = async (db: Kysely<unknown>, index: { name: string; table: string }) => {
    // MySQL names the table in DROP INDEX; the others do not take it.
    let statement = db.schema.dropIndex(ctx.index(index.name));
    if (ctx.dialect === 'mysql') statement = statement.on(index.table);
    await statement.execute();
  };
  return {
    async up(db: Kysely<unknown>) {
      for (const index of INDEXES) await create(db, index);
      await drop(db, SUPERSEDED);
    },
    async down(db: Kysely<unknown>) {
      await create(db, SUPERSEDED);
      for (const index of [...INDEXES].reverse()) await drop(db, index);
    },
  };
}
