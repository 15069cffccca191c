import { describe, expect, it } from 'vitest';
import { createJobGroup } from '../../src/db/groups/job-group.repository.js';
import { listTasks } from '../../src/db/tasks/task.repository.js';
import type { FarmEvent } from '../../src/master/events/farm-events.js';
import { unique } from '../support/fixtures.js';
import { json, makeJobType, makeQueue, makeSoftware } from '../support/job-farm.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

forEachDialectMaster((_dialect, farm) => {
  async function submit(body: Record<string, unknown>, as: 'admin' | 'wrangler' | 'artist' = 'admin') {
    return farm().inject({ method: 'POST', url: '/api/v1/jobs/', payload: body, as });
  }

  async function tasksOf(f: TestMaster, jobId: number) {
    return listTasks(f.master.context.db, { jobId });
  }

  describe('POST /jobs/', () => {
    it('submits a job with every field and answers the full job dict', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const software = await makeSoftware(f, ['2.79', '2.80', '2.90']);
      const queue = await makeQueue(f, unique('q'));
      const sub = await makeQueue(f, 'lighting', queue.id);
      const parent = json<{ id: number; title: string }>(
        await submit({ title: unique('parent'), jobtype }),
        201,
      );
      const title = unique('shot');
      const res = await submit({
        title,
        jobtype,
        start: 1,
        end: 10,
        by: 3,
        data: { scene: '/s/a.blend', nested: { n: 1 } },
        environ: { OCIO: '/cfg' },
        software_requirements: [{ software, min_version: '2.80', max_version: '2.90' }],
        tag_requirements: [{ tag: 'gpu' }, { tag: 'workstation', negate: true }],
        tags: ['shot', 'urgent'],
        parents: [{ id: parent.id }],
        notified_users: [{ username: 'artist-user', on_deletion: true }],
        jobqueue: `${queue.name}/lighting`,
        user: 'artist-user',
        batch: 2,
        requeue: -1,
        cpus: -1,
        ram: 0,
        ram_warning: 1000,
        ram_max: 2000,
        priority: 5,
        weight: 20,
        minimum_agents: 1,
        maximum_agents: 4,
        autodelete_time: 3600,
        hidden: true,
        notes: 'first pass',
        output_link: 'https://review/shot',
        project: 'film',
      });
      const job = json<Record<string, unknown> & { id: number }>(res, 201);
      expect(job).toEqual({
        id: job.id,
        title,
        state: 'queued',
        priority: 5,
        weight: 20,
        minimum_agents: 1,
        maximum_agents: 4,
        time_submitted: expect.stringMatching(ISO),
        time_started: null,
        time_finished: null,
        jobtype,
        jobtype_version: 1,
        start: 1,
        end: 10,
        by: 3,
        num_tiles: null,
        batch: 2,
        requeue: -1,
        cpus: -1,
        ram: 0,
        ram_warning: 1000,
        ram_max: 2000,
        hidden: true,
        notes: 'first pass',
        output_link: 'https://review/shot',
        project: 'film',
        environ: { OCIO: '/cfg' },
        data: { scene: '/s/a.blend', nested: { n: 1 } },
        to_be_deleted: false,
        completion_notify_sent: false,
        autodelete_time: 3600,
        user: 'artist-user',
        jobqueue: sub.fullpath,
        job_group_id: null,
        jobgroup: null,
        tags: ['shot', 'urgent'],
        tag_requirements: [
          { tag: 'gpu', negate: false },
          { tag: 'workstation', negate: true },
        ],
        software_requirements: [
          {
            software_id: expect.any(Number),
            software,
            min_version_id: expect.any(Number),
            min_version: '2.80',
            max_version_id: expect.any(Number),
            max_version: '2.90',
          },
        ],
        parents: [{ id: parent.id, title: parent.title }],
        children: [],
        notified_users: [
          {
            id: f.users.artist.id,
            username: 'artist-user',
            email: null,
            on_success: true,
            on_failure: true,
            on_deletion: true,
          },
        ],
      });
      expect((await tasksOf(f, job.id)).map((t) => [t.frame, t.priority])).toEqual([
        [1, 5],
        [4, 5],
        [7, 5],
        [10, 5],
      ]);
      // The parent lists its child; GET by id and by title answer the same dict.
      const parentView = json<{ children: unknown[] }>(
        await f.inject({ url: `/api/v1/jobs/${parent.id}` }),
        200,
      );
      expect(parentView.children).toEqual([{ id: job.id, title }]);
      const byTitle = json(await f.inject({ url: `/api/v1/jobs/${encodeURIComponent(title)}` }), 200);
      expect(byTitle).toEqual(job);
    });

    it('applies the defaults: frame 1, the caller as owner, configured batch/requeue/cpus/ram/weight', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const job = json(await submit({ title: unique('d'), jobtype }, 'artist'), 201);
      expect(job).toMatchObject({
        start: 1,
        end: 1,
        by: 1,
        batch: 1,
        requeue: 3,
        cpus: 1,
        ram: 32,
        weight: 10,
        priority: 0,
        user: 'artist-user',
        jobqueue: null,
        hidden: false,
        notes: '',
        data: null,
        environ: null,
        autodelete_time: null,
        tags: [],
      });
    });

    it('creates tiles 0..num_tiles-1 for tiling job types and refuses num_tiles otherwise', async () => {
      const f = farm();
      const tiling = await makeJobType(f, { supportsTiling: true });
      const job = json<{ id: number; num_tiles: number }>(
        await submit({ title: unique('t'), jobtype: tiling, start: 1, end: 2, num_tiles: 3 }),
        201,
      );
      expect(job.num_tiles).toBe(3);
      expect((await tasksOf(f, job.id)).map((t) => [t.frame, t.tile])).toEqual([
        [1, 0],
        [1, 1],
        [1, 2],
        [2, 0],
        [2, 1],
        [2, 2],
      ]);
      const plain = await makeJobType(f);
      const refused = await submit({ title: unique('t'), jobtype: plain, num_tiles: 2 });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error).toMatch(/num_tiles/);
    });

    it('takes the queue path with or without the leading slash and a pinned job type version', async () => {
      const f = farm();
      const jobtype = await makeJobType(f, { versions: 3 });
      const queue = await makeQueue(f, unique('q'));
      const job = json(
        await submit({ title: unique('v'), jobtype, jobtype_version: 2, jobqueue: `/${queue.name}` }),
        201,
      );
      expect(job).toMatchObject({ jobtype_version: 2, jobqueue: `/${queue.name}` });
      const latest = json(await submit({ title: unique('v'), jobtype }), 201);
      expect(latest.jobtype_version).toBe(3);
    });

    it('puts the job in a job group and announces it', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const [jobType] = await f.master.context.db
        .selectFrom('jobtypes')
        .select('id')
        .where('name', '=', jobtype)
        .execute();
      const group = await createJobGroup(f.master.context.db, {
        title: unique('group'),
        mainJobtypeId: jobType!.id,
      });
      const events: FarmEvent[] = [];
      f.master.context.events.on((e) => events.push(e));
      const job = json<{ id: number }>(
        await submit({ title: unique('g'), jobtype, job_group_id: group.id }),
        201,
      );
      expect(job).toMatchObject({ job_group_id: group.id, jobgroup: group.title });
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });
    });

    it('creates unknown owners and notified users (autocreate_users) for wranglers', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const owner = unique('owner');
      const watcher = unique('watcher');
      const job = json<{ user: string; notified_users: { username: string }[] }>(
        await submit(
          { title: unique('u'), jobtype, user: owner, notified_users: [{ username: watcher }] },
          'wrangler',
        ),
        201,
      );
      expect(job.user).toBe(owner);
      expect(job.notified_users.map((n) => n.username)).toEqual([watcher]);
    });

    it('rejects bad submissions with 400 and leaves nothing behind', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const title = unique('bad');
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ jobtype }, /missing required key "title"/],
        [{ title }, /missing required key "jobtype"/],
        [{ title, jobtype: 5 }, /jobtype/],
        [{ title, jobtype, by: '1' }, /by/],
        [{ title, jobtype, end: 5 }, /start: required/],
        [{ title, jobtype, start: 5, end: 1 }, /end: must not be before start/],
        [{ title, jobtype, by: 0 }, /by/],
        [{ title, jobtype, frobnicate: true }, /unknown key "frobnicate"/],
        [{ title, jobtype, time_submitted: 1 }, /unknown key "time_submitted"/],
        [{ title, jobtype, jobtype_version_id: 1 }, /unknown key "jobtype_version_id"/],
        [{ title, jobtype, job_queue_id: 1 }, /unknown key "job_queue_id"/],
        [{ title, jobtype, cpus: 0.5 }, /cpus/],
        [{ title, jobtype, cpus: 300 }, /cpus/],
        [{ title, jobtype, ram: 8 }, /ram/],
        [{ title, jobtype, priority: 1001 }, /priority/],
        [{ title, jobtype, requeue: -2 }, /requeue/],
        [{ title, jobtype, minimum_agents: 5, maximum_agents: 2 }, /minimum_agents/],
        [{ title, jobtype, environ: { A: 1 } }, /environ/],
        [{ title, jobtype, data: [1] }, /data/],
        [{ title, jobtype, software_requirements: [{ software: 'x', extra: 1 }] }, /unknown key/],
        [{ title, jobtype, software_requirements: {} }, /software_requirements/],
        [{ title, jobtype, tag_requirements: [{ tag: 'a' }, { tag: 'a' }] }, /twice/],
        [{ title, jobtype, parents: [{ id: 'x' }] }, /parents/],
        [{ title: 'x'.repeat(256), jobtype }, /title/],
        [{ title, jobtype, start: 1, end: 2_000_000 }, /tasks|end/],
      ];
      for (const [body, message] of cases) {
        const res = await submit(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(400);
        expect(res.json().error, JSON.stringify(body)).toMatch(message);
      }
      const listed = json<{ title: string }[]>(
        await f.inject({ url: `/api/v1/jobs/?title=${encodeURIComponent(title)}` }),
        200,
      );
      expect(listed).toEqual([]);
    });

    it('answers 404 for unknown references, and a half-done submission leaves no rows', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const title = unique('ref');
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ title, jobtype: unique('nope') }, /jobtype/],
        [{ title, jobtype, jobtype_version: 9 }, /no version 9/],
        [{ title, jobtype, jobqueue: 'no/such/queue' }, /job queue/],
        [{ title, jobtype, parents: [{ id: 999999 }] }, /job 999999/],
        [{ title, jobtype, software_requirements: [{ software: unique('sw') }] }, /software/],
        [{ title, jobtype, tags: ['created-then-rolled-back'], job_group_id: 999999 }, /job group/],
      ];
      for (const [body, message] of cases) {
        const res = await submit(body);
        expect(res.statusCode, JSON.stringify(body)).toBe(404);
        expect(res.json().error, JSON.stringify(body)).toMatch(message);
      }
      const software = await makeSoftware(f, ['1']);
      const badVersion = await submit({
        title,
        jobtype,
        software_requirements: [{ software, min_version: '7' }],
      });
      expect(badVersion.statusCode).toBe(404);
      const db = f.master.context.db;
      expect(await db.selectFrom('jobs').select('id').where('title', '=', title).execute()).toEqual([]);
      expect(
        await db.selectFrom('tags').select('id').where('tag', '=', 'created-then-rolled-back').execute(),
      ).toEqual([]);
    });

    it('lets artists submit only as themselves; agents not at all', async () => {
      const f = farm();
      const jobtype = await makeJobType(f);
      const other = await submit({ title: unique('a'), jobtype, user: 'wrangler-user' }, 'artist');
      expect(other.statusCode).toBe(403);
      const none = await submit({ title: unique('a'), jobtype, user: null }, 'artist');
      expect(none.statusCode).toBe(403);
      const agent = await f.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        as: 'agent',
        payload: { title: 'x', jobtype },
      });
      expect(agent.statusCode).toBe(403);
      const anonymous = await f.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        as: 'anonymous',
        payload: { title: 'x', jobtype },
      });
      expect(anonymous.statusCode).toBe(401);
    });

    it('answers 415 for a body that is not JSON', async () => {
      const res = await farm().inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        headers: { 'content-type': 'text/plain' },
        payload: 'title=x',
      });
      expect(res.statusCode).toBe(415);
    });
  });

  describe('GET /jobs/<x>', () => {
    it('answers 404 for unknown ids and titles, 409 for an ambiguous title', async () => {
      const f = farm();
      expect((await f.inject({ url: '/api/v1/jobs/99999999' })).statusCode).toBe(404);
      expect((await f.inject({ url: `/api/v1/jobs/${unique('none')}` })).statusCode).toBe(404);
      expect((await f.inject({ url: `/api/v1/jobs/${'x'.repeat(300)}` })).statusCode).toBe(404);
      const jobtype = await makeJobType(f);
      const title = unique('twin');
      const a = json<{ id: number }>(await submit({ title, jobtype }), 201);
      const b = json<{ id: number }>(await submit({ title, jobtype }), 201);
      const ambiguous = await f.inject({ url: `/api/v1/jobs/${title}` });
      expect(ambiguous.statusCode).toBe(409);
      expect(ambiguous.json().error).toContain(`ids ${a.id}, ${b.id}`);
      expect(json(await f.inject({ url: `/api/v1/jobs/${b.id}` }), 200).id).toBe(b.id);
    });

    it('serves the job schema', async () => {
      const schema = json<Record<string, string>>(await farm().inject({ url: '/api/v1/jobs/schema' }), 200);
      expect(schema).toMatchObject({
        start: 'NUMERIC(10,4)',
        end: 'NUMERIC(10,4)',
        jobtype: 'VARCHAR(64)',
        jobtype_version: 'INTEGER',
        user: 'VARCHAR(255)',
        jobqueue: 'VARCHAR(255)',
        state: 'WorkStateEnum',
      });
      expect(schema).not.toHaveProperty('jobtype_version_id');
      expect(schema).not.toHaveProperty('user_id');
      expect(schema).not.toHaveProperty('job_queue_id');
    });

    it('needs credentials to read', async () => {
      expect((await farm().inject({ url: '/api/v1/jobs/', as: 'anonymous' })).statusCode).toBe(401);
    });
  });
});
