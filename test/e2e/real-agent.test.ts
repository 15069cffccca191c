/**
 * The journey with the real parts: the master's scheduler dispatches a FakeRender job submitted from the
 * browser to a real `drover agent` process, whose log the browser follows live while the frames render, and
 * the job page shows the job done — nothing simulated.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchBrowser, openPage, type WatchedPage } from './support/browser.js';
import { PASSWORD, startBrowserFarm, type BrowserFarm } from './support/farm.js';
import { startRealAgent, type RealAgent } from './support/real-agent.js';

const runnable =
  existsSync(join(process.cwd(), 'dist/web/index.html')) &&
  existsSync(join(process.cwd(), 'dist/cli/main.js')) &&
  existsSync(CHROMIUM);

describe.skipIf(!runnable)('web UI with a real agent (chromium)', { timeout: 90_000 }, () => {
  let farm: BrowserFarm;
  let agent: RealAgent;
  let browser: Browser;
  let w: WatchedPage;
  let page: Page;

  beforeAll(async () => {
    farm = await startBrowserFarm();
    agent = await startRealAgent(farm, 'render-real-01');
    browser = await launchBrowser();
    w = await openPage(browser);
    page = w.page;
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await farm?.close();
  });

  it('renders a submitted job on the agent while the browser follows its log', async () => {
    await page.goto(`${farm.url}/jobs/new`);
    await page.getByLabel('User name', { exact: true }).fill('admin');
    await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Submit a job' }).waitFor();
    await page.getByLabel('Title', { exact: true }).fill('real agent journey');
    await page.getByLabel('Job type', { exact: true }).selectOption('FakeRender');
    await page.getByLabel('End frame', { exact: true }).fill('3');
    await page.getByLabel('Job data (JSON)', { exact: true }).fill('{ "duration": 4 }');
    await page.getByRole('button', { name: 'Submit job' }).click();
    await page.getByRole('heading', { name: /real agent journey/ }).waitFor();
    await page
      .getByRole('table', { name: 'Tasks' })
      .getByText('Running')
      .first()
      .waitFor({ timeout: 15_000 });
    await w.screenshot('30-real-agent-running');
    // The running task (the one frame the agent works on), followed live through the master.
    const jobId = Number(/\/jobs\/(\d+)/.exec(page.url())![1]);
    const tasks = (await (await farm.api(`/api/v1/jobs/${jobId}/tasks/`)).json()) as {
      id: number;
      state: string;
    }[];
    const running = tasks.find((t) => t.state === 'running') ?? tasks.find((t) => t.state !== 'done')!;
    await page.goto(`${farm.url}/jobs/${jobId}/tasks/${running.id}/logs`);
    await page
      .getByText(/fakerender: frame \S+ (started|progress|done)/)
      .first()
      .waitFor({ timeout: 10_000 });
    await w.screenshot('31-real-agent-log');
    await page.getByRole('link', { name: 'real agent journey' }).click();
    await page.getByText('3/3').waitFor({ timeout: 30_000 });
    await page
      .getByRole('heading', { name: /real agent journey/ })
      .getByText('Done')
      .waitFor({ timeout: 10_000 });
    await w.screenshot('32-real-agent-done');
    expect(w.errors).toEqual([]);
  });
});
