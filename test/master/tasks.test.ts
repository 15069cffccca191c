import { describe, expect, it } from 'vitest';
import { compileCheck, TaskReportSchema, type TaskReport } from '../../src/api/agent-protocol/index.js';
import { WorkState } from '../../src/core/enums.js';
import { getJob } from '../../src/db/jobs/job.repository.js';
import { listAgentsTaskFailedOn } from '../../src/db/tasks/failed-task.repository.js';
import { getTask, listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import type { FarmEvent } from '../../src/master/events/farm-events.js';
import { unique } from '../support/fixtures.js';
import { json, makeAgent, makeJobType, makeQueue } from '../support/job-farm.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const { RUNNING, DONE, FAILED } = WorkState.values;
type Role = 'admin' | 'wrangler' | 'artist' | 'agent';

interface TaskDict {
  id: number;
  state: string;
  agent_id: string | null;
  progress: number;
  [key: string]: unknown;
}

forEachDialectMaster((_dialect, farm) => {
  async function jobWithTasks(f: TestMaster, body: Record<string, unknown> = {}, as: Role = 'admin') {
    const jobtype = await makeJobType(f, { noAutomaticStartTime: body.noStart === true });
    delete body.noStart;
    const res = await f.inject({
      method: 'POST',
      url: '/api/v1/jobs/',
      as,
      payload: { title: unique('tasks'), jobtype, start: 1, end: 2, ...body },
    });
    const job = json<{ id: number; title: string }>(res, 201);
    const tasks = await listTasks(f.master.context.db, { jobId: job.id });
    return { job, tasks };
  }

  function report(
    f: TestMaster,
    jobKey: number | string,
    taskId: number,
    payload: unknown,
    as: Role = 'agent',
  ) {
    return f.inject({
      method: 'POST',
      url: `/api/v1/jobs/${jobKey}/tasks/${taskId}`,
      payload: payload as Record<string, unknown>,
      as,
    });
  }

  describe('GET /jobs/<x>/tasks/', () => {
    it('lists the tasks by frame with their states, all or paged', async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f, { start: 1, end: 5 });
      await updateTask(f.master.context.db, tasks[1]!.id, { agentId: agent.id });
      await updateTask(f.master.context.db, tasks[2]!.id, { state: DONE });
      const all = json<TaskDict[]>(await f.inject({ url: `/api/v1/jobs/${job.id}/tasks/` }), 200);
      expect(all.map((t) => [t.frame, t.state])).toEqual([
        [1, 'queued'],
        [2, 'assigned'],
        [3, 'done'],
        [4, 'queued'],
        [5, 'queued'],
      ]);
      expect(all[0]).toEqual({
        id: tasks[0]!.id,
        job_id: job.id,
        state: 'queued',
        priority: 0,
        frame: 1,
        tile: null,
        agent_id: null,
        attempts: 0,
        failures: 0,
        progress: 0,
        last_error: null,
        sent_to_agent: false,
        hidden: false,
        time_submitted: expect.any(String),
        time_started: null,
        time_finished: null,
      });
      const page = await f.inject({ url: `/api/v1/jobs/${job.title}/tasks?page=2&per_page=2` });
      expect(json<TaskDict[]>(page, 200).map((t) => t.frame)).toEqual([3, 4]);
      expect(page.headers['x-total-count']).toBe('5');
      expect((await f.inject({ url: '/api/v1/jobs/99999999/tasks/' })).statusCode).toBe(404);
    });
  });

  describe('GET /jobs/<x>/tasks/<id>', () => {
    it('answers the task with its job and agent; a task of another job is a 404', async () => {
      const f = farm();
      const agent = await makeAgent(f, { remoteIp: '10.1.2.3', port: 50001 });
      const { job, tasks } = await jobWithTasks(f);
      const other = await jobWithTasks(f);
      await updateTask(f.master.context.db, tasks[0]!.id, { agentId: agent.id });
      const task = json<TaskDict>(
        await f.inject({ url: `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}` }),
        200,
      );
      expect(task).toMatchObject({
        id: tasks[0]!.id,
        state: 'assigned',
        job: { id: job.id, title: job.title },
        agent: { id: agent.id, hostname: agent.hostname, remote_ip: '10.1.2.3', port: 50001 },
      });
      const free = json<TaskDict>(
        await f.inject({ url: `/api/v1/jobs/${job.id}/tasks/${tasks[1]!.id}` }),
        200,
      );
      expect(free.agent).toBeNull();
      expect((await f.inject({ url: `/api/v1/jobs/${other.job.id}/tasks/${tasks[0]!.id}` })).statusCode).toBe(
        404,
      );
      expect((await f.inject({ url: `/api/v1/jobs/${job.id}/tasks/99999999` })).statusCode).toBe(404);
      expect((await f.inject({ url: `/api/v1/jobs/${job.id}/tasks/abc` })).statusCode).toBe(400);
    });
  });

  describe('POST /jobs/<x>/tasks/<id>', () => {
    it('runs an agent through a task: running, progress, start time, done; the job finishes', async () => {
      const f = farm();
      const events: FarmEvent[] = [];
      f.master.context.events.on((e) => events.push(e));
      const db = f.master.context.db;
      const agent = await makeAgent(f);
      const queue = await makeQueue(f, unique('tq'));
      const { job, tasks } = await jobWithTasks(f, { jobqueue: queue.name });
      const [a, b] = tasks;
      // A wrangler (standing in for the scheduler) assigns both tasks; the job is running from then on.
      for (const task of [a!, b!]) {
        const assigned = await report(f, job.id, task.id, { agent_id: agent.id }, 'wrangler');
        expect(json<TaskDict>(assigned, 200)).toMatchObject({ state: 'assigned', attempts: 1 });
      }
      expect((await getJob(db, job.id)).state).toBe(RUNNING);

      const running = json<TaskDict>(await report(f, job.id, a!.id, { state: 'running' }), 200);
      expect(running).toMatchObject({
        state: 'running',
        time_started: expect.any(String),
        time_finished: null,
      });
      expect((await getJob(db, job.id)).state).toBe(RUNNING);
      expect(json<TaskDict>(await report(f, job.id, a!.id, { progress: 0.5 }), 200).progress).toBe(0.5);
      expect(
        json<TaskDict>(await report(f, job.title, a!.id, { time_started: 'now' }), 200).time_started,
      ).toEqual(expect.any(String));
      const done = json<TaskDict>(await report(f, job.id, a!.id, { state: 'done' }), 200);
      expect(done).toMatchObject({ state: 'done', progress: 1, time_finished: expect.any(String) });
      expect(events).toContainEqual({
        type: 'task.changed',
        jobId: job.id,
        taskId: a!.id,
        agentId: agent.id,
      });

      // PyFarm's test: a wrangler sets {priority, state: done} on the other task; the job is done.
      const last = json<TaskDict>(
        await report(f, job.id, b!.id, { priority: 1, state: 'done' }, 'wrangler'),
        200,
      );
      expect(last).toMatchObject({ state: 'done', progress: 1, priority: 1, attempts: 1 });
      const finished = json<{ state: string }>(await f.inject({ url: `/api/v1/jobs/${job.id}` }), 200);
      expect(finished.state).toBe('done');
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });

      await f.master.context.taskEvents.flush();
      const counts = await f.master.context.statistics
        .selectFrom('task_event_counts')
        .select((eb) => [
          eb.fn.sum<number>('num_started').as('started'),
          eb.fn.sum<number>('num_done').as('done'),
          eb.fn.sum<number>('num_new').as('new'),
        ])
        .where('job_queue_id', '=', queue.id)
        .executeTakeFirstOrThrow();
      expect([Number(counts.new), Number(counts.started), Number(counts.done)]).toEqual([2, 1, 2]);
    });

    it('requeues a failure within the budget and blacklists the agent', async () => {
      const f = farm();
      const db = f.master.context.db;
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f, { requeue: 1 });
      await updateTask(db, tasks[0]!.id, { agentId: agent.id, state: RUNNING });
      const failed = json<TaskDict>(
        await report(f, job.id, tasks[0]!.id, { state: 'failed', last_error: 'exit 3' }),
        200,
      );
      expect(failed).toMatchObject({ state: 'queued', agent_id: null, failures: 1, last_error: 'exit 3' });
      expect((await listAgentsTaskFailedOn(db, tasks[0]!.id)).map((x) => x.id)).toEqual([agent.id]);
    });

    it('treats a repeated identical report as a no-op', async () => {
      const f = farm();
      const db = f.master.context.db;
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f);
      await updateTask(db, tasks[0]!.id, { agentId: agent.id });
      json(await report(f, job.id, tasks[0]!.id, { state: 'done' }), 200);
      const before = await getTask(db, tasks[0]!.id);
      const events: FarmEvent[] = [];
      f.master.context.events.on((e) => events.push(e));
      json(await report(f, job.id, tasks[0]!.id, { state: 'done' }), 200);
      json(await report(f, job.id, tasks[0]!.id, { state: 'done', progress: 1 }), 200);
      await new Promise((resolve) => setImmediate(resolve));
      expect(await getTask(db, tasks[0]!.id)).toEqual(before);
      expect(events).toEqual([]);
    });

    it('leaves the start time to the agent for job types without automatic start times', async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f, { noStart: true });
      const id = tasks[0]!.id;
      json(await report(f, job.id, id, { agent_id: agent.id }, 'wrangler'), 200);
      const running = json<TaskDict>(await report(f, job.id, id, { state: 'running' }), 200);
      expect(running.time_started).toBeNull();
      const started = json<TaskDict>(await report(f, job.id, id, { time_started: 'now' }), 200);
      expect(started.time_started).toEqual(expect.any(String));
    });

    it('lets an agent hand a task back to the queue', async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f);
      await updateTask(f.master.context.db, tasks[0]!.id, { agentId: agent.id, state: RUNNING });
      const back = json<TaskDict>(
        await report(f, job.id, tasks[0]!.id, { state: 'queued', agent_id: null }),
        200,
      );
      expect(back).toMatchObject({ state: 'queued', agent_id: null, agent: null });
    });

    it('rejects progress other than 1 on a done task, and bad reports', async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f);
      const id = tasks[0]!.id;
      await updateTask(f.master.context.db, id, { agentId: agent.id });
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ state: 'done', progress: 0.5 }, /progress/],
        [{ time_started: 5 }, /time_started/],
        [{ time_started: null }, /time_started/],
        [{ time_finished: 'now' }, /unknown key "time_finished"/],
        [{ time_submitted: 'now' }, /unknown key/],
        [{ job_id: 1 }, /unknown key "job_id"/],
        [{ frame: 3 }, /unknown key "frame"/],
        [{ attempts: 3 }, /unknown key/],
        [{ state: 'exploded' }, /state/],
        [{ state: 'assigned' }, /state/],
        [{ progress: 1.5 }, /progress/],
        [{ progress: '0.5' }, /progress/],
        [{ agent_id: 'not-a-uuid' }, /agent_id/],
        [{ last_error: 5 }, /last_error/],
      ];
      for (const [body, message] of cases) {
        const res = await report(f, job.id, id, body, 'wrangler');
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error, JSON.stringify(body)).toMatch(message);
      }
      json(await report(f, job.id, id, { state: 'done' }), 200);
      const later = await report(f, job.id, id, { progress: 0.2 });
      expect(later.statusCode).toBe(400);
      const unknownAgent = await report(
        f,
        job.id,
        id,
        { agent_id: '3f1b9d0e-0000-4000-8000-000000000000' },
        'wrangler',
      );
      expect(unknownAgent.statusCode).toBe(404);
      expect((await report(f, job.id, 99999999, { state: 'running' }, 'wrangler')).statusCode).toBe(404);
    });

    it('guards agents: only tasks held by their agents, only report fields, the job of the URL', async () => {
      const f = farm();
      const db = f.master.context.db;
      const mine = await makeAgent(f);
      const foreign = await makeAgent(f, { tokenId: null });
      const { job, tasks } = await jobWithTasks(f, { start: 1, end: 3 });
      const other = await jobWithTasks(f);
      const [held, elsewhere, free] = tasks;
      await updateTask(db, held!.id, { agentId: mine.id });
      await updateTask(db, elsewhere!.id, { agentId: foreign.id });
      // 409, not 403: the agent drops the report (it retries 401/403 as if the master were unreachable).
      expect((await report(f, job.id, elsewhere!.id, { state: 'running' })).statusCode).toBe(409);
      expect((await report(f, job.id, free!.id, { state: 'running' })).statusCode).toBe(409);
      expect((await report(f, job.id, held!.id, { priority: 5 })).statusCode).toBe(403);
      expect((await report(f, job.id, held!.id, { agent_id: foreign.id })).statusCode).toBe(403);
      expect((await report(f, other.job.id, held!.id, { state: 'running' })).statusCode).toBe(404);
      expect((await report(f, job.id, held!.id, { state: 'running' })).statusCode).toBe(200);
      expect((await getTask(db, held!.id)).state).toBe(RUNNING);
    });

    it("accepts the Drover agent's reports: attempt, the real start time; a stale attempt is a 409", async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f);
      const id = tasks[0]!.id;
      json(await report(f, job.id, id, { agent_id: agent.id }, 'wrangler'), 200);
      const startedAt = '2026-03-04T05:06:07.089Z';
      const body: TaskReport = { state: 'running', attempt: 1, time_started: startedAt };
      expect(compileCheck(TaskReportSchema)(body).ok).toBe(true);
      const running = json<TaskDict>(await report(f, job.id, id, body), 200);
      expect(running).toMatchObject({ state: 'running', time_started: startedAt });
      json(await report(f, job.id, id, { progress: 0.3, attempt: 1 }), 200);
      const stale = await report(f, job.id, id, { state: 'done', attempt: 0 });
      expect(stale.statusCode).toBe(409);
      expect(stale.json().error).toMatch(/attempt 1/);
      expect((await report(f, job.id, id, { time_started: 'yesterday' })).statusCode).toBe(400);
      const back: TaskReport = { state: 'queued', agent_id: null, attempt: 1 };
      expect(json<TaskDict>(await report(f, job.id, id, back), 200)).toMatchObject({ state: 'queued' });
    });

    it('lets artists change priority and hidden of tasks of their own jobs only', async () => {
      const f = farm();
      const own = await jobWithTasks(f, {}, 'artist');
      const foreign = await jobWithTasks(f);
      const id = own.tasks[0]!.id;
      expect(
        json<TaskDict>(await report(f, own.job.id, id, { priority: 9, hidden: true }, 'artist'), 200),
      ).toMatchObject({
        priority: 9,
        hidden: true,
      });
      expect((await report(f, own.job.id, id, { state: 'done' }, 'artist')).statusCode).toBe(403);
      expect(
        (await report(f, foreign.job.id, foreign.tasks[0]!.id, { priority: 1 }, 'artist')).statusCode,
      ).toBe(403);
      expect(
        (
          await f.inject({
            method: 'POST',
            url: `/api/v1/jobs/${own.job.id}/tasks/${id}`,
            payload: {},
            as: 'anonymous',
          })
        ).statusCode,
      ).toBe(401);
    });
  });

  describe('POST /jobs/<x>/tasks/<id>/rerun', () => {
    it('reruns a finished task with a clean slate, and refuses while it runs', async () => {
      const f = farm();
      const db = f.master.context.db;
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f, { start: 1, end: 1, requeue: 0 });
      const id = tasks[0]!.id;
      await updateTask(db, id, { agentId: agent.id, state: RUNNING });
      const refused = await f.inject({ method: 'POST', url: `/api/v1/jobs/${job.id}/tasks/${id}/rerun` });
      expect(refused.statusCode).toBe(400);
      json(await report(f, job.id, id, { state: 'failed' }), 200);
      expect((await getTask(db, id)).state).toBe(FAILED);
      const rerun = json<TaskDict>(
        await f.inject({ method: 'POST', url: `/api/v1/jobs/${job.id}/tasks/${id}/rerun` }),
        200,
      );
      expect(rerun).toMatchObject({ state: 'queued', agent_id: null, failures: 0, progress: 0 });
      expect(await listAgentsTaskFailedOn(db, id)).toEqual([]);
      expect((await getJob(db, job.id)).state).toBe(null);
    });
  });

  describe('/jobs/<x>/tasks/<id>/failed_on_agents/', () => {
    it('lists, adds (idempotently) and removes agents', async () => {
      const f = farm();
      const agent = await makeAgent(f);
      const { job, tasks } = await jobWithTasks(f);
      const url = `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}/failed_on_agents/`;
      expect(json<unknown[]>(await f.inject({ url }), 200)).toEqual([]);
      const entry = { id: agent.id, hostname: agent.hostname };
      expect(json(await f.inject({ method: 'POST', url, payload: { id: agent.id } }), 201)).toEqual(entry);
      expect(
        json(await f.inject({ method: 'POST', url, payload: { id: agent.id.toUpperCase() } }), 201),
      ).toEqual(entry);
      expect(json<unknown[]>(await f.inject({ url }), 200)).toEqual([entry]);
      expect((await f.inject({ method: 'DELETE', url: `${url}${agent.id}` })).statusCode).toBe(204);
      expect(json<unknown[]>(await f.inject({ url }), 200)).toEqual([]);
      const ghost = '3f1b9d0e-0000-4000-8000-000000000000';
      expect((await f.inject({ method: 'POST', url, payload: { id: ghost } })).statusCode).toBe(404);
      expect((await f.inject({ method: 'DELETE', url: `${url}${ghost}` })).statusCode).toBe(404);
      expect((await f.inject({ method: 'DELETE', url: `${url}not-a-uuid` })).statusCode).toBe(404);
      expect((await f.inject({ method: 'POST', url, payload: { id: 'x' } })).statusCode).toBe(400);
      expect((await f.inject({ method: 'POST', url, payload: { id: agent.id, x: 1 } })).statusCode).toBe(400);
      const missing = `/api/v1/jobs/${job.id}/tasks/99999999/failed_on_agents/`;
      expect((await f.inject({ url: missing })).statusCode).toBe(404);
      expect((await f.inject({ method: 'POST', url: missing, payload: { id: agent.id } })).statusCode).toBe(
        404,
      );
    });

    it('lets an agent blacklist only itself', async () => {
      const f = farm();
      const mine = await makeAgent(f);
      const foreign = await makeAgent(f, { tokenId: null });
      const { job, tasks } = await jobWithTasks(f);
      const url = `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}/failed_on_agents/`;
      expect(
        (await f.inject({ method: 'POST', url, payload: { id: mine.id }, as: 'agent' })).statusCode,
      ).toBe(201);
      expect(
        (await f.inject({ method: 'POST', url, payload: { id: foreign.id }, as: 'agent' })).statusCode,
      ).toBe(403);
      expect((await f.inject({ method: 'DELETE', url: `${url}${mine.id}`, as: 'agent' })).statusCode).toBe(
        403,
      );
    });
  });
});
