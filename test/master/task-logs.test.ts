import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { UseAgentAddress } from '../../src/core/enums.js';
import type { Agent } from '../../src/db/agents/agent.repository.js';
import type { Job } from '../../src/db/jobs/job.repository.js';
import { listTaskLogsOfTask } from '../../src/db/tasklogs/task-log.repository.js';
import { listTasks, updateTask, type Task } from '../../src/db/tasks/task.repository.js';
import { createTasksForFrameRange } from '../../src/db/tasks/task.repository.js';
import { findTokenByHash } from '../../src/db/users/token.repository.js';
import { hashSecret } from '../../src/master/auth/token-secret.js';
import { makeAgent, makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const CSV = '2026-01-01T00:00:00.000Z,None,internal,1,starting\n2026-01-01T00:00:01.000Z,42,0,2,Fra:1\n';

interface Scene {
  job: Job;
  tasks: Task[];
  otherJob: Job;
  otherTask: Task;
  /** Registered by the test agent token; tasks[0..2] are assigned to it. */
  ownAgent: Agent;
  /** Registered by another token; tasks[3] is assigned to it. */
  foreignAgent: Agent;
}

async function buildScene(farm: TestMaster): Promise<Scene> {
  const db = farm.master.context.db;
  const agentToken = await findTokenByHash(db, hashSecret(farm.tokens.agent));
  const ownAgent = await makeAgent(db, { tokenId: agentToken!.id, remoteIp: '10.1.2.3' });
  const foreignAgent = await makeAgent(db, { useAddress: UseAgentAddress.values.PASSIVE });
  const job = await makeJob(db);
  await createTasksForFrameRange(db, job.id, { start: 1, end: 5 });
  const otherJob = await makeJob(db);
  await createTasksForFrameRange(db, otherJob.id, { start: 1, end: 1 });
  const tasks = await listTasks(db, { jobId: job.id });
  for (const task of tasks.slice(0, 3)) await updateTask(db, task.id, { agentId: ownAgent.id });
  await updateTask(db, tasks[3]!.id, { agentId: foreignAgent.id });
  const [otherTask] = await listTasks(db, { jobId: otherJob.id });
  return {
    job,
    tasks: await listTasks(db, { jobId: job.id }),
    otherJob,
    otherTask: otherTask!,
    ownAgent,
    foreignAgent,
  };
}

function logsUrl(job: number | string, task: number, attempt: number, rest = ''): string {
  return `/api/v1/jobs/${encodeURIComponent(String(job))}/tasks/${task}/attempts/${attempt}/logs/${rest}`;
}

forEachDialectMaster((_dialect, farm) => {
  let s: Scene;
  beforeAll(async () => {
    s = await buildScene(farm());
  });

  describe('registering logs', () => {
    it('registers a log for an attempt, once, and lists it', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const identifier = `${unique('log')}.csv`;
      const created = await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, task.id, 1),
        payload: { identifier, agent_id: s.ownAgent.id },
        as: 'wrangler',
      });
      expect(created.statusCode).toBe(201);
      const body = created.json();
      expect(body).toEqual({
        id: expect.any(Number),
        identifier,
        agent_id: s.ownAgent.id,
        created_on: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });

      const again = await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, task.id, 1),
        payload: { identifier, agent_id: s.ownAgent.id },
        as: 'wrangler',
      });
      expect(again.statusCode).toBe(409);
      expect(again.json().error).toContain(identifier);

      // The same log for another attempt and for another task of a batch: the same log row.
      for (const [t, attempt] of [
        [task, 2],
        [s.tasks[1]!, 1],
      ] as const) {
        const linked = await f.inject({
          method: 'POST',
          url: logsUrl(s.job.id, t.id, attempt),
          payload: { identifier },
          as: 'wrangler',
        });
        expect(linked.statusCode).toBe(201);
        expect(linked.json().id).toBe(body.id);
      }

      const listed = await f.inject({ url: logsUrl(s.job.id, task.id, 1), as: 'artist' });
      expect(listed.statusCode).toBe(200);
      expect(listed.json()).toEqual([{ identifier, agent_id: s.ownAgent.id, created_on: body.created_on }]);
      const single = await f.inject({ url: logsUrl(s.job.id, task.id, 1, identifier), as: 'artist' });
      expect(single.statusCode).toBe(200);
      expect(single.json()).toEqual(body);
      // The job may be named by its title.
      const byTitle = await f.inject({ url: logsUrl(s.job.title, task.id, 1, identifier) });
      expect(byTitle.json()).toEqual(body);
      // Without the trailing slash too.
      const bare = await f.inject({ url: logsUrl(s.job.id, task.id, 1).replace(/\/$/, '') });
      expect(bare.statusCode).toBe(200);
    });

    it('answers 404 for unknown tasks, tasks of another job, and logs not linked to the attempt', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const identifier = `${unique('log')}.csv`;
      const ok = await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, task.id, 0),
        payload: { identifier },
      });
      expect(ok.statusCode).toBe(201);
      const cases = [
        logsUrl(s.job.id, 999_999_999, 0),
        logsUrl(s.otherJob.id, task.id, 0),
        logsUrl('no such title', task.id, 0),
        logsUrl(999_999_999, task.id, 0),
      ];
      for (const url of cases) {
        expect((await f.inject({ url })).statusCode, url).toBe(404);
        const post = await f.inject({ method: 'POST', url, payload: { identifier: `${unique('x')}.csv` } });
        expect(post.statusCode, url).toBe(404);
      }
      expect((await f.inject({ url: logsUrl(s.job.id, task.id, 0, 'unknown.csv') })).statusCode).toBe(404);
      expect((await f.inject({ url: logsUrl(s.job.id, task.id, 7, identifier) })).statusCode).toBe(404);
      expect((await f.inject({ url: logsUrl(s.job.id, s.tasks[4]!.id, 0, identifier) })).statusCode).toBe(
        404,
      );
      expect(
        (await f.inject({ url: logsUrl(s.job.id, task.id, 0, `${identifier}/logfile`) })).statusCode,
      ).toBe(404);
    });

    it('rejects bad bodies and identifiers that would leave the log directory, writing nothing', async () => {
      const f = farm();
      const task = s.tasks[2]!;
      const url = logsUrl(s.job.id, task.id, 0);
      const bad: [unknown, number, RegExp][] = [
        [{ identifier: '../escape.csv' }, 400, /identifier.*"\/"/],
        [{ identifier: '..' }, 400, /identifier/],
        [{ identifier: 'a\u0000b' }, 400, /control/],
        [{ identifier: 'x.csv.gz' }, 400, /\.gz/],
        [{ identifier: 'x'.repeat(256) }, 400, /identifier/],
        [{ identifier: 'a.csv', extra: 1 }, 400, /unknown key "extra"/],
        [{ identifier: 5 }, 400, /identifier/],
        [{ agent_id: s.ownAgent.id }, 400, /missing required key "identifier"/],
        [{ identifier: 'a.csv', agent_id: 'not-a-uuid' }, 400, /agent_id/],
        [{ identifier: 'a.csv', agent_id: '00000000-0000-4000-8000-000000000000' }, 404, /agent/],
        [[], 400, /body/],
      ];
      for (const [payload, status, message] of bad) {
        const res = await f.inject({ method: 'POST', url, payload: payload as object });
        expect(res.statusCode, JSON.stringify(payload)).toBe(status);
        expect(res.json().error).toMatch(message);
      }
      const notJson = await f.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'text/plain' },
        payload: 'identifier=a.csv',
      });
      expect(notJson.statusCode).toBe(415);
      // (`%2E%2E` alone is resolved by URL parsing before routing, like `..`.)
      for (const segment of ['..%2F..%2Fetc%2Fpasswd', '%2E%2E%2Fx', 'a%5Cb', 'a%00b', '.hidden', 'a..b']) {
        const res = await f.inject({ url: logsUrl(s.job.id, task.id, 0, segment) });
        expect(res.statusCode, segment).toBe(400);
        const put = await f.inject({
          method: 'PUT',
          url: logsUrl(s.job.id, task.id, 0, `${segment}/logfile`),
          headers: { 'content-type': 'text/csv' },
          payload: CSV,
        });
        expect(put.statusCode, segment).toBe(400);
      }
      expect(await listTaskLogsOfTask(f.master.context.db, task.id)).toEqual([]);
    });
  });

  describe('updating logs', () => {
    it('records the attempt’s state and changes the agent, but never the identifier or creation time', async () => {
      const f = farm();
      const task = s.tasks[1]!;
      const identifier = `${unique('log')}.csv`;
      await f.inject({ method: 'POST', url: logsUrl(s.job.id, task.id, 3), payload: { identifier } });
      const url = logsUrl(s.job.id, task.id, 3, identifier);
      const done = await f.inject({ method: 'POST', url, payload: { state: 'done' }, as: 'wrangler' });
      expect(done.statusCode).toBe(200);
      expect(done.json()).toMatchObject({ identifier, agent_id: null });
      const links = await listTaskLogsOfTask(f.master.context.db, task.id, 3);
      expect(links.map((l) => l.state)).toEqual([106]);
      const agent = await f.inject({ method: 'POST', url, payload: { agent_id: s.foreignAgent.id } });
      expect(agent.json().agent_id).toBe(s.foreignAgent.id);
      const queued = await f.inject({ method: 'POST', url, payload: { state: 'queued' } });
      expect(queued.statusCode).toBe(200);
      expect((await listTaskLogsOfTask(f.master.context.db, task.id, 3))[0]!.state).toBeNull();

      for (const [payload, message] of [
        [{ identifier: 'other.csv' }, /identifier: cannot be changed/],
        [{ created_on: '2020-01-01T00:00:00Z' }, /created_on: cannot be changed/],
        [{ state: 'exploded' }, /state/],
        [{ state: 'done', colour: 'red' }, /unknown key "colour"/],
        [{ agent_id: 12 }, /agent_id/],
      ] as const) {
        const res = await f.inject({ method: 'POST', url, payload });
        expect(res.statusCode, JSON.stringify(payload)).toBe(400);
        expect(res.json().error).toMatch(message);
      }
      const missing = await f.inject({
        method: 'POST',
        url,
        payload: { agent_id: '00000000-0000-4000-8000-000000000000' },
      });
      expect(missing.statusCode).toBe(404);
      expect(
        (await f.inject({ method: 'POST', url: logsUrl(s.job.id, task.id, 4, identifier), payload: {} }))
          .statusCode,
      ).toBe(404);
    });
  });

  describe('log files', () => {
    it('stores uploads gzipped under tasklogs_dir and serves them as CSV', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const identifier = `${unique('log')}.csv`;
      await f.inject({ method: 'POST', url: logsUrl(s.job.id, task.id, 5), payload: { identifier } });
      const url = logsUrl(s.job.id, task.id, 5, `${identifier}/logfile`);
      const put = await f.inject({
        method: 'PUT',
        url,
        headers: { 'content-type': 'text/csv' },
        payload: CSV,
      });
      expect(put.statusCode).toBe(201);
      const dir = f.config.tasklogs_dir;
      expect(readdirSync(dir)).toContain(`${identifier}.gz`);
      expect(readdirSync(dir)).not.toContain(identifier);
      expect(gunzipSync(readFileSync(join(dir, `${identifier}.gz`))).toString()).toBe(CSV);

      const get = await f.inject({ url, as: 'artist' });
      expect(get.statusCode).toBe(200);
      expect(get.headers['content-type']).toMatch(/^text\/csv/);
      expect(get.headers['content-encoding']).toBeUndefined();
      expect(get.body).toBe(CSV);
      const gzipped = await f.inject({ url, headers: { 'accept-encoding': 'br, gzip' } });
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzipped.rawPayload).toString()).toBe(CSV);
      const refused = await f.inject({ url, headers: { 'accept-encoding': 'gzip;q=0' } });
      expect(refused.body).toBe(CSV);

      // A second upload replaces the first; a plain file (as PyFarm left them) is served first.
      await f.inject({
        method: 'PUT',
        url,
        headers: { 'content-type': 'text/csv; charset=utf-8' },
        payload: 'v2\n',
      });
      expect((await f.inject({ url })).body).toBe('v2\n');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, identifier), 'plain\n');
      expect((await f.inject({ url })).body).toBe('plain\n');

      // The log is reachable only through an attempt it is linked to.
      const other = logsUrl(s.job.id, task.id, 6, `${identifier}/logfile`);
      expect((await f.inject({ url: other })).statusCode).toBe(404);
      expect(
        (await f.inject({ method: 'PUT', url: other, headers: { 'content-type': 'text/csv' }, payload: CSV }))
          .statusCode,
      ).toBe(404);
    });

    it('accepts only CSV bodies', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const identifier = `${unique('log')}.csv`;
      await f.inject({ method: 'POST', url: logsUrl(s.job.id, task.id, 8), payload: { identifier } });
      const url = logsUrl(s.job.id, task.id, 8, `${identifier}/logfile`);
      const json = await f.inject({ method: 'PUT', url, payload: { rows: [] } });
      expect(json.statusCode).toBe(415);
      const zip = await f.inject({
        method: 'PUT',
        url,
        headers: { 'content-type': 'application/zip' },
        payload: Buffer.from('PK'),
      });
      expect(zip.statusCode).toBe(415);
      expect((await f.inject({ method: 'PUT', url })).statusCode).toBe(415);
      expect((await f.inject({ method: 'PUT', url, payload: 'a,b\n' })).statusCode).toBe(415);
      expect((await f.inject({ url })).statusCode).toBe(404);
      // An empty CSV is a log without lines.
      const empty = await f.inject({ method: 'PUT', url, headers: { 'content-type': 'text/csv' } });
      expect(empty.statusCode).toBe(201);
      const got = await f.inject({ url });
      expect(got.statusCode).toBe(200);
      expect(got.body).toBe('');
    });

    it('redirects to the agent while the log was never uploaded, else answers 404', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const withAgent = `${unique('log')}.csv`;
      const passive = `${unique('log')}.csv`;
      const none = `${unique('log')}.csv`;
      for (const [identifier, agent_id] of [
        [withAgent, s.ownAgent.id],
        [passive, s.foreignAgent.id],
        [none, null],
      ] as const) {
        const res = await f.inject({
          method: 'POST',
          url: logsUrl(s.job.id, task.id, 9),
          payload: { identifier, agent_id },
        });
        expect(res.statusCode).toBe(201);
      }
      const redirect = await f.inject({ url: logsUrl(s.job.id, task.id, 9, `${withAgent}/logfile`) });
      expect(redirect.statusCode).toBe(307);
      expect(redirect.headers.location).toBe(`http://10.1.2.3:50000/api/v1/task_logs/${withAgent}`);
      const unreachable = await f.inject({ url: logsUrl(s.job.id, task.id, 9, `${passive}/logfile`) });
      expect(unreachable.statusCode).toBe(404);
      expect(unreachable.json().error).toMatch(/unreachable/);
      const nowhere = await f.inject({ url: logsUrl(s.job.id, task.id, 9, `${none}/logfile`) });
      expect(nowhere.statusCode).toBe(404);
      expect(nowhere.json().error).toMatch(/never uploaded/);
    });
  });

  describe('access', () => {
    it('lets readers read, and only wranglers, admins and agents write', async () => {
      const f = farm();
      const task = s.tasks[0]!;
      const url = logsUrl(s.job.id, task.id, 10);
      expect((await f.inject({ url, as: 'anonymous' })).statusCode).toBe(401);
      const anonymous = await f.inject({
        method: 'POST',
        url,
        payload: { identifier: 'a.csv' },
        as: 'anonymous',
      });
      expect(anonymous.statusCode).toBe(401);
      const artist = await f.inject({ method: 'POST', url, payload: { identifier: 'a.csv' }, as: 'artist' });
      expect(artist.statusCode).toBe(403);
      const admin = await f.inject({ method: 'POST', url, payload: { identifier: `${unique('a')}.csv` } });
      expect(admin.statusCode).toBe(201);
    });

    it('lets an agent token speak only for the agents it registered', async () => {
      const f = farm();
      const own = s.tasks[2]!;
      const foreign = s.tasks[3]!;
      const identifier = `${unique('agentlog')}.csv`;
      // Its own task: the log's agent defaults to the task's agent.
      const created = await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, own.id, 1),
        payload: { identifier },
        as: 'agent',
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().agent_id).toBe(s.ownAgent.id);
      const denied: [string, object][] = [
        [logsUrl(s.job.id, foreign.id, 1), { identifier: `${unique('x')}.csv` }],
        [logsUrl(s.job.id, own.id, 2), { identifier: `${unique('x')}.csv`, agent_id: s.foreignAgent.id }],
        [logsUrl(s.job.id, s.tasks[4]!.id, 1), { identifier: `${unique('x')}.csv` }],
      ];
      for (const [url, payload] of denied) {
        const res = await f.inject({ method: 'POST', url, payload, as: 'agent' });
        expect(res.statusCode, url).toBe(403);
      }
      // It may report on and upload its log even after the task left its agent (a failure requeues it).
      await updateTask(f.master.context.db, own.id, { agentId: null });
      const url = logsUrl(s.job.id, own.id, 1, identifier);
      expect(
        (await f.inject({ method: 'POST', url, payload: { state: 'failed' }, as: 'agent' })).statusCode,
      ).toBe(200);
      const put = await f.inject({
        method: 'PUT',
        url: `${url}/logfile`,
        headers: { 'content-type': 'text/csv' },
        payload: CSV,
        as: 'agent',
      });
      expect(put.statusCode).toBe(201);
      await updateTask(f.master.context.db, own.id, { agentId: s.ownAgent.id });

      // Not a log of another agent's task.
      const foreignLog = `${unique('foreign')}.csv`;
      await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, foreign.id, 1),
        payload: { identifier: foreignLog, agent_id: s.foreignAgent.id },
      });
      const foreignUrl = logsUrl(s.job.id, foreign.id, 1, foreignLog);
      expect(
        (await f.inject({ method: 'POST', url: foreignUrl, payload: { state: 'done' }, as: 'agent' }))
          .statusCode,
      ).toBe(403);
      const foreignPut = await f.inject({
        method: 'PUT',
        url: `${foreignUrl}/logfile`,
        headers: { 'content-type': 'text/csv' },
        payload: CSV,
        as: 'agent',
      });
      expect(foreignPut.statusCode).toBe(403);
      // Nor link another agent's log to its own task.
      const hijack = await f.inject({
        method: 'POST',
        url: logsUrl(s.job.id, own.id, 4),
        payload: { identifier: foreignLog },
        as: 'agent',
      });
      expect(hijack.statusCode).toBe(403);
    });
  });
});
