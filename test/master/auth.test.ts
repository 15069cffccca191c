import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { createMaster } from '../../src/master/master.js';
import { createTestDatabase } from '../support/databases.js';
import { forEachDialectMaster, TEST_PASSWORD } from '../support/master.js';

describe('first-run setup', () => {
  it('creates the first admin once, then refuses', async () => {
    const database = await createTestDatabase('sqlite');
    const { config } = loadConfig({ env: {}, overrides: { database: database.url } });
    const master = await createMaster({ config, logger: silentLogger(), version: 't', databases: database });
    try {
      const app = master.app;
      expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ setup_required: true });
      const bad = await app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'root', password: 'short' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error).toMatch(/password/);
      const created = await app.inject({
        method: 'POST',
        url: '/setup/',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'username=root&password=long+enough+pw',
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({ username: 'root', roles: ['admin'] });
      expect((await app.inject({ url: '/api/v1/setup' })).json()).toEqual({ setup_required: false });
      const again = await app.inject({
        method: 'POST',
        url: '/api/v1/setup',
        payload: { username: 'x', password: 'long enough pw' },
      });
      expect(again.statusCode).toBe(403);
      expect(again.json().error).toMatch(/already done/);
    } finally {
      await master.close();
      await database.destroy();
    }
  });
});

forEachDialectMaster((_dialect, farm) => {
  it('logs in with a session cookie, refuses cross-site writes, and logs out', async () => {
    const { master } = farm();
    const wrong = await master.app.inject({
      method: 'POST',
      url: '/api/v1/login',
      payload: { username: 'artist-user', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    const ok = await master.app.inject({
      method: 'POST',
      url: '/login/',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `username=artist-user&password=${encodeURIComponent(TEST_PASSWORD)}`,
    });
    expect(ok.statusCode).toBe(200);
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/drover_session=drv_.+HttpOnly; SameSite=Strict/);
    const session = cookie.split(';')[0]!;
    const me = await master.app.inject({ url: '/api/v1/me', headers: { cookie: session } });
    expect(me.json()).toMatchObject({ username: 'artist-user', roles: ['artist'], via: 'session' });
    const crossSite = await master.app.inject({
      method: 'DELETE',
      url: '/api/v1/tokens/999999',
      headers: { cookie: session, origin: 'https://evil.example', host: 'localhost' },
    });
    expect(crossSite.statusCode).toBe(403);
    const out = await master.app.inject({
      method: 'POST',
      url: '/api/v1/logout',
      headers: { cookie: session },
    });
    expect(out.statusCode).toBe(204);
    master.authenticator.forget();
    const after = await master.app.inject({ url: '/api/v1/me', headers: { cookie: session } });
    expect(after.statusCode).toBe(401);
  });

  it('creates tokens (shown once), lists them without secrets, and revokes them', async () => {
    const f = farm();
    const created = await f.inject({
      method: 'POST',
      url: '/api/v1/tokens/',
      payload: { name: 'ci', user: 'wrangler-user' },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^drv_/);
    const listed = await f.inject({ url: '/api/v1/tokens/' });
    const entry = listed.json().find((t: { id: number }) => t.id === id);
    expect(entry).toMatchObject({ name: 'ci', user: 'wrangler-user', kind: 'api', revoked: false });
    expect(JSON.stringify(listed.json())).not.toContain(token);
    const asNew = await f.master.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(asNew.json().username).toBe('wrangler-user');
    // Only admins create tokens; others may revoke only their own.
    expect(
      (await f.inject({ method: 'POST', url: '/api/v1/tokens/', as: 'wrangler', payload: { name: 'x' } }))
        .statusCode,
    ).toBe(403);
    expect((await f.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, as: 'artist' })).statusCode).toBe(
      403,
    );
    expect(
      (await f.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, as: 'wrangler' })).statusCode,
    ).toBe(204);
    f.master.authenticator.forget();
    const revoked = await f.master.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error).toMatch(/revoked/);
  });

  it('refuses agent tokens for users without the agent role, and bad token requests', async () => {
    const f = farm();
    const bad = await f.inject({
      method: 'POST',
      url: '/api/v1/tokens/',
      payload: { name: 'n', kind: 'agent', user: 'artist-user' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatch(/agent role/);
    expect(
      (await f.inject({ method: 'POST', url: '/api/v1/tokens/', payload: { name: 'n', user: 'ghost' } }))
        .statusCode,
    ).toBe(404);
    expect(
      (await f.inject({ method: 'POST', url: '/api/v1/tokens/', payload: { name: 'n', secret: 1 } })).json(),
    ).toEqual({
      error: 'unknown key "secret"',
    });
    const malformed = await f.master.app.inject({
      url: '/api/v1/me',
      headers: { authorization: 'Basic abc' },
    });
    expect(malformed.statusCode).toBe(401);
  });

  it('lets admins manage users and users change their own password only', async () => {
    const f = farm();
    const created = await f.inject({
      method: 'POST',
      url: '/api/v1/users/',
      payload: { username: 'bob', password: 'bobs password', email: 'bob@example.com', roles: ['artist'] },
    });
    expect(created.statusCode).toBe(201);
    expect(
      (await f.inject({ method: 'POST', url: '/api/v1/users/', payload: { username: 'bob' } })).statusCode,
    ).toBe(409);
    expect(
      (
        await f.inject({
          method: 'POST',
          url: '/api/v1/users/',
          as: 'wrangler',
          payload: { username: 'eve' },
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await f.inject({
          method: 'POST',
          url: '/api/v1/users/artist-user',
          as: 'artist',
          payload: { roles: ['admin'] },
        })
      ).statusCode,
    ).toBe(403);
    const own = await f.inject({
      method: 'POST',
      url: '/api/v1/users/artist-user',
      as: 'artist',
      payload: { email: 'a@example.com' },
    });
    expect(own.statusCode).toBe(200);
    expect(own.json().email).toBe('a@example.com');
    const fetched = await f.inject({ url: `/api/v1/users/${created.json().id}`, as: 'artist' });
    expect(fetched.json()).toMatchObject({ username: 'bob', roles: ['artist'] });
    expect((await f.inject({ method: 'DELETE', url: '/api/v1/users/bob' })).statusCode).toBe(204);
    expect((await f.inject({ url: '/api/v1/users/bob' })).statusCode).toBe(404);
  });
});
