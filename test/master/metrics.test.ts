import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/clock.js';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { updateJob } from '../../src/db/jobs/job.repository.js';
import { createTasksForFrameRange, listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { makeAgent, makeJob } from '../support/fixtures.js';
import { createTestMaster, forEachDialectMaster, type TestMaster } from '../support/master.js';

/** `name{labels} value` lines of a Prometheus text exposition, as a map. */
function samples(text: string): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    map.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return map;
}

const clock = new ManualClock(Date.UTC(2026, 0, 1));

forEachDialectMaster(
  (_dialect, farm) => {
    it('counts jobs, tasks and agents by state at scrape time, at most every 15 s', async () => {
      const f = farm();
      const db = f.master.context.db;
      const job = await makeJob(db);
      await createTasksForFrameRange(db, job.id, { start: 1, end: 6 });
      const paused = await makeJob(db);
      await updateJob(db, paused.id, { state: WorkState.values.PAUSED });
      const agent = await makeAgent(db, { state: AgentState.values.RUNNING });
      await makeAgent(db, { state: AgentState.values.OFFLINE });
      const tasks = await listTasks(db, { jobId: job.id });
      await updateTask(db, tasks[0]!.id, { agentId: agent.id });
      await updateTask(db, tasks[1]!.id, { agentId: agent.id, state: WorkState.values.RUNNING });
      await updateTask(db, tasks[2]!.id, { agentId: agent.id, state: WorkState.values.DONE });
      await updateTask(db, tasks[3]!.id, { state: WorkState.values.FAILED });

      const res = await f.inject({ url: '/metrics', as: 'artist' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
      const m = samples(res.body);
      expect(m.get('drover_info{version="test"}')).toBe(1);
      const jobs = ['queued', 'paused', 'running', 'done', 'failed'].map((s) =>
        m.get(`drover_jobs{state="${s}"}`),
      );
      expect(jobs).toEqual([1, 1, 0, 0, 0]);
      const taskStates = ['queued', 'assigned', 'running', 'paused', 'done', 'failed'];
      expect(taskStates.map((s) => m.get(`drover_tasks{state="${s}"}`))).toEqual([2, 1, 1, 0, 1, 1]);
      const agentStates = ['disabled', 'offline', 'online', 'running'];
      expect(agentStates.map((s) => m.get(`drover_agents{state="${s}"}`))).toEqual([0, 1, 0, 1]);

      // Within the interval the counts are reused; after it they are taken again.
      await createTasksForFrameRange(db, job.id, { start: 7, end: 7 });
      const cached = samples((await f.inject({ url: '/metrics' })).body);
      expect(cached.get('drover_tasks{state="queued"}')).toBe(2);
      clock.advance(14_999);
      expect(samples((await f.inject({ url: '/metrics' })).body).get('drover_tasks{state="queued"}')).toBe(2);
      clock.advance(1);
      const fresh = samples((await f.inject({ url: '/metrics' })).body);
      expect(fresh.get('drover_tasks{state="queued"}')).toBe(3);
    });

    it('counts requests and their latency by route template and status', async () => {
      const f = farm();
      await f.inject({ url: '/api/v1/users/admin-user', as: 'artist' });
      await f.inject({ url: '/api/v1/users/artist-user', as: 'artist' });
      await f.inject({ url: '/api/v1/users/nobody', as: 'artist' });
      await f.inject({ url: '/api/v1/no/such/route/12345' });
      const m = samples((await f.inject({ url: '/metrics' })).body);
      const route = 'route="/api/v1/users/:user"';
      expect(m.get(`drover_http_requests_total{method="GET",${route},status="200"}`)).toBe(2);
      expect(m.get(`drover_http_requests_total{method="GET",${route},status="404"}`)).toBe(1);
      expect(m.get(`drover_http_request_duration_seconds_count{method="GET",${route},status="200"}`)).toBe(2);
      expect(
        m.get(`drover_http_request_duration_seconds_bucket{le="+Inf",method="GET",${route},status="200"}`),
      ).toBe(2);
      expect(m.get('drover_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
      expect([...m.keys()].some((key) => key.includes('12345') || key.includes('admin-user'))).toBe(false);
    });
  },
  { clock },
);

describe('metrics access', () => {
  const databases: TestDatabase[] = [];
  const masters: TestMaster[] = [];
  const master = async (config: Record<string, unknown>) => {
    const database = await createTestDatabase('sqlite');
    databases.push(database);
    const created = await createTestMaster(database, { config });
    masters.push(created);
    return created;
  };
  afterAll(async () => {
    for (const m of masters) await m.close();
    for (const d of databases) await d.destroy();
  });

  it('needs a token by default, even with public_read', async () => {
    for (const publicRead of [false, true]) {
      const f = await master({ public_read: publicRead });
      const anonymous = await f.inject({ url: '/metrics', as: 'anonymous' });
      expect(anonymous.statusCode).toBe(401);
      for (const role of ['admin', 'wrangler', 'artist', 'agent'] as const) {
        expect((await f.inject({ url: '/metrics', as: role })).statusCode).toBe(200);
      }
    }
  });

  it('is open to local clients only with metrics_access: loopback', async () => {
    const f = await master({ metrics_access: 'loopback' });
    const local = await f.inject({ url: '/metrics', as: 'anonymous' });
    expect(local.statusCode).toBe(200);
    const remote = await f.inject({ url: '/metrics', as: 'anonymous', remoteAddress: '10.0.0.9' });
    expect(remote.statusCode).toBe(401);
    const proxied = await f.inject({
      url: '/metrics',
      as: 'anonymous',
      headers: { 'x-forwarded-for': '1.2.3.4' },
    });
    expect(proxied.statusCode).toBe(401);
    const remoteWithToken = await f.inject({ url: '/metrics', as: 'artist', remoteAddress: '10.0.0.9' });
    expect(remoteWithToken.statusCode).toBe(200);
  });

  it('is open to anyone with metrics_access: public', async () => {
    const f = await master({ metrics_access: 'public' });
    expect((await f.inject({ url: '/metrics', as: 'anonymous', remoteAddress: '10.0.0.9' })).statusCode).toBe(
      200,
    );
  });

  it('refuses an unknown metrics_access', async () => {
    await expect(master({ metrics_access: 'everyone' })).rejects.toThrow(/metrics_access/);
  });
});
