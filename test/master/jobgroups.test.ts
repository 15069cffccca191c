import { expect, it } from 'vitest';
import { WorkState } from '../../src/core/enums.js';
import { findUser } from '../../src/db/users/user.repository.js';
import { createTasks } from '../../src/db/tasks/task.repository.js';
import { makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

async function createJobType(f: TestMaster): Promise<{ id: number; name: string }> {
  const name = unique('jt');
  const res = await f.inject({ method: 'POST', url: '/api/v1/jobtypes/', payload: { name, code: 'x' } });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id, name };
}

function createGroup(
  f: TestMaster,
  payload: Record<string, unknown>,
  as: 'admin' | 'wrangler' | 'artist' | 'agent' = 'wrangler',
) {
  return f.inject({ method: 'POST', url: '/api/v1/jobgroups/', payload, as });
}

forEachDialectMaster((_dialect, farm) => {
  it('creates, shows and lists job groups', async () => {
    const f = farm();
    const jobtype = await createJobType(f);
    const title = unique('Shot 010');
    const created = await createGroup(f, { title, main_jobtype: jobtype.name, user: 'artist-user' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({
      id: expect.any(Number),
      title,
      main_jobtype: jobtype.name,
      user: 'artist-user',
      jobs: [],
    });
    const { id } = created.json();
    expect((await f.inject({ url: `/api/v1/jobgroups/${id}`, as: 'agent' })).json()).toEqual(created.json());
    expect((await f.inject({ url: '/api/v1/jobgroups/', as: 'artist' })).json()).toContainEqual({
      id,
      title,
      main_jobtype: jobtype.name,
      user: 'artist-user',
    });
    const byId = await createGroup(f, { title: 'by id', main_jobtype: jobtype.id });
    expect(byId.json()).toMatchObject({ main_jobtype: jobtype.name, user: 'wrangler-user' });
    expect((await f.inject({ url: '/api/v1/jobgroups/987654' })).statusCode).toBe(404);
    expect((await f.inject({ url: '/api/v1/jobgroups/abc' })).statusCode).toBe(400);
    expect((await f.inject({ url: '/api/v1/jobgroups/schema' })).json()).toEqual({
      id: 'INTEGER',
      title: 'VARCHAR(255)',
      main_jobtype: 'VARCHAR(64)',
      user: 'VARCHAR(255)',
    });
  });

  it('autocreates unknown owners (PyFarm autocreate_users)', async () => {
    const f = farm();
    const jobtype = await createJobType(f);
    const newcomer = unique('newcomer');
    const created = await createGroup(f, { title: 't', main_jobtype: jobtype.name, user: newcomer });
    expect(created.statusCode).toBe(201);
    const user = await findUser(f.master.context.db, newcomer);
    expect(user).toMatchObject({ username: newcomer, passwordHash: null });
  });

  it('refuses bad bodies and unknown job types', async () => {
    const f = farm();
    const jobtype = await createJobType(f);
    for (const payload of [
      {},
      { title: 't' },
      { main_jobtype: jobtype.name },
      { title: '', main_jobtype: jobtype.name },
      { title: 't', main_jobtype: jobtype.name, colour: 'red' },
      { title: 't', main_jobtype: true },
      { title: 7, main_jobtype: jobtype.name },
      { title: 't', main_jobtype: jobtype.name, user: 5 },
    ]) {
      const res = await createGroup(f, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const unknown = await createGroup(f, { title: 't', main_jobtype: unique('nope') });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toMatch(/jobtype/);
  });

  it('lets artists manage only their own groups; wranglers manage all', async () => {
    const f = farm();
    const jobtype = await createJobType(f);
    const own = await createGroup(f, { title: 'mine', main_jobtype: jobtype.name }, 'artist');
    expect(own.statusCode).toBe(201);
    expect(own.json().user).toBe('artist-user');
    expect(
      (await createGroup(f, { title: 'x', main_jobtype: jobtype.name, user: 'wrangler-user' }, 'artist'))
        .statusCode,
    ).toBe(403);
    expect((await createGroup(f, { title: 'x', main_jobtype: jobtype.name }, 'agent')).statusCode).toBe(403);
    const theirs = (
      await createGroup(f, { title: 'theirs', main_jobtype: jobtype.name, user: 'wrangler-user' })
    ).json();
    const post = (id: number, payload: Record<string, unknown>, as: 'artist' | 'wrangler') =>
      f.inject({ method: 'POST', url: `/api/v1/jobgroups/${id}`, payload, as });
    expect((await post(theirs.id, { title: 'stolen' }, 'artist')).statusCode).toBe(403);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobgroups/${theirs.id}`, as: 'artist' })).statusCode,
    ).toBe(403);
    expect((await post(own.json().id, { user: 'wrangler-user' }, 'artist')).statusCode).toBe(403);
    const renamed = await post(own.json().id, { title: 'still mine' }, 'artist');
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ title: 'still mine', user: 'artist-user' });
    const reassigned = await post(
      own.json().id,
      { user: 'wrangler-user', main_jobtype: jobtype.id },
      'wrangler',
    );
    expect(reassigned.json()).toMatchObject({
      user: 'wrangler-user',
      main_jobtype: jobtype.name,
      title: 'still mine',
    });
    expect((await post(own.json().id, { user: null }, 'wrangler')).json().user).toBeNull();
    expect((await post(own.json().id, { colour: 1 }, 'wrangler')).statusCode).toBe(400);
    expect((await post(own.json().id, { main_jobtype: unique('nope') }, 'wrangler')).statusCode).toBe(404);
    expect((await post(987654, { title: 'x' }, 'wrangler')).statusCode).toBe(404);
    expect((await post(987654, { title: 'x' }, 'artist')).statusCode).toBe(404);
  });

  it('lists a group’s jobs with task counts and refuses to delete it while it has jobs', async () => {
    const f = farm();
    const db = f.master.context.db;
    const jobtype = await createJobType(f);
    const group = (await createGroup(f, { title: 'g', main_jobtype: jobtype.name })).json();
    const version = await db
      .selectFrom('jobtype_versions')
      .select(['id', 'version'])
      .where('jobtype_id', '=', jobtype.id)
      .executeTakeFirstOrThrow();
    const job = await makeJob(db, { jobGroupId: group.id, jobtypeVersionId: version.id, state: 'running' });
    await createTasks(db, job.id, [{ frame: 1 }, { frame: 2 }, { frame: 3 }, { frame: 4 }, { frame: 5 }]);
    const tasks = await db
      .selectFrom('tasks')
      .select('id')
      .where('job_id', '=', job.id)
      .orderBy('frame')
      .execute();
    const states = [
      WorkState.values.RUNNING,
      WorkState.values.DONE,
      WorkState.values.DONE,
      WorkState.values.FAILED,
    ];
    for (const [i, state] of states.entries()) {
      await db.updateTable('tasks').set({ state }).where('id', '=', tasks[i]!.id).execute();
    }
    const queued = await makeJob(db, { jobGroupId: group.id, jobtypeVersionId: version.id });
    const res = await f.inject({ url: `/api/v1/jobgroups/${group.id}/jobs`, as: 'artist' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      jobs: [
        {
          id: job.id,
          title: job.title,
          state: 'running',
          jobtype_id: jobtype.id,
          jobtype: jobtype.name,
          jobtype_version: 1,
          tasks_queued: 1,
          tasks_running: 1,
          tasks_done: 2,
          tasks_failed: 1,
        },
        {
          id: queued.id,
          title: queued.title,
          state: 'queued',
          jobtype_id: jobtype.id,
          jobtype: jobtype.name,
          jobtype_version: 1,
          tasks_queued: 0,
          tasks_running: 0,
          tasks_done: 0,
          tasks_failed: 0,
        },
      ],
    });
    expect((await f.inject({ url: `/api/v1/jobgroups/${group.id}` })).json().jobs).toEqual([
      { id: job.id, title: job.title },
      { id: queued.id, title: queued.title },
    ]);
    expect((await f.inject({ url: '/api/v1/jobgroups/987654/jobs' })).statusCode).toBe(404);
    const refused = await f.inject({ method: 'DELETE', url: `/api/v1/jobgroups/${group.id}` });
    expect(refused.statusCode).toBe(409);
    // A job type in use by jobs cannot be deleted.
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${jobtype.name}` })).statusCode).toBe(
      409,
    );
    await db.deleteFrom('jobs').where('id', 'in', [job.id, queued.id]).execute();
    expect((await f.inject({ url: `/api/v1/jobgroups/${group.id}/jobs` })).json()).toEqual({ jobs: [] });
    const mainOfGroup = await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${jobtype.name}` });
    expect(mainOfGroup.statusCode).toBe(409);
    expect(mainOfGroup.json().error).toMatch(/main jobtype of job group/);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobgroups/${group.id}`, as: 'wrangler' })).statusCode,
    ).toBe(204);
    expect((await f.inject({ url: `/api/v1/jobgroups/${group.id}` })).statusCode).toBe(404);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobgroups/${group.id}` })).statusCode).toBe(204);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${jobtype.name}` })).statusCode).toBe(
      204,
    );
  });
});
