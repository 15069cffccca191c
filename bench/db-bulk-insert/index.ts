/**
 * Job submission's bulk insert: creates a job with 100,000 tasks (one frame each) through
 * `createTasksForFrameRange` and prints the time. Target: ≤ 2 s on SQLite (file database, WAL).
 *
 *   npx tsx bench/db-bulk-insert/index.ts [database-url] [tasks]
 *
 * Without a URL it uses a SQLite file in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../../src/db/connection/open-database.js';
import { createJob } from '../../src/db/jobs/job.repository.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createTasksForFrameRange } from '../../src/db/tasks/task.repository.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-bench-'));
const url = process.argv[2] ?? `sqlite:///${join(dir, 'bench.sqlite')}`;
const count = Number(process.argv[3] ?? 100_000);

const handle = await openDatabase({ url });
try {
  const migrated = await migrateToLatest(handle);
  if (migrated.error) throw migrated.error;
  const { version } = await createJobType(
    handle.db,
    { name: `bench-${Date.now()}` },
    { code: 'class Bench {}' },
  );
  const rounds: number[] = [];
  for (let round = 0; round < 3; round++) {
    const job = await createJob(handle.db, { title: `bench ${round}`, jobtypeVersionId: version.id });
    const started = performance.now();
    const created = await createTasksForFrameRange(handle.db, job.id, { start: 1, end: count });
    const elapsed = performance.now() - started;
    if (created !== count) throw new Error(`created ${created} tasks, expected ${count}`);
    rounds.push(elapsed);
  }
  const best = Math.min(...rounds);
  console.log(
    `${handle.dialect}: ${count} tasks per job, rounds ${rounds.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}`,
  );
  console.log(`best ${best.toFixed(0)} ms = ${Math.round((count / best) * 1000)} tasks/s`);
} finally {
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}
