/**
 * Scheduler benchmark (`npm run bench -- scheduler [sqlite|postgres|fairshare ...]`, default all):
 * - fill: 10,000 idle agents, 1,000 jobs × 1,000 frames (1M queued tasks) in a 3-level queue tree with
 *   mixed tag/software/RAM requirements; the engine's first round: index build, decisions, the bulk write;
 * - incremental: with that farm loaded and busy, a task finishes (committed + announced) and the engine
 *   gives its agent the next task: p50/p99 of the round and of its decision alone;
 * - fair share: queues weighted 60/30/10 sharing 100 agents while tasks finish at random: observed shares
 *   once steady, against the weights.
 * PostgreSQL is a private server started for the run (the test servers' settings: fsync off).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { systemClock } from '../../src/core/clock.js';
import { WorkState } from '../../src/core/enums.js';
import { silentLogger } from '../../src/core/logging.js';
import { openDatabase, type DatabaseHandle } from '../../src/db/connection/open-database.js';
import type { Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { DEFAULT_MODEL_LIMITS } from '../../src/db/rules/model-limits.js';
import { transaction } from '../../src/db/transaction.js';
import { LocalFarmEvents } from '../../src/master/events/farm-events.js';
import { SchedulerEngine, type RoundReport } from '../../src/master/scheduler/engine.js';
import { applyTaskChange } from '../../src/master/tasks/task-state.service.js';
import { createPostgresDatabase, startTestServers } from '../../test/support/servers.js';
import { percentile } from '../support/process-figures.js';
import { measureFairShare } from './fair-share.js';
import { seedFarm } from './seed-farm.js';

const SIZE = {
  jobs: Number(process.env.BENCH_JOBS ?? 1000),
  frames: Number(process.env.BENCH_FRAMES ?? 1000),
  agents: Number(process.env.BENCH_AGENTS ?? 10_000),
};
const INCREMENTAL_EVENTS = Number(process.env.BENCH_EVENTS ?? 300);
const wanted = process.argv.slice(2);
const want = (name: string) => wanted.length === 0 || wanted.includes(name);

const ms = (n: number) => `${n.toFixed(n < 10 ? 2 : 0)} ms`;

console.log(
  `scheduler benchmark — ${SIZE.jobs} jobs × ${SIZE.frames} frames, ${SIZE.agents} agents; load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

async function benchDatabase(label: string, url: string): Promise<void> {
  const handle = await openDatabase({ url });
  try {
    const migrated = await migrateToLatest(handle);
    if (migrated.error) throw migrated.error;
    const started = performance.now();
    await seedFarm(handle.db, SIZE);
    console.log(`\n[${label}] farm written in ${ms(performance.now() - started)}`);
    // Steady state, as on a farm whose tasks were not all written a second ago: statistics, no dirty backlog.
    if (handle.dialect === 'postgres') {
      await sql`vacuum analyze`.execute(handle.db);
      await sql`checkpoint`.execute(handle.db);
    } else await sql`analyze`.execute(handle.db);
    await fill(label, handle);
  } finally {
    await handle.close();
  }
}

async function fill(label: string, handle: DatabaseHandle): Promise<void> {
  const events = new LocalFarmEvents();
  const rounds: RoundReport[] = [];
  let roundDone: (() => void) | undefined;
  const engine = new SchedulerEngine({
    db: handle.db,
    events,
    clock: systemClock,
    log: silentLogger(),
    policy: { preferRunning: true, sharing: false, useTotalRam: false },
    sweepIntervalMs: 0,
    onRound: (report) => {
      rounds.push(report);
      roundDone?.();
    },
  });
  const nextRound = () => new Promise<void>((resolve) => (roundDone = resolve));
  const first = nextRound();
  engine.start();
  await first;
  await engine.whenIdle();
  const full = rounds[0]!;
  console.log(
    `[${label}] fill: ${full.assigned} assignments for ${full.candidates} idle agents — ` +
      `decisions ${ms(full.decideMs)} + bulk write ${ms(full.writeMs)} = ${ms(full.decideMs + full.writeMs)} ` +
      `(index build before it: ${ms(full.refreshMs)}; total ${ms(full.refreshMs + full.decideMs + full.writeMs)})`,
  );

  // Incremental: a task finishes, its agent gets the next one.
  const held = await handle.db
    .selectFrom('tasks')
    .select(['id', 'job_id', 'agent_id'])
    .where('agent_id', 'is not', null)
    .where('state', 'is', null)
    .limit(INCREMENTAL_EVENTS)
    .execute();
  const roundTimes: number[] = [];
  const decideTimes: number[] = [];
  const reassigned: number[] = [];
  for (const task of held) {
    await finish(handle.db, task.id);
    rounds.length = 0;
    const done = nextRound();
    const t0 = performance.now();
    events.emit({ type: 'task.changed', jobId: task.job_id, taskId: task.id, agentId: task.agent_id });
    await done;
    roundTimes.push(performance.now() - t0);
    decideTimes.push(rounds[0]!.decideMs);
    reassigned.push(rounds[0]!.assigned);
    await engine.whenIdle();
  }
  console.log(
    `[${label}] incremental (${held.length} task-done events, one agent each): ` +
      `decision p50 ${ms(percentile(decideTimes, 50))} p99 ${ms(percentile(decideTimes, 99))}; ` +
      `event → next task committed p50 ${ms(percentile(roundTimes, 50))} p99 ${ms(percentile(roundTimes, 99))}; ` +
      `${reassigned.filter((n) => n === 1).length}/${held.length} agents got a next task`,
  );
  await engine.stop();
}

async function finish(db: Kysely<Database>, taskId: number): Promise<void> {
  const options = { now: Date.now(), limits: DEFAULT_MODEL_LIMITS };
  await transaction(db, async (trx) => {
    await applyTaskChange(trx, taskId, { state: WorkState.values.RUNNING }, options);
    await applyTaskChange(trx, taskId, { state: WorkState.values.DONE }, options);
  });
}

if (want('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-'));
  try {
    await benchDatabase('sqlite', `sqlite:///${join(dir, 'bench.sqlite')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (want('postgres')) {
  const servers = await startTestServers({ DROVER_TEST_SKIP_DATABASES: 'mysql' });
  try {
    await benchDatabase('postgres', await createPostgresDatabase(servers.info.postgres!, 'bench'));
  } finally {
    await servers.stop();
  }
}

if (want('fairshare')) {
  const result = measureFairShare({ weights: [60, 30, 10], agents: 100, completions: 20_000 });
  console.log(
    `\n[fair share] queues 60/30/10, 100 agents, ${result.completions} random completions: observed ` +
      `${result.shares.map((s) => `${(s * 100).toFixed(1)}%`).join(' / ')} — ` +
      `max deviation ${result.maxDeviationPoints.toFixed(2)} percentage points`,
  );
}
