import { describe, expect, it } from 'vitest';
import { WorkState } from '../../src/core/enums.js';
import { getJob } from '../../src/db/jobs/job.repository.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { listAgentsTaskFailedOn } from '../../src/db/tasks/failed-task.repository.js';
import {
  createTasksForFrameRange,
  getTask,
  listTasks,
  updateTask,
} from '../../src/db/tasks/task.repository.js';
import { applyTaskChange } from '../../src/master/tasks/task-state.service.js';
import { RECENT_DELIVERY_MS } from '../../src/master/agents/agent-task-reconciliation.js';
import { makeJob } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';
import { eventsDuring, registerAgent } from '../support/agent-registration.js';

const { RUNNING, FAILED } = WorkState.values;

/** A job of `frames` tasks; the first `assigned` go to the agent, of which the first `sent` were sent. */
async function jobOnAgent(f: TestMaster, agentId: string, frames: number, assigned: number, sent: number) {
  const ctx = f.master.context;
  const job = await makeJob(ctx.db, { requeue: 3 });
  await createTasksForFrameRange(ctx.db, job.id, { start: 1, end: frames });
  const tasks = await listTasks(ctx.db, { jobId: job.id });
  for (const [i, task] of tasks.slice(0, assigned).entries()) {
    await applyTaskChange(ctx.db, task.id, { agentId }, { now: ctx.clock.now(), limits: ctx.limits });
    if (i < sent) await updateTask(ctx.db, task.id, { sentToAgent: true });
  }
  return { job, tasks };
}

/** The agent re-announces itself (`POST /agents/<id>`) with `payload`. */
function announce(f: TestMaster, agentId: string, payload: Record<string, unknown>) {
  return f.inject({ method: 'POST', url: `/api/v1/agents/${agentId}`, as: 'agent', payload });
}

function assignments(...taskIds: number[]) {
  return {
    'b7d1c3a2-1111-4222-8333-944445555666': {
      job: { id: 1 },
      tasks: taskIds.map((id) => ({ id, frame: 1 })),
    },
  };
}

