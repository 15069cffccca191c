import { expect, it } from 'vitest';
import { setJobSoftwareRequirements } from '../../src/db/jobs/job-associations.repository.js';
import { makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const DISCOVERY = 'export function blenderInstalled() { return true; }\n';

function post(
  f: TestMaster,
  url: string,
  payload: unknown,
  as: 'admin' | 'wrangler' | 'artist' | 'agent' = 'admin',
) {
  return f.inject({ method: 'POST', url, payload: payload as object, as });
}

forEachDialectMaster((_dialect, farm) => {
  it('creates software with ranked versions and lists it', async () => {
    const f = farm();
    const software = unique('Maya');
    const created = await post(
      f,
      '/api/v1/software/',
      {
        software,
        versions: [
          { version: '2013' },
          { version: '2014' },
          { version: '2015', rank: 250 },
          { version: '2016' },
        ],
      },
      'wrangler',
    );
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toEqual({
      id: expect.any(Number),
      software,
      versions: [
        { id: expect.any(Number), version: '2013', rank: 100, default: false, discovery_function_name: null },
        { id: expect.any(Number), version: '2014', rank: 200, default: false, discovery_function_name: null },
        { id: expect.any(Number), version: '2015', rank: 250, default: false, discovery_function_name: null },
        { id: expect.any(Number), version: '2016', rank: 400, default: false, discovery_function_name: null },
      ],
    });
    expect((await f.inject({ url: '/api/v1/software/', as: 'artist' })).json()).toContainEqual(body);
    expect((await f.inject({ url: `/api/v1/software/${body.id}`, as: 'agent' })).json()).toEqual(body);
    expect((await f.inject({ url: `/api/v1/software/${encodeURIComponent(software)}` })).json()).toEqual(
      body,
    );
    expect(
      (await f.inject({ url: `/api/v1/software/${encodeURIComponent(software)}/versions/` })).json(),
    ).toEqual(body.versions);
    // Version segments are version strings even when they are digits.
    const v2014 = await f.inject({ url: `/api/v1/software/${body.id}/versions/2014` });
    expect(v2014.json()).toEqual(body.versions[1]);
    expect(
      (await f.inject({ url: `/api/v1/software/${body.id}/versions/${body.versions[1].id}` })).statusCode,
    ).toBe(404);
    expect((await f.inject({ url: `/api/v1/software/${unique('x')}` })).statusCode).toBe(404);
    expect((await f.inject({ url: `/api/v1/software/${unique('x')}/versions/` })).statusCode).toBe(404);
    expect((await f.inject({ url: '/api/v1/software/schema' })).json()).toEqual({
      id: 'INTEGER',
      software: 'VARCHAR(64)',
    });
  });

  it('refuses duplicates and bad input without leaving rows behind', async () => {
    const f = farm();
    const software = unique('Nuke');
    expect((await post(f, '/api/v1/software/', { software })).statusCode).toBe(201);
    const dup = await post(f, '/api/v1/software/', { software });
    expect(dup.statusCode).toBe(409);
    const ghost = unique('Houdini');
    const rankClash = await post(f, '/api/v1/software/', {
      software: ghost,
      versions: [
        { version: '1', rank: 100 },
        { version: '2', rank: 100 },
      ],
    });
    expect(rankClash.statusCode).toBe(409);
    expect(rankClash.json().error).toMatch(/rank/);
    expect((await f.inject({ url: `/api/v1/software/${ghost}` })).statusCode).toBe(404);
    const versionClash = await post(f, '/api/v1/software/', {
      software: ghost,
      versions: [{ version: '1' }, { version: '1' }],
    });
    expect(versionClash.statusCode).toBe(409);
    expect((await f.inject({ url: `/api/v1/software/${ghost}` })).statusCode).toBe(404);
    for (const payload of [
      {},
      { software: 5 },
      { software: '' },
      { software: ghost, versions: 'x' },
      { software: ghost, versions: [{ version: 1 }] },
      { software: ghost, versions: [{ version: '1', rank: 'high' }] },
      { software: ghost, versions: [{ version: '1', colour: 'red' }] },
      { software: ghost, colour: 'red' },
      { software: ghost, versions: [{ version: '1', discovery_code: DISCOVERY }] },
    ]) {
      const res = await post(f, '/api/v1/software/', payload);
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error).toEqual(expect.any(String));
    }
    expect((await f.inject({ url: `/api/v1/software/${ghost}` })).statusCode).toBe(404);
    const nonJson = await f.inject({
      method: 'POST',
      url: '/api/v1/software/',
      headers: { 'content-type': 'application/xml' },
      payload: '<software/>',
    });
    expect(nonJson.statusCode).toBe(415);
    expect((await post(f, '/api/v1/software/', { software: unique('x') }, 'artist')).statusCode).toBe(403);
    expect((await post(f, '/api/v1/software/', { software: unique('x') }, 'agent')).statusCode).toBe(403);
  });

  it('adds versions with default ranks (max + 100, rounded up to a multiple of 100)', async () => {
    const f = farm();
    const software = unique('Blender');
    await post(f, '/api/v1/software/', { software, versions: [{ version: '2.69', rank: 150 }] });
    const url = `/api/v1/software/${software}/versions/`;
    const next = await post(f, url, { version: '2.70' }, 'wrangler');
    expect(next.statusCode).toBe(201);
    expect(next.json()).toEqual({
      id: expect.any(Number),
      version: '2.70',
      rank: 300,
      default: false,
      discovery_function_name: null,
    });
    expect((await post(f, url, { version: '2.71', rank: 300 })).statusCode).toBe(409);
    expect((await post(f, url, { version: '2.70' })).statusCode).toBe(409);
    expect((await post(f, url, { version: '2.71', default: true })).json()).toMatchObject({
      rank: 400,
      default: true,
    });
    expect((await post(f, url, { rank: 5 })).statusCode).toBe(400);
    expect((await post(f, `/api/v1/software/${unique('x')}/versions/`, { version: '1' })).statusCode).toBe(
      404,
    );
    const versions = (await f.inject({ url })).json();
    expect(versions.map((v: { version: string }) => v.version)).toEqual(['2.69', '2.70', '2.71']);
  });

  it('serves discovery code that only admins set', async () => {
    const f = farm();
    const software = unique('Blender');
    await post(f, '/api/v1/software/', { software, versions: [{ version: '2.72' }] });
    const url = `/api/v1/software/${software}/versions/`;
    const byWrangler = await post(
      f,
      url,
      { version: '2.73', discovery_code: DISCOVERY, discovery_function_name: 'blenderInstalled' },
      'wrangler',
    );
    expect(byWrangler.statusCode).toBe(403);
    expect((await post(f, `${url}2.72`, { discovery_code: null }, 'wrangler')).statusCode).toBe(403);
    const byAdmin = await post(f, url, {
      version: '2.73',
      discovery_code: DISCOVERY,
      discovery_function_name: 'blenderInstalled',
    });
    expect(byAdmin.statusCode).toBe(201);
    expect(byAdmin.json().discovery_function_name).toBe('blenderInstalled');
    for (const path of ['code', 'discovery_code']) {
      const code = await f.inject({ url: `${url}2.73/${path}`, as: 'agent' });
      expect(code.statusCode).toBe(200);
      expect(code.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect(code.body).toBe(DISCOVERY);
      const none = await f.inject({ url: `${url}2.72/${path}` });
      expect(none.statusCode).toBe(404);
      expect(none.json().error).toMatch(/no discovery code/);
    }
    expect((await f.inject({ url: `${url}9.99/code` })).statusCode).toBe(404);
    const halfPair = await post(f, url, { version: '2.74', discovery_code: DISCOVERY });
    expect(halfPair.statusCode).toBe(400);
    const changed = await post(f, `${url}2.72`, { rank: 50, default: true }, 'wrangler');
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({ version: '2.72', rank: 50, default: true });
    expect((await post(f, `${url}2.72`, { rank: 200 })).statusCode).toBe(409);
    expect((await post(f, `${url}2.72`, { version: '2.73' })).statusCode).toBe(409);
    expect((await post(f, `${url}2.72`, { colour: 1 })).statusCode).toBe(400);
    expect((await post(f, `${url}9.99`, { rank: 1 })).statusCode).toBe(404);
  });

  it('creates with PUT under its name, renames by id and replaces the versions', async () => {
    const f = farm();
    const software = unique('Katana');
    const created = await f.inject({
      method: 'PUT',
      url: `/api/v1/software/${software}`,
      as: 'wrangler',
      payload: { software, versions: [{ version: '1.0' }, { version: '2.0' }] },
    });
    expect(created.statusCode).toBe(201);
    const { id } = created.json();
    const mismatch = await f.inject({
      method: 'PUT',
      url: `/api/v1/software/${software}`,
      payload: { software: 'other' },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error).toMatch(/^software:/);
    const renamed = unique('Katana');
    const updated = await f.inject({
      method: 'PUT',
      url: `/api/v1/software/${id}`,
      payload: { software: renamed, versions: [{ version: '2.0', rank: 500 }, { version: '3.0' }] },
    });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({
      id,
      software: renamed,
      versions: [
        { version: '2.0', rank: 500 },
        { version: '3.0', rank: 600 },
      ],
    });
    const unchanged = await f.inject({
      method: 'PUT',
      url: `/api/v1/software/${renamed}`,
      payload: { software: renamed },
    });
    expect(unchanged.statusCode).toBe(200);
    expect(unchanged.json().versions).toHaveLength(2);
    expect(
      (await f.inject({ method: 'PUT', url: '/api/v1/software/999999', payload: { software: 'x' } }))
        .statusCode,
    ).toBe(404);
    const other = unique('Mari');
    await post(f, '/api/v1/software/', { software: other });
    expect(
      (await f.inject({ method: 'PUT', url: `/api/v1/software/${id}`, payload: { software: other } }))
        .statusCode,
    ).toBe(409);
    expect(
      (
        await f.inject({
          method: 'PUT',
          url: `/api/v1/software/${id}`,
          payload: { software: renamed, versions: [{ version: 'a' }, { version: 'a' }] },
        })
      ).statusCode,
    ).toBe(400);
    expect(
      (
        await f.inject({
          method: 'PUT',
          url: `/api/v1/software/${id}`,
          payload: { software: renamed },
          as: 'artist',
        })
      ).statusCode,
    ).toBe(403);
  });

  it('refuses to delete versions that bound requirements and software that is required', async () => {
    const f = farm();
    const software = unique('Arnold');
    await post(f, '/api/v1/software/', {
      software,
      versions: [{ version: '5' }, { version: '6' }, { version: '7' }],
    });
    const jobtype = unique('jt');
    expect(
      (
        await post(f, '/api/v1/jobtypes/', {
          name: jobtype,
          code: 'x',
          software_requirements: [{ software, min_version: '6' }],
        })
      ).statusCode,
    ).toBe(201);
    const db = f.master.context.db;
    const job = await makeJob(db);
    await setJobSoftwareRequirements(db, job.id, [{ software, maxVersion: '7' }]);
    const url = `/api/v1/software/${software}`;
    const min = await f.inject({ method: 'DELETE', url: `${url}/versions/6`, as: 'wrangler' });
    expect(min.statusCode).toBe(409);
    expect(min.json().error).toMatch(/minimum/);
    expect((await f.inject({ method: 'DELETE', url: `${url}/versions/7` })).statusCode).toBe(409);
    expect((await f.inject({ method: 'DELETE', url: `${url}/versions/5`, as: 'artist' })).statusCode).toBe(
      403,
    );
    expect((await f.inject({ method: 'DELETE', url: `${url}/versions/5`, as: 'wrangler' })).statusCode).toBe(
      204,
    );
    expect((await f.inject({ method: 'DELETE', url: `${url}/versions/5` })).statusCode).toBe(204);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/software/${unique('x')}/versions/5` })).statusCode,
    ).toBe(404);
    const replace = await f.inject({
      method: 'PUT',
      url,
      payload: { software, versions: [{ version: '7' }] },
    });
    expect(replace.statusCode).toBe(409);
    expect((await f.inject({ url: `${url}/versions/` })).json()).toHaveLength(2);
    const required = await f.inject({ method: 'DELETE', url, as: 'wrangler' });
    expect(required.statusCode).toBe(409);
    expect(required.json().error).toMatch(/required by job/);
    await db.deleteFrom('jobs').where('id', '=', job.id).execute();
    expect((await f.inject({ method: 'DELETE', url })).json().error).toMatch(/jobtype/);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${jobtype}` })).statusCode).toBe(204);
    expect((await f.inject({ method: 'DELETE', url, as: 'wrangler' })).statusCode).toBe(204);
    expect((await f.inject({ url })).statusCode).toBe(404);
    expect((await f.inject({ method: 'DELETE', url })).statusCode).toBe(204);
  });
});
