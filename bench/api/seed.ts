/**
 * Set-up the benchmark does not measure, written straight into the database the master uses (WAL lets a
 * second SQLite connection in; PostgreSQL does not mind): a job type, many jobs in bulk, task assignments.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { dialectOf } from '../../src/db/dialect-name.js';
import { insertMany } from '../../src/db/inserts.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { transaction } from '../../src/db/transaction.js';

export async function createBenchJobType(db: Kysely<Database>): Promise<{ name: string; versionId: number }> {
  const name = `bench-${process.pid}-${Date.now()}`;
  const { version } = await createJobType(db, { name }, { code: 'export default class Bench {}' });
  return { name, versionId: version.id };
}

/** Adds `count` queued jobs of `tasksPerJob` frames each, in bulk; returns the farm's job count. */
export async function insertJobs(
  db: Kysely<Database>,
  jobtypeVersionId: number,
  count: number,
  tasksPerJob: number,
): Promise<number> {
  const now = Date.now();
  const CHUNK = 5_000;
  for (let done = 0; done < count; done += CHUNK) {
    const n = Math.min(CHUNK, count - done);
    await transaction(db, async (trx) => {
      const before = await maxJobId(trx);
      await insertMany(
        trx,
        'jobs',
        Array.from({ length: n }, (_, i) => ({
          title: `seeded ${done + i} ${now}`,
          jobtype_version_id: jobtypeVersionId,
          time_submitted: now + done + i,
        })),
      );
      const ids = await trx.selectFrom('jobs').select('id').where('id', '>', before).orderBy('id').execute();
      const tasks = ids.flatMap(({ id }) =>
        Array.from({ length: tasksPerJob }, (_, f) => ({ job_id: id, frame: f + 1, time_submitted: now })),
      );
      await insertMany(trx, 'tasks', tasks);
    });
  }
  // A farm that grew this big has been vacuumed and analysed by autovacuum (statistics for the planner, a
  // visibility map for index-only scans); a bulk load a second old has neither. bench/api-jobs and
  // bench/scheduler measure the same steady state.
  if (dialectOf(db as Kysely<unknown>) === 'postgres') await sql`vacuum analyze`.execute(db);
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function maxJobId(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('jobs')
    .select((eb) => eb.fn.max('id').as('id'))
    .executeTakeFirst();
  return Number(row?.id ?? 0);
}
