/**
 * The jobs API through real HTTP on loopback, one sequential client, against a master on a SQLite file
 * (or the database URL given):
 * - job submissions of 1,000 frames (target ≤ 30 ms) and 100,000 frames (target ≤ 2 s);
 * - task-state reports by an agent token (running, then done; target ≥ 2,500/s);
 * - GET /api/v1/jobs/ with 500 jobs (target ≤ 2 ms), and one page of 50 at 100,000 jobs (target: flat).
 *
 *   npm run bench -- api-jobs [database-url]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { Agent as HttpAgent, request } from 'undici';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { createAgent } from '../../src/db/agents/agent.repository.js';
import { insertMany } from '../../src/db/inserts.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { updateTasks, listTasks } from '../../src/db/tasks/task.repository.js';
import { createAccountWithPassword, createApiToken } from '../../src/master/auth/auth.service.js';
import { createMaster } from '../../src/master/master.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-bench-api-jobs-'));
const database = process.argv[2] ?? `sqlite:///${join(dir, 'bench.sqlite')}`;
const { config } = loadConfig({
  env: {},
  cwd: dir,
  overrides: {
    database,
    statistics_database: `sqlite:///${join(dir, 'statistics.sqlite')}`,
    tasklogs_dir: join(dir, 'logs'),
    smtp_server: null,
  },
});
const master = await createMaster({ config, logger: silentLogger(), version: 'bench' });
const dispatcher = new HttpAgent({ connections: 1, pipelining: 1 });

try {
  const [load] = loadavg();
  console.log(`${database.split(':')[0]}; load average ${load!.toFixed(1)} on ${cpus().length} CPUs`);
  const ctx = master.context;
  const base = await master.listen('127.0.0.1', 0);
  const admin = await createAccountWithPassword(ctx, {
    username: 'bench-admin',
    password: 'bench password',
    roles: ['admin'],
  });
  await createAccountWithPassword(ctx, {
    username: 'bench-agent',
    password: 'bench password',
    roles: ['agent'],
  });
  const adminToken = (await createApiToken(ctx, { username: 'bench-admin', name: 'bench', kind: 'api' }))
    .token;
  const agentToken = await createApiToken(ctx, { username: 'bench-agent', name: 'bench', kind: 'agent' });
  const jobtype = `bench-${Date.now()}`;
  const { version } = await createJobType(ctx.db, { name: jobtype }, { code: 'export default class {}' });

  async function call(method: 'GET' | 'POST', path: string, token: string, body?: unknown) {
    const res = await request(`${base}${path}`, {
      method,
      dispatcher,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.body.text();
    if (res.statusCode >= 300) throw new Error(`${method} ${path}: ${res.statusCode} ${text}`);
    return text;
  }

  async function timed(fn: () => Promise<unknown>): Promise<number> {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  }

  const stats = (samples: number[]) => {
    const sorted = [...samples].sort((a, b) => a - b);
    const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
    return `median ${at(0.5).toFixed(2)} ms, p95 ${at(0.95).toFixed(2)} ms, min ${sorted[0]!.toFixed(2)} ms`;
  };

  let serial = 0;
  const submit = (frames: number) =>
    call('POST', '/api/v1/jobs/', adminToken, { title: `bench ${serial++}`, jobtype, start: 1, end: frames });

  // Warm-up: schema compilation, statement caches.
  for (let i = 0; i < 5; i++) await submit(10);

  const small: number[] = [];
  for (let i = 0; i < 30; i++) small.push(await timed(() => submit(1000)));
  console.log(`submit 1,000 frames (30x):    ${stats(small)}   target ≤ 30 ms`);

  const large: number[] = [];
  for (let i = 0; i < 3; i++) large.push(await timed(() => submit(100_000)));
  console.log(
    `submit 100,000 frames (3x):   ${large.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}   target ≤ 2,000 ms`,
  );

  // Task reports: an agent registered with the agent token holds 2,000 tasks and reports running, done.
  const agent = await createAgent(ctx.db, {
    id: '6a4f7d0e-1b2c-4d3e-8f90-0123456789ab',
    hostname: 'bench-agent',
    port: 50000,
    ram: 16384,
    freeRam: 8000,
    cpus: 8,
    remoteIp: '10.0.0.9',
    tokenId: agentToken.record.id,
  });
  const reportJob = JSON.parse(await submit(2000)) as { id: number };
  const tasks = await listTasks(ctx.db, { jobId: reportJob.id });
  await updateTasks(
    ctx.db,
    tasks.map((t) => t.id),
    { agentId: agent.id },
  );
  const token = agentToken.token;
  const reportCpu = process.cpuUsage();
  const reportStarted = performance.now();
  for (const task of tasks) {
    await call('POST', `/api/v1/jobs/${reportJob.id}/tasks/${task.id}`, token, { state: 'running' });
    await call('POST', `/api/v1/jobs/${reportJob.id}/tasks/${task.id}`, token, { state: 'done' });
  }
  const reportSeconds = (performance.now() - reportStarted) / 1000;
  const cpu = process.cpuUsage(reportCpu);
  console.log(
    `task-state reports:           ${Math.round((tasks.length * 2) / reportSeconds)}/s ` +
      `(${tasks.length * 2} sequential; ${Math.round((cpu.user + cpu.system) / (tasks.length * 2))} µs CPU ` +
      `each, client and server)   target ≥ 2,500/s`,
  );
  const finished = JSON.parse(await call('GET', `/api/v1/jobs/${reportJob.id}`, adminToken)) as {
    state: string;
  };
  if (finished.state !== 'done') throw new Error(`the report job is ${finished.state}, not done`);

  // The job list: top up to 500 jobs, then to 100,000 (bulk-inserted rows, each with one task).
  const existing = Number(
    (
      await ctx.db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  const addJobs = async (count: number) => {
    const now = Date.now();
    const rows = Array.from({ length: count }, (_, i) => ({
      title: `listed ${i}`,
      jobtype_version_id: version.id,
      time_submitted: now + i,
      priority: i % 7,
      user_id: admin.user.id,
    }));
    await insertMany(ctx.db, 'jobs', rows);
  };
  await addJobs(500 - existing);
  const list500: number[] = [];
  for (let i = 0; i < 5; i++) await call('GET', '/api/v1/jobs/', adminToken);
  for (let i = 0; i < 200; i++) list500.push(await timed(() => call('GET', '/api/v1/jobs/', adminToken)));
  console.log(`GET /jobs/ with 500 jobs:     ${stats(list500)}   target ≤ 2 ms`);

  const page500: number[] = [];
  for (let i = 0; i < 100; i++) {
    page500.push(await timed(() => call('GET', '/api/v1/jobs/?page=1&per_page=50', adminToken)));
  }
  await addJobs(100_000 - 500);
  // PostgreSQL's autovacuum would analyse (and vacuum) the freshly loaded tables within a minute; the
  // planner needs those statistics, so the benchmark does it at once to measure the steady state.
  if (ctx.dialect === 'postgres') await sql`vacuum analyze`.execute(ctx.db);
  const pages: Record<string, number[]> = {};
  for (const query of [
    'page=1&per_page=50',
    'page=1&per_page=50&order_by=priority&order_dir=desc',
    'page=1&per_page=50&order_by=time_submitted&order_dir=desc',
    'page=1000&per_page=50',
    'page=1&per_page=50&state=queued',
  ]) {
    await call('GET', `/api/v1/jobs/?${query}`, adminToken);
    pages[query] = [];
    for (let i = 0; i < 50; i++) {
      pages[query]!.push(await timed(() => call('GET', `/api/v1/jobs/?${query}`, adminToken)));
    }
  }
  console.log(`GET page of 50 at 500 jobs:   ${stats(page500)}`);
  for (const [query, samples] of Object.entries(pages)) {
    console.log(`GET ?${query} at 100,000 jobs: ${stats(samples)}`);
  }
} finally {
  await dispatcher.close();
  await master.close();
  rmSync(dir, { recursive: true, force: true });
}
