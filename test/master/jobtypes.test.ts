import { expect, it } from 'vitest';
import { unique } from '../support/fixtures.js';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';
import { makeJob } from '../support/fixtures.js';

const CODE = "import { JobType } from 'drover/jobtype';\nexport default class Touch extends JobType {}\n";

async function createSoftware(f: TestMaster, versions: string[]): Promise<string> {
  const software = unique('sw');
  const res = await f.inject({
    method: 'POST',
    url: '/api/v1/software/',
    payload: { software, versions: versions.map((version) => ({ version })) },
  });
  expect(res.statusCode).toBe(201);
  return software;
}

async function createJobType(f: TestMaster, extra: Record<string, unknown> = {}): Promise<string> {
  const name = unique('jt');
  const res = await f.inject({
    method: 'POST',
    url: '/api/v1/jobtypes/',
    payload: { name, code: CODE, ...extra },
  });
  expect(res.statusCode).toBe(201);
  return name;
}

forEachDialectMaster((_dialect, farm) => {
  it('creates a job type with version 1 and shows every field', async () => {
    const f = farm();
    const software = await createSoftware(f, ['8.20', '8.21']);
    const name = unique('jt');
    const created = await f.inject({
      method: 'POST',
      url: '/api/v1/jobtypes/',
      payload: {
        name,
        code: CODE,
        description: 'touches files',
        classname: 'Touch',
        max_batch: null,
        software_requirements: [{ software, min_version: '8.21' }],
        fail_subject: 'Job {{ job.title }} broke',
      },
    });
    expect(created.statusCode).toBe(201);
    const body = created.json();
    expect(body).toEqual({
      id: expect.any(Number),
      name,
      description: 'touches files',
      version: 1,
      code: CODE,
      classname: 'Touch',
      max_batch: null,
      batch_contiguous: true,
      no_automatic_start_time: false,
      supports_tiling: false,
      success_subject: null,
      success_body: null,
      fail_subject: 'Job {{ job.title }} broke',
      fail_body: null,
      software_requirements: [
        {
          software_id: expect.any(Number),
          software,
          min_version_id: expect.any(Number),
          min_version: '8.21',
          max_version_id: null,
          max_version: null,
        },
      ],
    });
    const byId = await f.inject({ url: `/api/v1/jobtypes/${body.id}`, as: 'artist' });
    expect(byId.json()).toEqual(body);
    const byName = await f.inject({ url: `/api/v1/jobtypes/${encodeURIComponent(name)}/`, as: 'agent' });
    expect(byName.json()).toEqual(body);
    const list = await f.inject({ url: '/api/v1/jobtypes', as: 'artist' });
    expect(list.json()).toContainEqual({ id: body.id, name });
    const defaults = await f.inject({ url: `/api/v1/jobtypes/${await createJobType(f)}` });
    expect(defaults.json()).toMatchObject({ max_batch: 1, classname: null, description: null });
  });

  it('refuses bad job type bodies, duplicates and unknown software', async () => {
    const f = farm();
    const name = await createJobType(f);
    const post = (payload: unknown) =>
      f.inject({ method: 'POST', url: '/api/v1/jobtypes/', payload: payload as object });
    expect((await post({ name, code: CODE })).statusCode).toBe(409);
    expect((await post({ name: unique('jt') })).json().error).toMatch(/missing required key "code"/);
    expect((await post({ code: CODE })).json().error).toMatch(/missing required key "name"/);
    expect((await post({ name: unique('jt'), code: CODE, colour: 'red' })).json().error).toBe(
      'unknown key "colour"',
    );
    expect((await post({ name: unique('jt'), code: CODE, max_batch: 0 })).statusCode).toBe(400);
    expect((await post({ name: unique('jt'), code: CODE, max_batch: 'many' })).statusCode).toBe(400);
    expect((await post({ name: 'x'.repeat(65), code: CODE })).statusCode).toBe(400);
    expect(
      (await post({ name: unique('jt'), code: CODE, software_requirements: 'blender' })).statusCode,
    ).toBe(400);
    expect(
      (await post({ name: unique('jt'), code: CODE, software_requirements: ['blender'] })).statusCode,
    ).toBe(400);
    expect(
      (await post({ name: unique('jt'), code: CODE, software_requirements: [{ software: 'blender', x: 1 }] }))
        .statusCode,
    ).toBe(400);
    const ghost = unique('jt');
    const unknown = await post({
      name: ghost,
      code: CODE,
      software_requirements: [{ software: unique('nope') }],
    });
    expect(unknown.statusCode).toBe(404);
    expect((await f.inject({ url: `/api/v1/jobtypes/${ghost}` })).statusCode).toBe(404);
    const software = await createSoftware(f, ['1']);
    const badVersion = await post({
      name: unique('jt'),
      code: CODE,
      software_requirements: [{ software, min_version: '2' }],
    });
    expect(badVersion.statusCode).toBe(404);
    const nonJson = await f.inject({
      method: 'POST',
      url: '/api/v1/jobtypes/',
      headers: { 'content-type': 'text/plain' },
      payload: 'name=x',
    });
    expect(nonJson.statusCode).toBe(415);
  });

  it('lets only admins change job types; everyone reads them', async () => {
    const f = farm();
    const name = await createJobType(f);
    for (const as of ['wrangler', 'artist', 'agent'] as const) {
      const post = await f.inject({
        method: 'POST',
        url: '/api/v1/jobtypes/',
        as,
        payload: { name: unique('jt'), code: CODE },
      });
      expect(post.statusCode).toBe(403);
      const put = await f.inject({
        method: 'PUT',
        url: `/api/v1/jobtypes/${name}`,
        as,
        payload: { name, code: CODE },
      });
      expect(put.statusCode).toBe(403);
      expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}`, as })).statusCode).toBe(
        403,
      );
      expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/1/code`, as })).statusCode).toBe(200);
    }
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}`, as: 'anonymous' })).statusCode).toBe(401);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}`, as: 'anonymous' })).statusCode,
    ).toBe(401);
  });

  it('adds versions with PUT, keeping requirements unless given, and creates by name', async () => {
    const f = farm();
    const software = await createSoftware(f, ['1.0', '2.0']);
    const name = await createJobType(f, {
      software_requirements: [{ software, max_version: '2.0' }],
      description: 'd',
    });
    const v2 = await f.inject({
      method: 'PUT',
      url: `/api/v1/jobtypes/${name}`,
      payload: { name, code: 'v2', max_batch: 4 },
    });
    expect(v2.statusCode).toBe(201);
    expect(v2.json()).toMatchObject({ version: 2, code: 'v2', max_batch: 4, description: 'd' });
    expect(v2.json().software_requirements).toEqual([
      expect.objectContaining({ software, max_version: '2.0' }),
    ]);
    const v3 = await f.inject({
      method: 'PUT',
      url: `/api/v1/jobtypes/${v2.json().id}`,
      payload: { name, code: 'v3', software_requirements: [] },
    });
    expect(v3.json()).toMatchObject({ version: 3, software_requirements: [] });
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).json()).toEqual([1, 2, 3]);
    const v1 = await f.inject({ url: `/api/v1/jobtypes/${name}/versions/1` });
    expect(v1.json()).toMatchObject({ version: 1, code: CODE, max_batch: 1 });
    expect(v1.json().software_requirements).toHaveLength(1);

    const code = await f.inject({ url: `/api/v1/jobtypes/${name}/versions/2/code`, as: 'agent' });
    expect(code.statusCode).toBe(200);
    expect(code.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(code.body).toBe('v2');
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/9/code` })).statusCode).toBe(404);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/x` })).statusCode).toBe(400);

    const fresh = unique('jt');
    const created = await f.inject({
      method: 'PUT',
      url: `/api/v1/jobtypes/${fresh}`,
      payload: { name: fresh, code: CODE },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ name: fresh, version: 1 });
    const mismatch = await f.inject({
      method: 'PUT',
      url: `/api/v1/jobtypes/${unique('jt')}`,
      payload: { name: fresh, code: CODE },
    });
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json().error).toMatch(/^name:/);
    expect(
      (
        await f.inject({
          method: 'PUT',
          url: '/api/v1/jobtypes/999999',
          payload: { name: fresh, code: CODE },
        })
      ).statusCode,
    ).toBe(404);
    expect(
      (await f.inject({ method: 'PUT', url: `/api/v1/jobtypes/${fresh}`, payload: { name: fresh } }))
        .statusCode,
    ).toBe(400);
    // Renaming onto another job type's name is a conflict and leaves no new version behind.
    expect(
      (await f.inject({ method: 'PUT', url: `/api/v1/jobtypes/${fresh}`, payload: { name, code: 'x' } }))
        .statusCode,
    ).toBe(409);
    expect((await f.inject({ url: `/api/v1/jobtypes/${fresh}/versions/` })).json()).toEqual([1]);
  });

  it('changes the job type fields and mail templates without a new version', async () => {
    const f = farm();
    const name = await createJobType(f);
    const changed = await f.inject({
      method: 'POST',
      url: `/api/v1/jobtypes/${name}`,
      payload: { success_subject: 'done: {{ job.title }}', success_body: 'yay', description: 'new' },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toMatchObject({
      version: 1,
      success_subject: 'done: {{ job.title }}',
      success_body: 'yay',
      description: 'new',
    });
    expect(
      (await f.inject({ method: 'POST', url: `/api/v1/jobtypes/${name}`, payload: { code: 'x' } }))
        .statusCode,
    ).toBe(400);
    expect(
      (await f.inject({ method: 'POST', url: `/api/v1/jobtypes/${unique('jt')}`, payload: {} })).statusCode,
    ).toBe(404);
  });

  it('deletes versions and job types, refusing while jobs use them', async () => {
    const f = farm();
    const name = await createJobType(f);
    await f.inject({ method: 'PUT', url: `/api/v1/jobtypes/${name}`, payload: { name, code: 'v2' } });
    const { id } = (await f.inject({ url: `/api/v1/jobtypes/${name}` })).json();
    const v1 = await f.master.context.db
      .selectFrom('jobtype_versions')
      .select('id')
      .where('jobtype_id', '=', id)
      .where('version', '=', 1)
      .executeTakeFirstOrThrow();
    const job = await makeJob(f.master.context.db, { jobtypeVersionId: v1.id });
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}/versions/1` })).statusCode,
    ).toBe(409);
    const refused = await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}` });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error).toMatch(/used by job/);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}/versions/2` })).statusCode,
    ).toBe(204);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).json()).toEqual([1]);
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}/versions/7` })).statusCode,
    ).toBe(204);
    await f.master.context.db.deleteFrom('jobs').where('id', '=', job.id).execute();
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${id}` })).statusCode).toBe(204);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}` })).statusCode).toBe(404);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/jobtypes/${name}` })).statusCode).toBe(204);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).statusCode).toBe(404);
  });

  it('manages software requirements, each change making a new version', async () => {
    const f = farm();
    const blender = await createSoftware(f, ['2.69', '2.70', '2.71']);
    // Another software with a version string that blender also has: bounds are looked up in blender only.
    const other = await createSoftware(f, ['2.69', '9.0']);
    const name = await createJobType(f);
    const url = `/api/v1/jobtypes/${name}/software_requirements/`;
    const added = await f.inject({
      method: 'POST',
      url,
      payload: { software: blender, min_version: '2.70', max_version: '2.71' },
    });
    expect(added.statusCode).toBe(201);
    const { id } = (await f.inject({ url: `/api/v1/jobtypes/${name}` })).json();
    expect(added.json()).toEqual({
      software: { id: expect.any(Number), software: blender },
      min_version: { id: expect.any(Number), version: '2.70' },
      max_version: { id: expect.any(Number), version: '2.71' },
      jobtype_version: { id: expect.any(Number), jobtype: name, version: 2 },
    });
    expect(added.json().software.id).not.toBe(id);
    const wrongSoftwareBound = await f.inject({
      method: 'POST',
      url,
      payload: { software: other, min_version: '2.70' },
    });
    expect(wrongSoftwareBound.statusCode).toBe(404);
    expect(
      (await f.inject({ method: 'POST', url, payload: { software: other, min_version: '2.69' } })).statusCode,
    ).toBe(201);
    expect((await f.inject({ method: 'POST', url, payload: { software: blender } })).statusCode).toBe(409);
    expect((await f.inject({ method: 'POST', url, payload: { software: 5 } })).statusCode).toBe(400);
    expect(
      (await f.inject({ method: 'POST', url, payload: { software: blender, min_version: 2.7 } })).statusCode,
    ).toBe(400);
    expect(
      (await f.inject({ method: 'POST', url, payload: { software: blender, extra: 1 } })).statusCode,
    ).toBe(400);
    expect((await f.inject({ method: 'POST', url, payload: { software: unique('sw') } })).statusCode).toBe(
      404,
    );
    expect(
      (
        await f.inject({
          method: 'POST',
          url: `/api/v1/jobtypes/${unique('jt')}/software_requirements/`,
          payload: { software: blender },
        })
      ).statusCode,
    ).toBe(404);
    const min = await f.inject({
      method: 'POST',
      url: `/api/v1/jobtypes/${name}/software_requirements/`,
      payload: { software: unique('sw'), min_version: '1', max_version: '0' },
    });
    expect(min.statusCode).toBe(404);
    const versioned = await f.inject({
      method: 'POST',
      url: `/api/v1/jobtypes/${name}/versions/1/software_requirements/`,
      payload: { software: blender },
    });
    expect(versioned.statusCode).toBe(405);

    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).json()).toEqual([1, 2, 3]);
    const latest = (await f.inject({ url, as: 'agent' })).json();
    expect(latest.map((r: { software: { software: string } }) => r.software.software).sort()).toEqual(
      [blender, other].sort(),
    );
    expect(
      (await f.inject({ url: `/api/v1/jobtypes/${name}/versions/2/software_requirements/` })).json(),
    ).toHaveLength(1);
    expect(
      (await f.inject({ url: `/api/v1/jobtypes/${name}/versions/1/software_requirements/` })).json(),
    ).toEqual([]);

    const one = await f.inject({ url: `${url}${blender}` });
    expect(one.json()).toMatchObject({ software: { software: blender }, jobtype_version: { version: 3 } });
    expect((await f.inject({ url: `${url}${one.json().software.id}` })).json()).toEqual(one.json());
    expect((await f.inject({ url: `${url}${unique('sw')}` })).statusCode).toBe(404);

    for (const as of ['wrangler', 'artist', 'agent'] as const) {
      expect((await f.inject({ method: 'DELETE', url: `${url}${blender}`, as })).statusCode).toBe(403);
    }
    expect((await f.inject({ method: 'DELETE', url: `${url}${blender}` })).statusCode).toBe(204);
    expect((await f.inject({ url: `${url}${blender}` })).statusCode).toBe(404);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).json()).toEqual([1, 2, 3, 4]);
    // Removing what is not required changes nothing.
    expect((await f.inject({ method: 'DELETE', url: `${url}${blender}` })).statusCode).toBe(204);
    expect((await f.inject({ url: `/api/v1/jobtypes/${name}/versions/` })).json()).toEqual([1, 2, 3, 4]);
    const v4 = (await f.inject({ url: `/api/v1/jobtypes/${name}` })).json();
    expect(v4.code).toBe(CODE);
    expect(v4.software_requirements.map((r: { software: string }) => r.software)).toEqual([other]);
  });

  it('describes its columns', async () => {
    const res = await farm().inject({ url: '/api/v1/jobtypes/schema', as: 'artist' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      id: 'INTEGER',
      name: 'VARCHAR(64)',
      code: 'TEXT',
      max_batch: 'INTEGER',
    });
  });
});
