/**
 * The web UI in a real browser (Debian's chromium through playwright-core) against a real master on
 * SQLite: log in → submit a FakeRender job from the form → watch its tasks run and finish without reloading
 * → follow a live log (first line in the browser within a second of being written) → rerun a failed task →
 * pause and resume → change a queue's weight → see statistics. Tasks are moved by a simulated render node
 * speaking the public REST API (support/simulated-agent.ts). Every page is screenshotted to
 * test-results/screens/, and no page may log a console error.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertAgentCount, insertTaskEventCount } from '../../src/db/statistics/statistics.repository.js';
import { CHROMIUM, launchBrowser, openPage, type WatchedPage } from './support/browser.js';
import { PASSWORD, startBrowserFarm, type BrowserFarm } from './support/farm.js';
import { SimulatedAgent } from './support/simulated-agent.js';

const built = existsSync(join(process.cwd(), 'dist/web/index.html'));
const runnable = built && existsSync(CHROMIUM);

describe.skipIf(!runnable)('web UI journey (chromium)', { timeout: 60_000 }, () => {
  let farm: BrowserFarm;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;
  let agent: SimulatedAgent;
  let jobId: number;
  let taskIds: number[];

  const api = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await farm.api(path, { method, body });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return (response.status === 204 ? null : await response.json()) as T;
  };
  const goto = async (path: string) => {
    await page.goto(`${farm.url}${path}`);
    await page.waitForSelector('main h1');
  };
  const shot = (name: string) => w.screenshot(name);

  beforeAll(async () => {
    farm = await startBrowserFarm({ config: { farm_name: 'Studio North' } });
    await api('POST', '/api/v1/jobtypes/', {
      name: 'FakeRender',
      code: 'export default class FakeRender {}',
      description:
        'FakeRender: runs drover fakerender for the frames.\nJob data: { "duration": 5, "return_code": 0 }',
    }).catch(() => undefined);
    await api('POST', '/api/v1/jobqueues/', { name: 'lighting', weight: 10 });
    await api('POST', '/api/v1/jobqueues/', { name: 'comp', weight: 10 });
    agent = new SimulatedAgent(farm, 'render-e2e-01');
    await agent.start();
    browser = await launchBrowser();
    w = await openPage(browser);
    page = w.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await farm?.close();
  });

  it('logs in', async () => {
    await page.goto(`${farm.url}/jobs`);
    await page.getByLabel('User name', { exact: true }).waitFor();
    await shot('01-login');
    await page.getByLabel('User name', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Jobs' }).waitFor();
    await page.getByText('No jobs yet').waitFor();
    expect(await page.getByRole('link', { name: 'Drover home' }).textContent()).toContain('Studio North');
    await shot('02-jobs-empty');
  });

  it('submits a FakeRender job from the form', async () => {
    await page.getByRole('link', { name: 'Submit a job' }).first().click();
    await page.getByRole('heading', { name: 'Submit a job' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('sq010_sh0040_lighting_v012');
    await page.getByLabel('Job type', { exact: true }).selectOption('FakeRender');
    await page.getByText(/FakeRender: runs/).waitFor();
    await page.getByLabel('Start frame', { exact: true }).fill('1');
    await page.getByLabel('End frame', { exact: true }).fill('4');
    await page.getByLabel('Job data (JSON)', { exact: true }).fill('{ "duration": 1 }');
    await page.getByLabel('Queue', { exact: true }).selectOption('/lighting');
    await page.getByLabel('Requeue', { exact: true }).fill('0');
    await shot('03-submit');
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: /sq010_sh0040_lighting_v012/ }).waitFor();
    jobId = Number(/\/jobs\/(\d+)/.exec(page.url())![1]);
    const tasks = await api<{ id: number; frame: number }[]>('GET', `/api/v1/jobs/${jobId}/tasks/`);
    taskIds = tasks.sort((a, b) => a.frame - b.frame).map((t) => t.id);
    expect(taskIds).toHaveLength(4);
    await page.getByRole('table', { name: 'Tasks' }).getByText('Queued').first().waitFor();
    await shot('04-job-queued');
  });

  it('shows tasks running and finishing as they happen, without reloading', async () => {
    const log = await agent.begin(jobId, taskIds[0]!);
    await page.getByRole('table', { name: 'Tasks' }).getByText('Running').waitFor({ timeout: 5000 });
    await agent.progress(jobId, taskIds[0]!, log, 0.5);
    await page.getByRole('table', { name: 'Tasks' }).getByText('50%').waitFor({ timeout: 5000 });
    await agent.finish(jobId, taskIds[0]!, log, 'done');
    await agent.run(jobId, taskIds[1]!, 'done');
    await agent.run(jobId, taskIds[2]!, 'failed');
    await page.getByText('2/4').waitFor({ timeout: 5000 });
    await page
      .getByRole('table', { name: 'Tasks' })
      .getByText('fakerender exited with code 1')
      .waitFor({ timeout: 5000 });
    await shot('05-job-progress');
    await goto('/jobs');
    await page.getByRole('link', { name: 'sq010_sh0040_lighting_v012' }).waitFor();
    await shot('06-jobs-list');
  });

  it('follows a live log: a new line shows within a second', async () => {
    const log = await agent.begin(jobId, taskIds[3]!);
    agent.write(log, 'Fra:4 Mem:22.10M | Time:00:00.01 | Syncing Cube');
    await goto(`/jobs/${jobId}/tasks/${taskIds[3]}/logs`);
    await page.getByText('Fra:4 Mem:22.10M').waitFor({ timeout: 5000 });
    await page.locator('.badge', { hasText: 'live' }).waitFor();
    const written = Date.now();
    agent.write(log, 'Fra:4 Saved: /renders/sq010/f_0004.png');
    await page.getByText('Saved: /renders/sq010/f_0004.png').waitFor({ timeout: 1000 });
    const latency = Date.now() - written;
    console.log(`live log: first new line in the browser after ${latency} ms`);
    expect(latency).toBeLessThan(1000);
    await page.getByLabel('Search the log', { exact: true }).fill('saved');
    await page.getByText('1 of 1').waitFor();
    await shot('07-live-log');
    await agent.progress(jobId, taskIds[3]!, log, 0.9);
    await agent.finish(jobId, taskIds[3]!, log, 'done');
    await page.locator('.badge', { hasText: 'finished' }).waitFor({ timeout: 5000 });
    // A finished log comes back from the master's store.
    await page.reload();
    await page.getByText('Saved: /renders/sq010/f_0004.png').waitFor({ timeout: 5000 });
    await page.locator('.badge', { hasText: 'complete' }).waitFor({ timeout: 5000 });
  });

  it('reruns the failed task', async () => {
    await goto(`/jobs/${jobId}`);
    const failedRow = page.getByRole('row', { name: /fakerender exited with code 1/ });
    await failedRow.getByRole('button', { name: /Rerun frame 3/ }).click();
    await page.getByText('Frame 3 queued again').waitFor();
    await expect
      .poll(
        async () => (await api<{ state: string }>('GET', `/api/v1/jobs/${jobId}/tasks/${taskIds[2]}`)).state,
      )
      .toBe('queued');
    await agent.run(jobId, taskIds[2]!, 'done');
    await page.getByText('4/4').waitFor({ timeout: 5000 });
    await page
      .getByRole('heading', { name: /sq010_sh0040_lighting_v012/ })
      .getByText('Done')
      .waitFor({ timeout: 5000 });
    await shot('08-job-done');
  });

  it('pauses and resumes a job', async () => {
    const second = await api<{ id: number }>('POST', '/api/v1/jobs/', {
      title: 'sq010_sh0050_comp_v003',
      jobtype: 'FakeRender',
      start: 1,
      end: 20,
      jobqueue: 'comp',
    });
    await goto(`/jobs/${second.id}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page
      .getByRole('heading', { name: /sq010_sh0050_comp_v003/ })
      .getByText('Paused')
      .waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await page
      .getByRole('heading', { name: /sq010_sh0050_comp_v003/ })
      .getByText('Queued')
      .waitFor();
    expect((await api<{ state: string }>('GET', `/api/v1/jobs/${second.id}`)).state).toBe('queued');
    // The scheduler explains why the job's tasks wait.
    await page.getByRole('button', { name: 'Why waiting?' }).click();
    const dialog = page.getByRole('dialog', { name: 'Why is this job waiting?' });
    await dialog
      .getByRole('table', { name: 'Reasons by agent' })
      .getByRole('link', { name: agent.hostname })
      .waitFor();
    await shot('09a-why-waiting');
    await dialog.getByRole('button', { name: 'Close' }).last().click();
  });

  it("changes a queue's weight", async () => {
    await goto('/queues');
    await page.getByRole('button', { name: 'Edit /lighting' }).click();
    await page.getByLabel('Weight', { exact: true }).fill('60');
    await page.getByRole('button', { name: 'Save' }).click();
    const row = page.getByRole('row', { name: /lighting \/lighting/ });
    await row.getByRole('cell', { name: '60', exact: true }).waitFor();
    expect((await api<{ weight: number }>('GET', '/api/v1/jobqueues/lighting')).weight).toBe(60);
    await page.getByRole('checkbox', { name: 'queued' }).check();
    await shot('09-queues');
  });

  it('shows statistics', async () => {
    const stats = farm.master.context.statistics;
    const now = Date.now();
    for (let i = 48; i >= 1; i--) {
      const t = now - i * 3_600_000;
      await insertAgentCount(stats, {
        countedTime: t,
        numOnline: 3 + (i % 4),
        numRunning: 8 + (i % 6),
        numOffline: i % 3,
        numDisabled: 1,
      });
      await insertTaskEventCount(stats, {
        timeStart: t,
        timeEnd: t,
        jobQueueId: null,
        numNew: 20 + (i % 7) * 5,
        numDeleted: i % 5,
        numRestarted: i % 3,
        numStarted: 18 + (i % 6),
        numFailed: i % 4,
        numDone: 15 + (i % 8) * 3,
      });
    }
    await goto('/statistics?days=7');
    await page.locator('.plot canvas').first().waitFor();
    expect(await page.locator('.plot canvas').count()).toBe(3);
    await shot('10-statistics');
  });

  it('shows every other page, including on a tablet and in dark mode', async () => {
    for (const [path, name] of [
      ['/agents', '11-agents'],
      [`/agents/${agent.id}`, '12-agent'],
      ['/jobgroups', '13-jobgroups'],
      ['/jobtypes', '14-jobtypes'],
      ['/jobtypes/FakeRender', '15-jobtype'],
      ['/software', '16-software'],
      ['/tags', '17-tags'],
      ['/pathmaps', '18-pathmaps'],
      ['/users', '19-users'],
      ['/users?tab=tokens', '20-tokens'],
      ['/nowhere', '21-not-found'],
    ] as const) {
      await goto(path);
      await page.waitForLoadState('networkidle');
      await shot(name);
    }
    const tablet = await openPage(browser, { width: 820, height: 1180 });
    const dark = await openPage(browser, { colorScheme: 'dark' });
    for (const [view, name] of [
      [tablet, '22-tablet-jobs'],
      [dark, '23-dark-job'],
    ] as const) {
      await view.context.addCookies(await w.context.cookies());
      await view.page.goto(`${farm.url}${name.endsWith('-job') ? `/jobs/${jobId}` : '/jobs'}`);
      await view.page.waitForSelector('main h1');
      await view.page.waitForLoadState('networkidle');
      await view.screenshot(name);
      expect(view.errors).toEqual([]);
    }
  });

  it('logged no console errors', () => {
    expect(w.errors).toEqual([]);
  });
});
