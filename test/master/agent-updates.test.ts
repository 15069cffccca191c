import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestMaster, type TestMaster } from '../support/master.js';

/** A minimal zip archive: the end-of-central-directory record of an empty archive. */
const EMPTY_ZIP = Buffer.from([0x50, 0x4b, 0x05, 0x06, ...new Array(18).fill(0)]);
const ZIP = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('pretend contents')]);

// Update packages live on disk, not in the database: one dialect is enough.
describe('agent update packages (sqlite)', () => {
  let database: TestDatabase;
  let f: TestMaster;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    f = await createTestMaster(database);
  });
  afterAll(async () => {
    await f.close();
    await database.destroy();
  });

  const put = (
    version: string,
    payload: Buffer | string,
    type = 'application/zip',
    as: 'admin' | 'wrangler' | 'agent' = 'admin',
  ) =>
    f.inject({
      method: 'PUT',
      url: `/api/v1/agents/updates/${version}`,
      as,
      payload,
      headers: { 'content-type': type },
    });

  it('stores a zip (201) and serves it back', async () => {
    const res = await put('1.2.3', ZIP);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toEqual({ version: '1.2.3', size: ZIP.length });
    expect(readdirSync(f.config.agent_updates_dir)).toEqual(['pyfarm-agent-1.2.3.zip']);
    const got = await f.inject({ url: '/api/v1/agents/updates/1.2.3', as: 'agent' });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/zip');
    expect(got.rawPayload.equals(ZIP)).toBe(true);
    expect((await put('1.2.3', EMPTY_ZIP)).statusCode).toBe(201);
    expect((await f.inject({ url: '/api/v1/agents/updates/1.2.3' })).rawPayload.equals(EMPTY_ZIP)).toBe(true);
    expect((await put('2.0-rc1', ZIP)).statusCode).toBe(201);
  });

  it('refuses bad versions, other media types, non-zips and non-admins', async () => {
    for (const version of ['1.2.3.4', 'latest', '..%2F..%2Fetc', '1.2.3-gamma']) {
      const res = await put(version, ZIP);
      expect(res.statusCode, version).toBe(400);
      expect((await f.inject({ url: `/api/v1/agents/updates/${version}` })).statusCode, version).toBe(400);
    }
    const json = await f.inject({ method: 'PUT', url: '/api/v1/agents/updates/3.0', payload: { zip: true } });
    expect(json.statusCode).toBe(400);
    expect(json.json().error).toMatch(/application\/zip/);
    expect((await put('3.0', 'hello', 'text/plain')).statusCode).toBe(400);
    expect((await put('3.0', Buffer.from('not a zip'))).json().error).toMatch(/not a zip/);
    expect((await f.inject({ method: 'PUT', url: '/api/v1/agents/updates/3.0' })).statusCode).toBe(400);
    expect((await put('3.0', ZIP, 'application/zip', 'wrangler')).statusCode).toBe(403);
    expect((await put('3.0', ZIP, 'application/zip', 'agent')).statusCode).toBe(403);
    expect((await f.inject({ url: '/api/v1/agents/updates/3.0' })).statusCode).toBe(404);
    expect(readdirSync(f.config.agent_updates_dir).some((name) => name.includes('3.0'))).toBe(false);
  });
});

describe('agent update packages served elsewhere (sqlite)', () => {
  it('redirects to agent_updates_webdir', async () => {
    const database = await createTestDatabase('sqlite');
    const f = await createTestMaster(database, {
      config: { agent_updates_webdir: 'https://cache.example/updates/' },
    });
    try {
      const res = await f.inject({ url: '/api/v1/agents/updates/1.0', as: 'agent' });
      expect(res.statusCode).toBe(301);
      expect(res.headers.location).toBe('https://cache.example/updates/pyfarm-agent-1.0.zip');
    } finally {
      await f.close();
      await database.destroy();
    }
  });
});
