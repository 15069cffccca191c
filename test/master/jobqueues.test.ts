import { expect, it } from 'vitest';
import type { FarmEvent } from '../../src/master/events/farm-events.js';
import { makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

function createQueue(
  f: TestMaster,
  payload: Record<string, unknown>,
  as: 'admin' | 'wrangler' | 'artist' = 'wrangler',
) {
  return f.inject({ method: 'POST', url: '/api/v1/jobqueues/', payload, as });
}

/** Records farm events until the returned function is called; events are delivered on a microtask. */
function recordEvents(f: TestMaster): () => Promise<FarmEvent[]> {
  const seen: FarmEvent[] = [];
  const off = f.master.context.events.on((e) => seen.push(e));
  return async () => {
    await new Promise((resolve) => setImmediate(resolve));
    off();
    return seen;
  };
}

forEachDialectMaster((_dialect, farm) => {
  it('creates queues in a tree and shows paths, children and jobs', async () => {
    const f = farm();
    const stop = recordEvents(f);
    const name = unique('studio');
    const root = await createQueue(f, { name });
    expect(root.statusCode).toBe(201);
    expect(root.json()).toEqual({
      id: expect.any(Number),
      name,
      fullpath: `/${name}`,
      parent_jobqueue_id: null,
      priority: 0,
      weight: 10,
      minimum_agents: null,
      maximum_agents: null,
      parent: null,
      children: [],
      jobs: [],
    });
    const rootId = root.json().id;
    const child = await createQueue(f, {
      name: 'lighting',
      parent_jobqueue_id: rootId,
      priority: 5,
      weight: 30,
      minimum_agents: 2,
      maximum_agents: 10,
    });
    expect(child.statusCode).toBe(201);
    expect(child.json()).toMatchObject({
      name: 'lighting',
      fullpath: `/${name}/lighting`,
      parent_jobqueue_id: rootId,
      parent: { id: rootId, name, fullpath: `/${name}` },
      priority: 5,
      weight: 30,
      minimum_agents: 2,
      maximum_agents: 10,
    });
    const job = await makeJob(f.master.context.db, { jobQueueId: child.json().id });
    const byPath = await f.inject({
      url: `/api/v1/jobqueues/${encodeURIComponent(`/${name}/lighting`)}`,
      as: 'artist',
    });
    expect(byPath.statusCode).toBe(200);
    expect(byPath.json().jobs).toEqual([{ id: job.id, title: job.title }]);
    const byName = await f.inject({ url: `/api/v1/jobqueues/${name}`, as: 'agent' });
    expect(byName.json().children).toEqual([
      { id: child.json().id, name: 'lighting', fullpath: `/${name}/lighting` },
    ]);
    expect((await f.inject({ url: `/api/v1/jobqueues/${rootId}` })).json()).toEqual(byName.json());
    const list = (await f.inject({ url: '/api/v1/jobqueues/' })).json();
    expect(list).toContainEqual({
      id: rootId,
      name,
      fullpath: `/${name}`,
      parent_jobqueue_id: null,
      priority: 0,
      weight: 10,
      minimum_agents: null,
      maximum_agents: null,
    });
    const events = await stop();
    expect(events).toEqual([
      { type: 'queue.changed', queueId: rootId },
      { type: 'queue.changed', queueId: child.json().id },
    ]);
    expect((await f.inject({ url: '/api/v1/jobqueues/schema' })).json()).toMatchObject({
      name: 'VARCHAR(255)',
    });
  });

  it('keeps sibling names unique and asks for a path when a name is ambiguous', async () => {
    const f = farm();
    const a = unique('show');
    const b = unique('show');
    const qa = (await createQueue(f, { name: a })).json();
    const qb = (await createQueue(f, { name: b })).json();
    expect((await createQueue(f, { name: a })).statusCode).toBe(409);
    expect((await createQueue(f, { name: 'comp', parent_jobqueue_id: qa.id })).statusCode).toBe(201);
    expect((await createQueue(f, { name: 'comp', parent_jobqueue_id: qa.id })).statusCode).toBe(409);
    expect((await createQueue(f, { name: 'comp', parent_jobqueue_id: qb.id })).statusCode).toBe(201);
    const ambiguous = await f.inject({ url: '/api/v1/jobqueues/comp' });
    expect(ambiguous.statusCode).toBe(400);
    expect(ambiguous.json().error).toMatch(/ambiguous/);
    expect(
      (await f.inject({ url: `/api/v1/jobqueues/${encodeURIComponent(`${b}/comp`)}` })).json().parent.id,
    ).toBe(qb.id);
    expect((await f.inject({ url: `/api/v1/jobqueues/${unique('none')}` })).statusCode).toBe(404);
  });

  it('refuses bad queue bodies and roles', async () => {
    const f = farm();
    for (const payload of [
      {},
      { name: '' },
      { name: 'a/b' },
      { name: 5 },
      { name: unique('q'), priority: 'high' },
      { name: unique('q'), weight: -1 },
      { name: unique('q'), minimum_agents: -1 },
      { name: unique('q'), minimum_agents: 5, maximum_agents: 2 },
      { name: unique('q'), priority: 5000 },
      { name: unique('q'), colour: 'red' },
      { name: unique('q'), parent_jobqueue_id: 'root' },
    ]) {
      const res = await createQueue(f, payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
    }
    expect((await createQueue(f, { name: unique('q'), parent_jobqueue_id: 99999999 })).statusCode).toBe(404);
    expect((await createQueue(f, { name: unique('q') }, 'artist')).statusCode).toBe(403);
    expect(
      (await f.inject({ method: 'POST', url: '/api/v1/jobqueues/', payload: { name: 'x' }, as: 'anonymous' }))
        .statusCode,
    ).toBe(401);
  });

  it('updates given fields, renames subtrees, and never moves a queue', async () => {
    const f = farm();
    const name = unique('dept');
    const root = (await createQueue(f, { name })).json();
    const child = (await createQueue(f, { name: 'fx', parent_jobqueue_id: root.id })).json();
    const stop = recordEvents(f);
    const changed = await f.inject({
      method: 'POST',
      url: `/api/v1/jobqueues/${name}`,
      payload: { priority: 6 },
      as: 'wrangler',
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ priority: 6, weight: 10, name });
    const renamed = unique('dept');
    const rename = await f.inject({
      method: 'POST',
      url: `/api/v1/jobqueues/${root.id}`,
      payload: { name: renamed, parent_jobqueue_id: null, maximum_agents: null },
    });
    expect(rename.statusCode).toBe(200);
    expect((await f.inject({ url: `/api/v1/jobqueues/${child.id}` })).json().fullpath).toBe(`/${renamed}/fx`);
    expect(await stop()).toEqual([
      { type: 'queue.changed', queueId: root.id },
      { type: 'queue.changed', queueId: root.id },
    ]);
    const move = await f.inject({
      method: 'POST',
      url: `/api/v1/jobqueues/${child.id}`,
      payload: { parent_jobqueue_id: null },
    });
    expect(move.statusCode).toBe(400);
    expect(move.json().error).toMatch(/parent_jobqueue_id/);
    for (const payload of [{ priority: 'x' }, { id: 3 }, { weight: 1.5 }, { name: 'a/b' }]) {
      expect(
        (await f.inject({ method: 'POST', url: `/api/v1/jobqueues/${child.id}`, payload })).statusCode,
      ).toBe(400);
    }
    const sibling = (await createQueue(f, { name: 'comp', parent_jobqueue_id: root.id })).json();
    expect(
      (await f.inject({ method: 'POST', url: `/api/v1/jobqueues/${sibling.id}`, payload: { name: 'fx' } }))
        .statusCode,
    ).toBe(409);
    expect(
      (await f.inject({ method: 'POST', url: `/api/v1/jobqueues/${unique('none')}`, payload: {} }))
        .statusCode,
    ).toBe(404);
    expect(
      (await f.inject({ method: 'POST', url: `/api/v1/jobqueues/${child.id}`, payload: {}, as: 'artist' }))
        .statusCode,
    ).toBe(403);
  });

  it('deletes empty queues only; unknown queues are already gone', async () => {
    const f = farm();
    const name = unique('tmp');
    const root = (await createQueue(f, { name })).json();
    const child = (await createQueue(f, { name: 'sub', parent_jobqueue_id: root.id })).json();
    const withChildren = await f.inject({
      method: 'DELETE',
      url: `/api/v1/jobqueues/${root.id}`,
      as: 'wrangler',
    });
    expect(withChildren.statusCode).toBe(409);
    expect(withChildren.json().error).toMatch(/child queues/);
    const job = await makeJob(f.master.context.db, { jobQueueId: child.id });
    const withJobs = await f.inject({ method: 'DELETE', url: `/api/v1/jobqueues/${child.id}` });
    expect(withJobs.statusCode).toBe(409);
    expect(withJobs.json().error).toMatch(/jobs/);
    await f.master.context.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobqueues/${child.id}`, as: 'artist' })).statusCode,
    ).toBe(403);
    const stop = recordEvents(f);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobqueues/${child.id}`, as: 'wrangler' })).statusCode,
    ).toBe(204);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobqueues/${name}` })).statusCode).toBe(204);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobqueues/${name}` })).statusCode).toBe(204);
    expect((await f.inject({ method: 'DELETE', url: '/api/v1/jobqueues/987654321' })).statusCode).toBe(204);
    expect(await stop()).toEqual([
      { type: 'queue.changed', queueId: child.id },
      { type: 'queue.changed', queueId: root.id },
    ]);
    expect((await f.inject({ url: `/api/v1/jobqueues/${root.id}` })).statusCode).toBe(404);
  });
});
