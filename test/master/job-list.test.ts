import { beforeAll, describe, expect, it } from 'vitest';
import { WorkState } from '../../src/core/enums.js';
import { updateJob } from '../../src/db/jobs/job.repository.js';
import { listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { unique } from '../support/fixtures.js';
import { json, makeAgent, makeJobType, makeQueue } from '../support/job-farm.js';
import { forEachDialectMaster } from '../support/master.js';

interface Item {
  id: number;
  title: string;
  state: string;
  priority: number;
  tasks_queued?: number;
  tasks_running?: number;
  tasks_done?: number;
  tasks_failed?: number;
  tasks_total?: number;
}

forEachDialectMaster((_dialect, farm) => {
  /** Jobs with a common title prefix so that each test filters to its own. */
  const prefix = unique('list');
  let jobtype = '';
  let otherJobtype = '';
  let queuePath = '';
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    const f = farm();
    const db = f.master.context.db;
    jobtype = await makeJobType(f);
    otherJobtype = await makeJobType(f);
    const queue = await makeQueue(f, unique('lq'));
    queuePath = queue.fullpath;
    const submit = async (name: string, body: Record<string, unknown>, as: 'admin' | 'artist' = 'admin') => {
      const res = await f.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        as,
        payload: { title: `${prefix}-${name}`, jobtype, ...body },
      });
      ids[name] = json<{ id: number }>(res, 201).id;
    };
    await submit('queued', { priority: 3, weight: 5, start: 1, end: 3 });
    await submit('held', { priority: 1, weight: 50, start: 1, end: 2 }, 'artist');
    await submit('paused', { state: 'paused', priority: 2, jobqueue: queuePath });
    await submit('done', { jobtype: otherJobtype, hidden: true });
    await submit('failed', { priority: -1 });
    // "held": a task assigned to an agent while the stored job state stays NULL (e.g. the agent went
    // offline); "done" and "failed" get their stored states.
    const agent = await makeAgent(f);
    const [heldTask] = await listTasks(db, { jobId: ids.held! });
    await updateTask(db, heldTask!.id, { agentId: agent.id });
    await updateJob(db, ids.done!, { state: WorkState.values.DONE });
    for (const task of await listTasks(db, { jobId: ids.done! })) {
      await updateTask(db, task.id, { state: WorkState.values.DONE });
    }
    await updateJob(db, ids.failed!, { state: WorkState.values.FAILED });
  });

  async function list(query: string): Promise<{ items: Item[]; total: string | undefined }> {
    const res = await farm().inject({
      url: `/api/v1/jobs/?title=${encodeURIComponent(prefix)}${query ? `&${query}` : ''}`,
    });
    const items = json<Item[]>(res, 200);
    return { items, total: res.headers['x-total-count'] as string | undefined };
  }

  const names = (items: Item[]) => items.map((i) => i.title.slice(prefix.length + 1));

  describe('GET /jobs/', () => {
    it('lists every matching job by id with the seed fields and the shown states', async () => {
      const { items, total } = await list('');
      expect(total).toBeUndefined();
      expect(names(items)).toEqual(['queued', 'held', 'paused', 'done', 'failed']);
      expect(items.map((i) => i.state)).toEqual(['queued', 'running', 'paused', 'done', 'failed']);
      expect(items[0]).toEqual({
        id: ids.queued,
        title: `${prefix}-queued`,
        state: 'queued',
        priority: 3,
        weight: 5,
        user: 'admin-user',
        jobtype,
        jobtype_version: 1,
        jobqueue: null,
        time_submitted: expect.any(String),
        time_started: null,
        time_finished: null,
        hidden: false,
        to_be_deleted: false,
      });
      expect(items[2]).toMatchObject({ jobqueue: queuePath });
    });

    it('filters by state (queued and running follow the shown state), jobtype, user, queue and hidden', async () => {
      expect(names((await list('state=queued')).items)).toEqual(['queued']);
      expect(names((await list('state=running')).items)).toEqual(['held']);
      expect(names((await list('state=done&state=failed')).items)).toEqual(['done', 'failed']);
      expect(names((await list(`jobtype=${otherJobtype}`)).items)).toEqual(['done']);
      expect(names((await list('user=artist-user')).items)).toEqual(['held']);
      expect(names((await list(`jobqueue=${encodeURIComponent(queuePath.slice(1))}`)).items)).toEqual([
        'paused',
      ]);
      expect(names((await list('hidden=true')).items)).toEqual(['done']);
    });

    it('answers 404 for an unknown jobtype, user or queue and 400 for bad parameters', async () => {
      const f = farm();
      for (const query of ['jobtype=nope-x', 'user=nope-x', 'jobqueue=/nope/x']) {
        expect((await f.inject({ url: `/api/v1/jobs/?${query}` })).statusCode, query).toBe(404);
      }
      for (const query of [
        'state=assigned',
        'page=0',
        'per_page=5000',
        'order_by=frames',
        'order_dir=up',
        'hidden=maybe',
        'colour=red',
        'title=',
      ]) {
        const res = await f.inject({ url: `/api/v1/jobs/?${query}` });
        expect(res.statusCode, query).toBe(400);
        expect(res.json().error, query).toBeTruthy();
      }
    });

    it('sorts and pages, with the total in X-Total-Count', async () => {
      const byPriority = await list('order_by=priority&order_dir=desc&page=1&per_page=2');
      expect(names(byPriority.items)).toEqual(['queued', 'paused']);
      expect(byPriority.total).toBe('5');
      const second = await list('order_by=priority&order_dir=desc&page=2&per_page=2');
      expect(names(second.items)).toEqual(['held', 'done']);
      const beyond = await list('page=9&per_page=2');
      expect(beyond.items).toEqual([]);
      expect(beyond.total).toBe('5');
      expect(names((await list('order_by=weight&order_dir=desc')).items)[0]).toBe('held');
      expect(names((await list('order_by=title')).items)).toEqual([
        'done',
        'failed',
        'held',
        'paused',
        'queued',
      ]);
      expect(names((await list('order_by=state')).items)).toEqual([
        'queued',
        'held',
        'paused',
        'done',
        'failed',
      ]);
      expect(names((await list('order_by=time_submitted&order_dir=desc')).items)).toEqual([
        'failed',
        'done',
        'paused',
        'held',
        'queued',
      ]);
    });

    it('adds task counts on request', async () => {
      const { items } = await list('task_counts=true');
      const byName = Object.fromEntries(items.map((i) => [i.title.slice(prefix.length + 1), i]));
      expect(byName.queued).toMatchObject({
        tasks_queued: 3,
        tasks_running: 0,
        tasks_done: 0,
        tasks_failed: 0,
        tasks_total: 3,
      });
      expect(byName.done).toMatchObject({ tasks_done: 1, tasks_total: 1 });
      expect((await list('')).items[0]).not.toHaveProperty('tasks_total');
    });
  });
});
