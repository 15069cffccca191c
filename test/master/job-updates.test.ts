import { describe, expect, it } from 'vitest';
import { WorkState } from '../../src/core/enums.js';
import { getJob, updateJob } from '../../src/db/jobs/job.repository.js';
import { addTaskFailedOnAgent, listAgentsTaskFailedOn } from '../../src/db/tasks/failed-task.repository.js';
import { listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import type { FarmEvent } from '../../src/master/events/farm-events.js';
import { unique } from '../support/fixtures.js';
import { json, makeAgent, makeJobType, makeQueue, makeSoftware } from '../support/job-farm.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const { RUNNING, DONE, FAILED, PAUSED } = WorkState.values;

interface JobDict {
  id: number;
  title: string;
  state: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

forEachDialectMaster((_dialect, farm) => {
  async function submit(
    f: TestMaster,
    body: Record<string, unknown> = {},
    as: 'admin' | 'artist' = 'admin',
  ): Promise<JobDict> {
    const jobtype = (body.jobtype as string | undefined) ?? (await makeJobType(f));
    const res = await f.inject({
      method: 'POST',
      url: '/api/v1/jobs/',
      as,
      payload: { title: unique('job'), ...body, jobtype },
    });
    return json<JobDict>(res, 201);
  }

  function post(
    f: TestMaster,
    url: string,
    payload?: Record<string, unknown>,
    as: 'admin' | 'wrangler' | 'artist' | 'agent' = 'admin',
  ) {
    return f.inject({
      method: 'POST',
      url: `/api/v1${url}`,
      as,
      ...(payload === undefined ? {} : { payload }),
    });
  }

  function frames(f: TestMaster, jobId: number) {
    return listTasks(f.master.context.db, { jobId }).then((tasks) =>
      tasks.map((t) => (t.tile === null ? t.frame : `${t.frame}/${t.tile}`)),
    );
  }

  function recordEvents(f: TestMaster): FarmEvent[] {
    const events: FarmEvent[] = [];
    f.master.context.events.on((e) => events.push(e));
    return events;
  }

  describe('POST /jobs/<x>', () => {
    it('updates columns, re-frames the tasks and keeps the tasks that stay', async () => {
      const f = farm();
      const job = await submit(f, { start: 1, end: 4 });
      const db = f.master.context.db;
      const [first, second] = await listTasks(db, { jobId: job.id });
      await updateTask(db, second!.id, { state: DONE });
      const res = await post(f, `/jobs/${job.id}`, { start: 2, end: 6, ram: 64, priority: 7, notes: 'n' });
      const updated = json<JobDict>(res, 200);
      expect(updated).toMatchObject({ start: 2, end: 6, ram: 64, priority: 7, notes: 'n', state: 'queued' });
      expect(await frames(f, job.id)).toEqual([2, 3, 4, 5, 6]);
      const tasks = await listTasks(db, { jobId: job.id });
      expect(tasks.find((t) => t.id === first!.id)).toBeUndefined();
      expect(tasks.find((t) => t.frame === 2)).toMatchObject({ id: second!.id, state: DONE });
      // by alone keeps start and end; the notified users are part of the answer too.
      const stepped = json<JobDict>(await post(f, `/jobs/${job.id}`, { by: 2 }), 200);
      expect(stepped).toMatchObject({ start: 2, end: 6, by: 2, notified_users: [] });
      expect(await frames(f, job.id)).toEqual([2, 4, 6]);
    });

    it('re-frames in tiles for tiling job types, and a finished job gets new work back in the queue', async () => {
      const f = farm();
      const jobtype = await makeJobType(f, { supportsTiling: true });
      const job = await submit(f, { jobtype, start: 1, end: 1 });
      const db = f.master.context.db;
      for (const task of await listTasks(db, { jobId: job.id }))
        await updateTask(db, task.id, { state: DONE });
      await updateJob(db, job.id, { state: DONE });
      const tiled = json<JobDict>(await post(f, `/jobs/${job.id}`, { num_tiles: 2, end: 2 }), 200);
      expect(await frames(f, job.id)).toEqual(['1/0', '1/1', '2/0', '2/1']);
      expect(tiled).toMatchObject({ num_tiles: 2, state: 'queued' });
      const plain = await submit(f, { start: 1, end: 2 });
      expect((await post(f, `/jobs/${plain.id}`, { num_tiles: 2 })).statusCode).toBe(400);
    });

    it('replaces requirements, tags, parents and notified users; moves queues and owners', async () => {
      const f = farm();
      const software = await makeSoftware(f, ['1', '2']);
      const queue = await makeQueue(f, unique('uq'));
      const parentA = await submit(f);
      const parentB = await submit(f);
      const job = await submit(f, {
        parents: [{ id: parentA.id }],
        tags: ['a'],
        tag_requirements: [{ tag: 'x' }],
        software_requirements: [{ software, min_version: '1' }],
        notified_users: [{ username: 'artist-user' }],
      });
      const updated = json<JobDict>(
        await post(f, `/jobs/${job.title}`, {
          parents: [{ id: parentB.id }],
          tags: ['b', 'c'],
          tag_requirements: [{ tag: 'y', negate: true }],
          software_requirements: [{ software, max_version: '2' }],
          notified_users: [{ username: 'wrangler-user', on_failure: false }],
          jobqueue: queue.name,
          user: 'wrangler-user',
        }),
        200,
      );
      expect(updated).toMatchObject({
        parents: [{ id: parentB.id, title: parentB.title }],
        tags: ['b', 'c'],
        tag_requirements: [{ tag: 'y', negate: true }],
        software_requirements: [{ software, min_version: null, max_version: '2' }],
        notified_users: [{ username: 'wrangler-user', on_success: true, on_failure: false }],
        jobqueue: queue.fullpath,
        user: 'wrangler-user',
      });
      const cleared = json<JobDict>(await post(f, `/jobs/${job.id}`, { jobqueue: null, parents: [] }), 200);
      expect(cleared).toMatchObject({ jobqueue: null, parents: [] });
    });

    it('changes the job type version within the job type; an unknown version is a 400', async () => {
      const f = farm();
      const jobtype = await makeJobType(f, { versions: 2 });
      const job = await submit(f, { jobtype, jobtype_version: 1 });
      expect(
        json<JobDict>(await post(f, `/jobs/${job.id}`, { jobtype_version: 2 }), 200).jobtype_version,
      ).toBe(2);
      const bad = await post(f, `/jobs/${job.id}`, { jobtype_version: 5 });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatch(/jobtype_version/);
    });

    it('rejects bad updates (400), unknown references (404) and leaves the job unchanged', async () => {
      const f = farm();
      const job = await submit(f, { start: 1, end: 3, priority: 1 });
      const bad: [Record<string, unknown>, number, RegExp][] = [
        [{ tiles: 3 }, 400, /unknown key "tiles"/],
        [{ jobgroup: 'g' }, 400, /unknown key "jobgroup"/],
        [{ time_started: 5 }, 400, /unknown key "time_started"/],
        [{ time_finished: 5 }, 400, /unknown key/],
        [{ time_submitted: 5 }, 400, /unknown key/],
        [{ jobtype_version_id: 1 }, 400, /unknown key/],
        [{ jobtype: 'other' }, 400, /unknown key "jobtype"/],
        [{ priority: 'high' }, 400, /priority/],
        [{ hidden: 'yes' }, 400, /hidden/],
        [{ start: 5, end: 1 }, 400, /end/],
        [{ end: 0 }, 400, /end/],
        [{ state: 'done' }, 400, /state/],
        [{ priority: 2, user: unique('ghost') }, 404, /user/],
        [{ priority: 2, jobqueue: 'no/such' }, 404, /job queue/],
        [{ priority: 2, parents: [{ id: 99999999 }] }, 404, /job/],
        [{ priority: 2, parents: [{ id: job.id }] }, 400, /cycle/],
        [{ priority: 2, notified_users: [{ username: unique('ghost') }] }, 404, /user/],
      ];
      for (const [body, status, message] of bad) {
        const res = await post(f, `/jobs/${job.id}`, body);
        expect(res.statusCode, JSON.stringify(body)).toBe(status);
        expect(res.json().error, JSON.stringify(body)).toMatch(message);
      }
      const after = json<JobDict>(await f.inject({ url: `/api/v1/jobs/${job.id}` }), 200);
      expect(after).toMatchObject({ priority: 1, start: 1, end: 3, parents: [] });
      expect((await post(f, '/jobs/99999999', { priority: 1 })).statusCode).toBe(404);
    });

    it('lets artists change only their own jobs, and only as their own', async () => {
      const f = farm();
      const own = await submit(f, {}, 'artist');
      const foreign = await submit(f);
      expect((await post(f, `/jobs/${own.id}`, { priority: 3 }, 'artist')).statusCode).toBe(200);
      expect((await post(f, `/jobs/${own.id}`, { user: 'wrangler-user' }, 'artist')).statusCode).toBe(403);
      expect((await post(f, `/jobs/${foreign.id}`, { priority: 3 }, 'artist')).statusCode).toBe(403);
      expect((await post(f, `/jobs/${foreign.id}/rerun`, undefined, 'artist')).statusCode).toBe(403);
      expect((await post(f, `/jobs/${foreign.id}`, { priority: 3 }, 'agent')).statusCode).toBe(403);
      expect((await post(f, `/jobs/${foreign.id}`, { priority: 3 }, 'wrangler')).statusCode).toBe(200);
    });
  });

  describe('pause, unpause, rerun', () => {
    it('pauses and unpauses, through the actions and through state', async () => {
      const f = farm();
      const events = recordEvents(f);
      const job = await submit(f, { start: 1, end: 2 });
      expect(json<JobDict>(await post(f, `/jobs/${job.id}/pause`), 200).state).toBe('paused');
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });
      expect(json<JobDict>(await post(f, `/jobs/${job.id}/unpause`), 200).state).toBe('queued');
      expect(json<JobDict>(await post(f, `/jobs/${job.id}`, { state: 'paused' }), 200).state).toBe('paused');
      expect(json<JobDict>(await post(f, `/jobs/${job.id}`, { state: 'queued' }), 200).state).toBe('queued');
      await updateJob(f.master.context.db, job.id, { state: DONE });
      const finished = await post(f, `/jobs/${job.id}/pause`);
      expect(finished.statusCode).toBe(409);
    });

    it('reruns finished tasks of the job and its children, clearing failures and blacklists', async () => {
      const f = farm();
      const db = f.master.context.db;
      const agent = await makeAgent(f);
      const parent = await submit(f, { start: 1, end: 3 });
      const child = await submit(f, { parents: [{ id: parent.id }] });
      const grandchild = await submit(f, { parents: [{ id: child.id }] });
      const [a, b, c] = await listTasks(db, { jobId: parent.id });
      await updateTask(db, a!.id, { state: DONE, agentId: agent.id, progress: 1 });
      await updateTask(db, b!.id, { state: FAILED, failures: 4, agentId: agent.id });
      await updateTask(db, c!.id, { state: RUNNING, agentId: agent.id });
      await addTaskFailedOnAgent(db, b!.id, agent.id);
      for (const id of [child.id, grandchild.id]) {
        for (const t of await listTasks(db, { jobId: id })) await updateTask(db, t.id, { state: DONE });
        await updateJob(db, id, { state: DONE, completionNotifySent: true });
      }
      await updateJob(db, parent.id, { state: RUNNING, completionNotifySent: true });

      const failedOnly = json<JobDict>(await post(f, `/jobs/${parent.id}/rerun_failed`), 200);
      expect(failedOnly.completion_notify_sent).toBe(false);
      let tasks = await listTasks(db, { jobId: parent.id });
      expect(tasks.map((t) => [t.state, t.failures])).toEqual([
        [DONE, 0],
        [null, 0],
        [RUNNING, 0],
      ]);
      expect(await listAgentsTaskFailedOn(db, b!.id)).toEqual([]);
      expect((await getJob(db, child.id)).state).toBe(DONE); // no failed tasks there

      await post(f, `/jobs/${parent.id}/rerun`);
      tasks = await listTasks(db, { jobId: parent.id });
      expect(tasks.map((t) => [t.state, t.agentId, t.progress])).toEqual([
        [null, null, 0],
        [null, null, 0],
        [RUNNING, agent.id, 0],
      ]);
      for (const id of [child.id, grandchild.id]) {
        const job = await getJob(db, id);
        expect(job).toMatchObject({ state: null, completionNotifySent: false });
        expect((await listTasks(db, { jobId: id })).map((t) => t.state)).toEqual([null]);
      }
    });

    it('keeps a paused job paused when it is rerun', async () => {
      const f = farm();
      const db = f.master.context.db;
      const job = await submit(f, { start: 1, end: 2 });
      const [task] = await listTasks(db, { jobId: job.id });
      await updateTask(db, task!.id, { state: DONE });
      await updateJob(db, job.id, { state: PAUSED });
      expect(json<JobDict>(await post(f, `/jobs/${job.id}/rerun`), 200).state).toBe('paused');
    });
  });

  describe('DELETE /jobs/<x>', () => {
    it('deletes the job, its tasks and its children; then 404', async () => {
      const f = farm();
      const events = recordEvents(f);
      const parent = await submit(f, { start: 1, end: 5 });
      const child = await submit(f, { parents: [{ id: parent.id }] });
      const other = await submit(f);
      const res = await f.inject({
        method: 'DELETE',
        url: `/api/v1/jobs/${encodeURIComponent(parent.title)}`,
      });
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
      for (const id of [parent.id, child.id]) {
        expect((await f.inject({ url: `/api/v1/jobs/${id}` })).statusCode).toBe(404);
        expect(events).toContainEqual(expect.objectContaining({ type: 'job.deleted', jobId: id }));
      }
      expect(await listTasks(f.master.context.db, { jobId: parent.id })).toEqual([]);
      expect((await f.inject({ url: `/api/v1/jobs/${other.id}` })).statusCode).toBe(200);
      expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobs/${parent.id}` })).statusCode).toBe(404);
    });

    it('lets artists delete only their own jobs', async () => {
      const f = farm();
      const foreign = await submit(f);
      const own = await submit(f, {}, 'artist');
      const del = (id: number) => f.inject({ method: 'DELETE', url: `/api/v1/jobs/${id}`, as: 'artist' });
      expect((await del(foreign.id)).statusCode).toBe(403);
      expect((await del(own.id)).statusCode).toBe(204);
    });
  });

  describe('/jobs/<x>/notified_users/', () => {
    it('lists, adds (without creating users) and removes notified users', async () => {
      const f = farm();
      const job = await submit(f);
      const url = `/api/v1/jobs/${job.id}/notified_users/`;
      expect(json<unknown[]>(await f.inject({ url }), 200)).toEqual([]);
      const added = await f.inject({
        method: 'POST',
        url,
        payload: { username: 'artist-user', on_success: false, on_deletion: true },
      });
      expect(json(added, 201)).toEqual({
        id: f.users.artist.id,
        username: 'artist-user',
        email: null,
        on_success: false,
        on_failure: true,
        on_deletion: true,
      });
      expect(json<unknown[]>(await f.inject({ url }), 200)).toHaveLength(1);
      const unknown = await f.inject({ method: 'POST', url, payload: { username: unique('nobody') } });
      expect(unknown.statusCode).toBe(404);
      expect((await f.inject({ method: 'POST', url, payload: {} })).statusCode).toBe(400);
      expect(
        (await f.inject({ method: 'POST', url, payload: { username: 'artist-user', x: 1 } })).statusCode,
      ).toBe(400);
      expect(
        (
          await f.inject({
            method: 'POST',
            url: '/api/v1/jobs/99999999/notified_users/',
            payload: { username: 'artist-user' },
          })
        ).statusCode,
      ).toBe(404);
      expect((await f.inject({ method: 'DELETE', url: `${url}artist-user` })).statusCode).toBe(204);
      expect((await f.inject({ method: 'DELETE', url: `${url}artist-user` })).statusCode).toBe(204);
      expect((await f.inject({ method: 'DELETE', url: `${url}${unique('nobody')}` })).statusCode).toBe(404);
      expect(json<unknown[]>(await f.inject({ url }), 200)).toEqual([]);
      expect((await f.inject({ url: '/api/v1/jobs/99999999/notified_users/' })).statusCode).toBe(404);
    });
  });
});
