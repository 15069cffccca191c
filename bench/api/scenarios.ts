/**
 * The measured scenarios of `npm run bench -- api`, each against a running master through real HTTP on
 * loopback, with the seed's payloads. Targets are issue 3's (Performance).
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';
import { listTasks, updateTasks } from '../../src/db/tasks/task.repository.js';
import { median, percentile } from '../support/process-figures.js';
import { ApiClient, timed } from './client.js';
import { insertJobs } from './seed.js';

export interface Figure {
  what: string;
  value: string;
  target?: string;
  /** undefined when there is no target to meet. */
  met?: boolean;
}

export interface BenchContext {
  url: string;
  tokens: { admin: string; agent: string };
  db: Kysely<Database>;
  jobtype: { name: string; versionId: number };
  /** The port the registered agents give: a loopback server accepting every assignment (fake-agents.ts). */
  agentPort: number;
  /** Smaller counts for a quick look (`--quick`). */
  quick: boolean;
  /** CPU milliseconds the master process has used so far (user + system). */
  serverCpuMs(): number;
  report(figure: Figure): void;
}

/** The master's CPU time per request over `fn`: what throughput would be on an idle core, whatever the load. */
async function cpuPerRequest(
  ctx: BenchContext,
  requests: number,
  fn: () => Promise<unknown>,
): Promise<string> {
  const before = ctx.serverCpuMs();
  await fn();
  return `master CPU ${((ctx.serverCpuMs() - before) / requests).toFixed(2)} ms/request`;
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 1)} ms`;
const perSecond = (count: number, elapsedMs: number) => (count / elapsedMs) * 1000;

/**
 * GET /api/v1/jobs/ with 500 jobs, then paged listing at 500 and at 100,000 jobs. On SQLite the master
 * keeps whole lists while the database is unchanged (src/master/jobs/job-list-cache.ts), so the 500-job
 * list is timed twice: repeated on an unchanged farm (answered from that cache), and each time after a
 * change (built afresh). The paged figures are all taken after a change. The change is a new tag through
 * the API: a write on the master's own connection, as the farm's writes are (a write by another
 * connection would also empty SQLite's page cache of the master's), that schedules nothing. It is not
 * timed, but its CPU is in the master's CPU figure of those requests.
 */
export async function listingScenario(ctx: BenchContext): Promise<void> {
  const admin = new ApiClient(ctx.url, ctx.tokens.admin);
  try {
    await insertJobs(ctx.db, ctx.jobtype.versionId, 500, 10);
    const list = () => admin.request('GET', '/api/v1/jobs/');
    const jobs = (await list()) as unknown[];
    if (jobs.length !== 500) throw new Error(`expected 500 jobs, listed ${jobs.length}`);
    let changes = 0;
    const change = () => admin.request('POST', '/api/v1/tags/', { tag: `bench-change-${++changes}` });
    const rounds = ctx.quick ? 50 : 200;

    const timeList = async (afterChange: boolean) => {
      for (let i = 0; i < 20; i++) await list();
      const times: number[] = [];
      const cpu = await cpuPerRequest(ctx, rounds, async () => {
        for (let i = 0; i < rounds; i++) {
          if (afterChange) await change();
          times.push(await timed(list));
        }
      });
      // The same requests timed to the response's last byte, without the client's JSON.parse (~0.45 ms
      // of 150 KB on this machine): the master's part of the figure.
      const lastByte: number[] = [];
      for (let i = 0; i < rounds; i++) {
        if (afterChange) await change();
        lastByte.push(await timed(() => admin.text('GET', '/api/v1/jobs/')));
      }
      const m = median(times);
      ctx.report({
        what: `GET /api/v1/jobs/ (500 jobs), ${afterChange ? 'each after a change' : 'farm unchanged'}`,
        value: `median ${ms(m)}, p95 ${ms(percentile(times, 95))} (to the last byte, unparsed: median ${ms(median(lastByte))}); ${cpu}`,
        target: '≤ 2 ms',
        met: m <= 2,
      });
    };
    await timeList(false);
    await timeList(true);

    const pages = async (total: number) => {
      const last = Math.ceil(total / 100);
      const parts: string[] = [];
      const medians: number[] = [];
      for (const page of [1, Math.ceil(last / 2), last]) {
        const path = `/api/v1/jobs/?page=${page}&per_page=100`;
        for (let i = 0; i < 5; i++) await admin.request('GET', path);
        const t: number[] = [];
        const rounds = ctx.quick ? 10 : 40;
        const cpu = await cpuPerRequest(ctx, rounds, async () => {
          for (let i = 0; i < rounds; i++) {
            await change();
            t.push(await timed(() => admin.request('GET', path)));
          }
        });
        medians.push(median(t));
        parts.push(
          `page ${page}: ${ms(median(t))} (${cpu.replace('master CPU ', 'CPU ').replace('/request', '')})`,
        );
      }
      return { text: parts.join(', '), worst: Math.max(...medians) };
    };
    const small = await pages(500);
    ctx.report({ what: 'paged GET /api/v1/jobs/?per_page=100 at 500 jobs', value: small.text });
    const large = ctx.quick ? 20_000 : 100_000;
    await insertJobs(ctx.db, ctx.jobtype.versionId, large - 500, 1);
    const big = await pages(large);
    ctx.report({
      what: `paged GET /api/v1/jobs/?per_page=100 at ${large.toLocaleString('en')} jobs`,
      value: big.text,
      target: 'flat (≤ 2× the 500-job pages)',
      met: big.worst <= 2 * small.worst,
    });
  } finally {
    await admin.close();
  }
}

/** POST /api/v1/jobs/ with 1,000 and 100,000 frames. */
export async function submissionScenario(ctx: BenchContext): Promise<void> {
  const admin = new ApiClient(ctx.url, ctx.tokens.admin);
  try {
    const submit = (frames: number) =>
      admin.request('POST', '/api/v1/jobs/', {
        title: `bench ${frames} ${randomUUID()}`,
        jobtype: ctx.jobtype.name,
        start: 1,
        end: frames,
      });
    for (let i = 0; i < 5; i++) await submit(1_000);
    const small: number[] = [];
    const rounds = ctx.quick ? 5 : 20;
    const cpu = await cpuPerRequest(ctx, rounds, async () => {
      for (let i = 0; i < rounds; i++) small.push(await timed(() => submit(1_000)));
    });
    ctx.report({
      what: 'POST /api/v1/jobs/ 1,000 frames',
      value: `median ${ms(median(small))}, p95 ${ms(percentile(small, 95))}; ${cpu}`,
      target: '≤ 30 ms',
      met: median(small) <= 30,
    });
    const big: number[] = [];
    const bigRounds = ctx.quick ? 1 : 3;
    const bigCpu = await cpuPerRequest(ctx, bigRounds, async () => {
      for (let i = 0; i < bigRounds; i++) big.push(await timed(() => submit(100_000)));
    });
    ctx.report({
      what: 'POST /api/v1/jobs/ 100,000 frames',
      value: `median ${(median(big) / 1000).toFixed(2)} s (runs ${big.map((t) => (t / 1000).toFixed(2)).join(', ')}); ${bigCpu}`,
      target: '≤ 2 s',
      met: median(big) <= 2000,
    });
  } finally {
    await admin.close();
  }
}

function registration(port: number, id = randomUUID()) {
  return {
    id,
    hostname: `bench-${id.slice(0, 8)}`,
    port,
    ram: 65536,
    free_ram: 60000,
    cpus: 32,
    cpu_name: 'EPYC',
    os_class: 'linux',
    os_fullname: 'Debian 12',
    version: '1.0.0',
    time_offset: 0,
    state: 'online',
    mac_addresses: ['aa:bb:cc:dd:ee:ff'],
    disks: [{ mountpoint: '/', size: 1_000_000_000, free: 500_000_000 }],
    current_assignments: {},
  };
}

/** POST /api/v1/agents/ (new agents), one client and 16 concurrent clients. */
export async function registrationScenario(ctx: BenchContext): Promise<void> {
  const count = ctx.quick ? 500 : 3000;
  const one = new ApiClient(ctx.url, ctx.tokens.agent);
  try {
    for (let i = 0; i < 50; i++) await one.request('POST', '/api/v1/agents/', registration(ctx.agentPort));
    let elapsed = 0;
    const cpu = await cpuPerRequest(ctx, count, async () => {
      elapsed = await timed(async () => {
        for (let i = 0; i < count; i++)
          await one.request('POST', '/api/v1/agents/', registration(ctx.agentPort));
      });
    });
    const rate = perSecond(count, elapsed);
    ctx.report({
      what: 'agent registrations, sequential',
      value: `${rate.toFixed(0)}/s (${count} in ${ms(elapsed)}); ${cpu}`,
      target: '≥ 2,500/s',
      met: rate >= 2500,
    });
  } finally {
    await one.close();
  }
  const clients = 16;
  const many = new ApiClient(ctx.url, ctx.tokens.agent, clients);
  try {
    const total = count * 2;
    let next = 0;
    const worker = async () => {
      while (next < total) {
        next += 1;
        await many.request('POST', '/api/v1/agents/', registration(ctx.agentPort));
      }
    };
    let elapsed = 0;
    const cpu = await cpuPerRequest(ctx, total, async () => {
      elapsed = await timed(() => Promise.all(Array.from({ length: clients }, worker)));
    });
    const rate = perSecond(total, elapsed);
    ctx.report({
      what: `agent registrations, ${clients} concurrent clients`,
      value: `${rate.toFixed(0)}/s (${total} in ${ms(elapsed)}); ${cpu}`,
      target: '≥ 8,000/s',
      met: rate >= 8000,
    });
  } finally {
    await many.close();
  }
}

/** The agent reports its tasks running then done: POST /api/v1/jobs/<job>/tasks/<task>. */
export async function taskUpdateScenario(ctx: BenchContext): Promise<void> {
  const admin = new ApiClient(ctx.url, ctx.tokens.admin);
  const agent = new ApiClient(ctx.url, ctx.tokens.agent);
  try {
    const agentId = randomUUID();
    await agent.request('POST', '/api/v1/agents/', registration(ctx.agentPort, agentId));
    const frames = ctx.quick ? 300 : 1500;
    const job = await admin.request<{ id: number }>('POST', '/api/v1/jobs/', {
      title: `bench updates ${randomUUID()}`,
      jobtype: ctx.jobtype.name,
      start: 1,
      end: frames,
    });
    const tasks = await listTasks(ctx.db, { jobId: job.id });
    // Assignment is the scheduler's; here it is set-up.
    await updateTasks(
      ctx.db,
      tasks.map((t) => t.id),
      { agentId },
    );
    const report = (taskId: number, state: string) =>
      agent.request('POST', `/api/v1/jobs/${job.id}/tasks/${taskId}`, { state });
    const warm = tasks.slice(0, 50);
    for (const task of warm) await report(task.id, 'running');
    const measured = tasks.slice(50);
    const updates = measured.length * 2;
    let elapsed = 0;
    const cpu = await cpuPerRequest(ctx, updates, async () => {
      elapsed = await timed(async () => {
        for (const task of measured) {
          await report(task.id, 'running');
          await report(task.id, 'done');
        }
      });
    });
    const rate = perSecond(updates, elapsed);
    ctx.report({
      what: 'task-state updates, sequential (running, done)',
      value: `${rate.toFixed(0)}/s (${updates} in ${ms(elapsed)}); ${cpu}`,
      target: '≥ 2,500/s',
      met: rate >= 2500,
    });
  } finally {
    await admin.close();
    await agent.close();
  }
}
