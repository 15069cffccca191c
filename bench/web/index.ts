/**
 * The web UI benchmark of issue 7, on a real master in its own process (bench/api/server.ts) over SQLite on
 * loopback, with 100,000 jobs (200,000 tasks) written in bulk:
 * - server time of the requests the jobs page makes (one page with task counts, sorted and filtered
 *   variants, the five state counts) — target ≤ 100 ms a page;
 * - first meaningful paint of the jobs page in chromium: navigation start → the first rows of jobs shown
 *   (target ≤ 1 s), cold (new browser context) and warm;
 * - live log: a line written by a render node → shown in the browser (target ≤ 1 s).
 *
 *   npm run bench -- web [--jobs N]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/db/connection/open-database.js';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../../test/e2e/support/browser.js';
import type { BrowserFarm } from '../../test/e2e/support/farm.js';
import { SimulatedAgent } from '../../test/e2e/support/simulated-agent.js';
import { createBenchJobType, insertJobs } from '../api/seed.js';
import { percentile } from '../support/process-figures.js';

const args = process.argv.slice(2);
const JOBS = args.includes('--jobs') ? Number(args[args.indexOf('--jobs') + 1]) : 100_000;
const root = new URL('../../', import.meta.url).pathname;
const PASSWORD = 'benchmark password';

const ms = (n: number) => `${n.toFixed(1)} ms`;

function report(what: string, values: readonly number[], target?: number): void {
  const p50 = percentile(values, 50);
  const p95 = percentile(values, 95);
  const verdict = target === undefined ? '' : p95 <= target ? '  ok' : '  MISSED';
  console.log(
    `${what}: p50 ${ms(p50)}, p95 ${ms(p95)}, max ${ms(Math.max(...values))}${target ? `  [target ${target} ms]` : ''}${verdict}`,
  );
}

async function startServer(
  database: string,
  dir: string,
): Promise<{ child: ChildProcess; url: string; adminToken: string }> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench/api/server.ts'), JSON.stringify({ database, dir })],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const line = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the master exited with ${code}`)));
  });
  const { url, tokens } = JSON.parse(line) as { url: string; tokens: { admin: string } };
  return { child, url, adminToken: tokens.admin };
}

const dir = mkdtempSync(join(tmpdir(), 'drover-bench-web-'));
const database = `sqlite:///${join(dir, 'bench.sqlite')}`;
let server: ChildProcess | undefined;
try {
  const started = await startServer(database, dir);
  server = started.child;
  const { url, adminToken } = started;
  const headers = { authorization: `Bearer ${adminToken}` };
  const handle = await openDatabase({ url: database, poolSize: 1 });
  const seedStart = performance.now();
  const jobtype = await createBenchJobType(handle.db);
  const total = await insertJobs(handle.db, jobtype.versionId, JOBS, 2);
  await handle.close();
  console.log(
    `seeded ${total.toLocaleString()} jobs (${(2 * total).toLocaleString()} tasks) in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`,
  );

  // --- server time of the jobs page's requests
  const time = async (path: string, runs = 20): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < runs + 2; i++) {
      const t0 = performance.now();
      const response = await fetch(`${url}${path}`, { headers });
      await response.arrayBuffer();
      if (!response.ok) throw new Error(`${path}: ${response.status}`);
      if (i >= 2) out.push(performance.now() - t0);
    }
    return out;
  };
  const page = '/api/v1/jobs/?page=1&per_page=100&hidden=false&task_counts=true';
  report(
    'jobs page 1 (100 rows, newest first, task counts)',
    await time(`${page}&order_by=time_submitted&order_dir=desc`),
    100,
  );
  report(
    'jobs page 500 (offset 49,900)',
    await time(
      `/api/v1/jobs/?page=500&per_page=100&hidden=false&task_counts=true&order_by=time_submitted&order_dir=desc`,
    ),
    100,
  );
  report('jobs page 1 sorted by title', await time(`${page}&order_by=title&order_dir=asc`), 100);
  report(
    'jobs page 1 filtered by title',
    await time(`${page}&title=seeded%2099999&order_by=time_submitted&order_dir=desc`),
    100,
  );
  report(
    'one state count (per_page=1, state=queued)',
    await time('/api/v1/jobs/?page=1&per_page=1&hidden=false&state=queued'),
    100,
  );

  // --- first meaningful paint in chromium
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const login = await context.request.post(`${url}/api/v1/login`, {
      data: { username: `bench-admin-${server.pid}`, password: PASSWORD },
    });
    if (!login.ok()) throw new Error(`login: ${login.status()} ${await login.text()}`);
    const cookies = await context.cookies();
    const paints: number[] = [];
    const warm: number[] = [];
    const listTimes: number[] = [];
    // Each load starts on an idle master: the previous load's state counts (asked for after its rows
    // arrived) are finished first, as they would be for a person looking at the page.
    const settle = async (tab: Page) => {
      await tab.waitForLoadState('networkidle');
      await tab.waitForTimeout(300);
    };
    // The moment the first rows are in the DOM, recorded inside the page (a MutationObserver installed
    // before any script runs), so the figure does not include the test driver's polling and round trips.
    const marker = `new MutationObserver((_, observer) => {
      if (document.querySelector('table[aria-label="Jobs"] tbody tr a.cell-title')) {
        window.__firstRows = performance.now();
        observer.disconnect();
      }
    }).observe(document, { childList: true, subtree: true });`;
    const firstRows = (tab: Page) => tab.evaluate('window.__firstRows') as Promise<number>;
    for (let i = 0; i < 6; i++) {
      const fresh = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      await fresh.addCookies(cookies);
      await fresh.addInitScript(marker);
      const tab = await fresh.newPage();
      await tab.goto(`${url}/jobs`);
      await tab.waitForSelector('table[aria-label="Jobs"] tbody tr a.cell-title');
      paints.push(await firstRows(tab));
      await settle(tab);
      await tab.reload();
      await tab.waitForSelector('table[aria-label="Jobs"] tbody tr a.cell-title');
      warm.push(await firstRows(tab));
      listTimes.push(
        (await tab.evaluate(`(() => {
          const entry = performance.getEntriesByType('resource').find((e) => e.name.includes('/api/v1/jobs/?') && e.name.includes('task_counts'));
          return entry ? entry.responseEnd - entry.requestStart : -1;
        })()`)) as number,
      );
      await settle(tab);
      await fresh.close();
    }
    report(`jobs page first rows in chromium, cold (${JOBS.toLocaleString()} jobs)`, paints.slice(1), 1000);
    report('jobs page first rows in chromium, cached assets', warm, 1000);
    report('  of which the page of jobs (request → response, seen by the browser)', listTimes);

    // --- live log latency
    const farm = {
      url,
      adminToken,
      api: (path: string, init: { method?: string; body?: unknown } = {}) =>
        fetch(`${url}${path}`, {
          method: init.method ?? 'GET',
          headers: { ...headers, ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
          body: init.body === undefined ? undefined : JSON.stringify(init.body),
        }),
    } as unknown as BrowserFarm;
    const agent = new SimulatedAgent(farm, 'bench-render-01');
    await agent.start();
    try {
      const job = (await (
        await farm.api('/api/v1/jobs/', {
          method: 'POST',
          body: { title: 'live log bench', jobtype: jobtype.name, start: 1, end: 1 },
        })
      ).json()) as { id: number };
      const [task] = (await (await farm.api(`/api/v1/jobs/${job.id}/tasks/`)).json()) as { id: number }[];
      const log = await agent.begin(job.id, task!.id);
      const tab = await context.newPage();
      await tab.goto(`${url}/jobs/${job.id}/tasks/${task!.id}/logs`);
      await tab.locator('.badge', { hasText: 'live' }).waitFor();
      const latencies: number[] = [];
      for (let i = 1; i <= 20; i++) {
        const text = `bench line ${i} ${Date.now()}`;
        const t0 = performance.now();
        agent.write(log, text);
        await tab.getByText(text).waitFor({ timeout: 5000 });
        latencies.push(performance.now() - t0);
      }
      report('live log: line written → shown in the browser', latencies, 1000);
    } finally {
      await agent.stop();
    }
  } finally {
    await browser.close();
  }
} finally {
  server?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 300));
  rmSync(dir, { recursive: true, force: true });
}