forEachDialectMaster((_dialect, farm) => {
  describe('re-announce', () => {
    it('fails the sent tasks the agent no longer holds, leaves unsent ones for dispatch', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const db = f.master.context.db;
      const { job, tasks } = await jobOnAgent(f, id, 4, 3, 2);
      const [held, lost, unsent, queued] = tasks;
      await applyTaskChange(
        db,
        held!.id,
        { state: RUNNING },
        { now: Date.now(), limits: f.master.context.limits },
      );
      const events = await eventsDuring(f, async () => {
        const res = await announce(f, id, {
          state: 'running',
          current_assignments: assignments(held!.id),
          free_ram: 4000,
        });
        expect(res.statusCode, res.body).toBe(200);
      });
      expect(await getTask(db, held!.id)).toMatchObject({ agentId: id, state: RUNNING });
      // Lost while sent: a failure within the budget, so back to the queue and blacklisted on this agent.
      const lostAfter = await getTask(db, lost!.id);
      expect(lostAfter).toMatchObject({ agentId: null, state: null, failures: 1 });
      expect(lostAfter.lastError).toMatch(/no longer had this task/);
      expect((await listAgentsTaskFailedOn(db, lost!.id)).map((a) => a.id)).toEqual([id]);
      expect(await getTask(db, unsent!.id)).toMatchObject({ agentId: id, state: null, failures: 0 });
      expect(await getTask(db, queued!.id)).toMatchObject({ agentId: null, state: null });
      expect((await getJob(db, job.id)).state).toBe(RUNNING);
      expect(events).toContainEqual({ type: 'task.changed', jobId: job.id, taskId: lost!.id, agentId: id });
      expect(events).toContainEqual({ type: 'agent.changed', agentId: id });
      expect(events.filter((e) => e.type === 'task.changed')).toHaveLength(1);
    });

    it('leaves a task delivered moments ago alone: the announce may predate the delivery', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const db = f.master.context.db;
      const { tasks } = await jobOnAgent(f, id, 2, 2, 2);
      const [fresh, old] = tasks;
      const now = Date.now();
      await db
        .updateTable('tasks')
        .set({ sent_on: now - 1000 })
        .where('id', '=', fresh!.id)
        .execute();
      await db
        .updateTable('tasks')
        .set({ sent_on: now - RECENT_DELIVERY_MS - 1000 })
        .where('id', '=', old!.id)
        .execute();
      const res = await announce(f, id, { current_assignments: {} });
      expect(res.statusCode).toBe(200);
      expect(await getTask(db, fresh!.id)).toMatchObject({ agentId: id, failures: 0 });
      expect(await getTask(db, old!.id)).toMatchObject({ agentId: null, failures: 1 });
    });

    it('fails a lost task for good when its job allows no retry', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const db = f.master.context.db;
      const { job, tasks } = await jobOnAgent(f, id, 1, 1, 1);
      await db.updateTable('jobs').set({ requeue: 0 }).where('id', '=', job.id).execute();
      const res = await announce(f, id, { current_assignments: {} });
      expect(res.statusCode).toBe(200);
      expect(await getTask(db, tasks[0]!.id)).toMatchObject({ state: FAILED, agentId: id, failures: 1 });
      expect((await getJob(db, job.id)).state).toBe(FAILED);
    });

    it('reconciles on re-registration too (an agent that restarted holds nothing)', async () => {
      const f = farm();
      const { id, body } = await registerAgent(f);
      const db = f.master.context.db;
      const { tasks } = await jobOnAgent(f, id, 2, 2, 2);
      const res = await f.inject({ method: 'POST', url: '/api/v1/agents/', as: 'agent', payload: body });
      expect(res.statusCode).toBe(200);
      for (const task of tasks)
        expect(await getTask(db, task.id)).toMatchObject({ agentId: null, failures: 1 });
    });

    it('hands every unfinished task back when the agent goes offline, NULL-state ones included', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const db = f.master.context.db;
      const { job, tasks } = await jobOnAgent(f, id, 3, 3, 3);
      const limits = f.master.context.limits;
      await applyTaskChange(db, tasks[0]!.id, { state: RUNNING }, { now: Date.now(), limits });
      await applyTaskChange(db, tasks[2]!.id, { state: WorkState.values.DONE }, { now: Date.now(), limits });
      expect((await getJob(db, job.id)).state).toBe(RUNNING);
      const events = await eventsDuring(f, async () => {
        // Reconciliation is skipped for an agent going offline: nothing fails.
        const res = await announce(f, id, { state: 'offline', current_assignments: {} });
        expect(res.json().state).toBe('offline');
      });
      expect(await getTask(db, tasks[0]!.id)).toMatchObject({ agentId: null, state: null, failures: 0 });
      expect(await getTask(db, tasks[1]!.id)).toMatchObject({ agentId: null, state: null, failures: 0 });
      expect(await getTask(db, tasks[2]!.id)).toMatchObject({ agentId: id, state: WorkState.values.DONE });
      expect((await getJob(db, job.id)).state).toBe(null);
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });
      expect(
        events
          .filter((e) => e.type === 'task.changed')
          .map((e) => 'taskId' in e && e.taskId)
          .sort(),
      ).toEqual([tasks[0]!.id, tasks[1]!.id].sort());
    });

    it('re-derives job states when an agent is disabled, and releases tasks when it is deleted', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const db = f.master.context.db;
      const { job, tasks } = await jobOnAgent(f, id, 2, 1, 1);
      expect((await getJob(db, job.id)).state).toBe(RUNNING);
      await f.inject({ method: 'POST', url: `/api/v1/agents/${id}/disable`, as: 'wrangler' });
      expect((await getJob(db, job.id)).state).toBe(null);
      expect((await getTask(db, tasks[0]!.id)).agentId).toBe(id);
      const del = await f.inject({ method: 'DELETE', url: `/api/v1/agents/${id}`, as: 'wrangler' });
      expect(del.statusCode).toBe(204);
      expect(await getTask(db, tasks[0]!.id)).toMatchObject({ agentId: null, state: null });
    });
  });

  describe('tasks of an agent', () => {
    it('lists the agent’s tasks with their jobs', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const { job, tasks } = await jobOnAgent(f, id, 3, 2, 0);
      const res = await f.inject({ url: `/api/v1/agents/${id}/tasks/`, as: 'artist' });
      expect(res.statusCode).toBe(200);
      const list = res.json();
      expect(list.map((t: { id: number }) => t.id)).toEqual([tasks[0]!.id, tasks[1]!.id]);
      const jobtype = await db(f)
        .selectFrom('jobtype_versions')
        .innerJoin('jobtypes', 'jobtypes.id', 'jobtype_versions.jobtype_id')
        .select(['jobtypes.name', 'jobtype_versions.jobtype_id', 'jobtype_versions.version'])
        .where('jobtype_versions.id', '=', job.jobtypeVersionId)
        .executeTakeFirstOrThrow();
      expect(list[0]).toEqual({
        id: tasks[0]!.id,
        job_id: job.id,
        agent_id: id,
        state: 'assigned',
        priority: 0,
        frame: 1,
        tile: null,
        hidden: false,
        attempts: 1,
        failures: 0,
        progress: 0,
        last_error: null,
        sent_to_agent: false,
        time_submitted: expect.stringMatching(/Z$/),
        time_started: null,
        time_finished: null,
        job: {
          id: job.id,
          title: job.title,
          jobtype: jobtype.name,
          jobtype_id: jobtype.jobtype_id,
          jobtype_version: jobtype.version,
        },
      });
      expect(
        (await f.inject({ url: '/api/v1/agents/4eefca76-1127-4c17-a3df-c1a7de685541/tasks/' })).statusCode,
      ).toBe(404);
    });

    it('assigns a task by hand (an attempt counted, the job running), refusing bad requests', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const { job, tasks } = await jobOnAgent(f, id, 2, 0, 0);
      const post = (payload: unknown, as: 'wrangler' | 'agent' | 'artist' = 'wrangler', agent = id) =>
        f.inject({ method: 'POST', url: `/api/v1/agents/${agent}/tasks/`, as, payload: payload as object });
      const events = await eventsDuring(f, async () => {
        const res = await post({ id: tasks[0]!.id });
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toMatchObject({
          id: tasks[0]!.id,
          state: 'assigned',
          attempts: 1,
          agent_id: id,
          job: { id: job.id, title: job.title },
          agent: { id, port: 50000, remote_ip: '127.0.0.1' },
        });
      });
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });
      expect(events).toContainEqual({ type: 'agent.changed', agentId: id });
      expect((await getJob(db(f), job.id)).state).toBe(RUNNING);
      expect((await post({})).json().error).toBe('missing required key "id"');
      expect((await post({ id: tasks[1]!.id, agent: 1 })).statusCode).toBe(400);
      expect((await post({ id: 'one' })).statusCode).toBe(400);
      expect((await post({ id: 999_999_999 })).statusCode).toBe(404);
      expect(
        (await post({ id: tasks[1]!.id }, 'wrangler', '4eefca76-1127-4c17-a3df-c1a7de685541')).statusCode,
      ).toBe(404);
      expect((await post({ id: tasks[1]!.id }, 'artist')).statusCode).toBe(403);
      expect((await post({ id: tasks[1]!.id }, 'agent')).statusCode).toBe(403);
      await updateTask(db(f), tasks[1]!.id, { state: WorkState.values.DONE });
      expect((await post({ id: tasks[1]!.id })).statusCode).toBe(409);
    });
  });

  describe('software of an agent', () => {
    it('adds, lists and removes software versions', async () => {
      const f = farm();
      const { id } = await registerAgent(f);
      const software = `maya-${id.slice(0, 8)}`;
      await createSoftware(db(f), { software, versions: [{ version: '2024' }, { version: '2025' }] });
      const url = `/api/v1/agents/${id}/software/`;
      const add = (payload: unknown, as: 'agent' | 'wrangler' | 'artist' = 'agent') =>
        f.inject({ method: 'POST', url, as, payload: payload as object });
      const events = await eventsDuring(f, async () => {
        const res = await add({ software, version: '2024' });
        expect(res.statusCode).toBe(200);
        expect(res.json()).toEqual({ software, version: '2024' });
      });
      expect(events).toEqual([{ type: 'agent.changed', agentId: id }]);
      expect((await add({ software, version: '2024' })).statusCode).toBe(200);
      expect((await add({ software, version: '2025' }, 'wrangler')).statusCode).toBe(200);
      expect((await f.inject({ url })).json()).toEqual([
        { software, version: '2024' },
        { software, version: '2025' },
      ]);
      expect((await add({ software })).statusCode).toBe(400);
      expect((await add({ software, version: 2024 })).statusCode).toBe(400);
      expect((await add({ software, version: '2024', extra: 1 })).statusCode).toBe(400);
      expect((await add({ software, version: '1999' })).statusCode).toBe(404);
      expect((await add({ software: 'nuke-unknown', version: '1' })).statusCode).toBe(404);
      expect((await add({ software, version: '2024' }, 'artist')).statusCode).toBe(403);

      const remove = (path: string) =>
        f.inject({ method: 'DELETE', url: `/api/v1/agents/${path}`, as: 'agent' });
      expect((await remove(`${id}/software/${software}/versions/2024`)).statusCode).toBe(204);
      expect((await remove(`${id}/software/${software}/versions/2024`)).statusCode).toBe(204);
      expect((await f.inject({ url })).json()).toEqual([{ software, version: '2025' }]);
      expect((await remove(`${id}/software/unknown-sw/versions/1`)).statusCode).toBe(404);
      expect(
        (await remove(`4eefca76-1127-4c17-a3df-c1a7de685541/software/${software}/versions/2025`)).statusCode,
      ).toBe(404);
      expect(
        (await f.inject({ url: '/api/v1/agents/4eefca76-1127-4c17-a3df-c1a7de685541/software/' })).statusCode,
      ).toBe(404);
    });

    it('lets an agent token change only the software of its own agents', async () => {
      const f = farm();
      const { id } = await registerAgent(f, {}, 'admin');
      const res = await f.inject({
        method: 'POST',
        url: `/api/v1/agents/${id}/software/`,
        as: 'agent',
        payload: { software: 'x', version: '1' },
      });
      expect(res.statusCode).toBe(403);
    });
  });
});

function db(f: TestMaster) {
  return f.master.context.db;
}
