import { afterEach, describe, expect, it } from 'vitest';
import Type from 'typebox';
import { silentLogger } from '../../core/logging.js';
import { buildHttpApp, type MasterApp } from './app.js';
import type { Principal } from './access.js';

const artist: Principal = {
  userId: 2,
  username: 'ann',
  roles: new Set(['artist']),
  tokenId: 1,
  via: 'token',
};

async function build(extra: Partial<Parameters<typeof buildHttpApp>[0]> = {}): Promise<MasterApp> {
  return buildHttpApp({
    logger: silentLogger(),
    version: 'test',
    publicRead: false,
    authenticate: async (req) => (req.headers.authorization === 'Bearer good' ? artist : undefined),
    apiRoutes: [
      (app) => {
        app.get('/things/', async () => [{ id: 1 }]);
        app.post(
          '/things/',
          {
            config: { access: { roles: ['artist'] } },
            schema: {
              body: Type.Object(
                { title: Type.String(), by: Type.Optional(Type.Number()) },
                { additionalProperties: false },
              ),
            },
          },
          async (req, reply) =>
            reply.status(201).send({ title: req.body.title, who: req.principal?.username }),
        );
        app.delete('/things/:id', { config: { access: { roles: ['admin'] } } }, async () => ({}));
        app.get('/boom', async () => {
          throw new Error('hidden detail');
        });
      },
    ],
    ...extra,
  });
}

describe('master HTTP app', () => {
  let app: MasterApp | undefined;
  afterEach(async () => app?.close());

  it('requires authentication for reads unless public_read', async () => {
    app = await build();
    expect((await app.inject({ url: '/api/v1/things/' })).statusCode).toBe(401);
    const ok = await app.inject({ url: '/api/v1/things', headers: { authorization: 'Bearer good' } });
    expect(ok.statusCode).toBe(200);
    await app.close();
    app = await build({ publicRead: true });
    expect((await app.inject({ url: '/api/v1/things/' })).statusCode).toBe(200);
  });

  it('checks roles on mutating routes', async () => {
    app = await build({ publicRead: true });
    const anon = await app.inject({ method: 'POST', url: '/api/v1/things/', payload: { title: 'x' } });
    expect(anon.statusCode).toBe(401);
    expect(anon.json()).toEqual({ error: 'authentication required' });
    const denied = await app.inject({
      method: 'DELETE',
      url: '/api/v1/things/1',
      headers: { authorization: 'Bearer good' },
    });
    expect(denied.statusCode).toBe(403);
    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/things',
      headers: { authorization: 'Bearer good' },
      payload: { title: 'x' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toEqual({ title: 'x', who: 'ann' });
  });

  it('answers bad bodies with 4xx JSON naming the problem', async () => {
    app = await build();
    const post = (payload: string, type = 'application/json') =>
      app!.inject({
        method: 'POST',
        url: '/api/v1/things/',
        headers: { authorization: 'Bearer good', 'content-type': type },
        payload,
      });
    expect((await post('{"title": "x", "zzz": 1}')).json()).toEqual({ error: 'unknown key "zzz"' });
    expect((await post('{}')).json()).toEqual({ error: 'missing required key "title"' });
    expect((await post('{"title": 5}')).json()).toEqual({ error: 'title: must be string' });
    expect((await post('{"title": "x", "by": "2"}')).statusCode).toBe(400);
    expect((await post('{not json')).json()).toEqual({ error: 'the body is not valid JSON' });
    expect((await post('')).statusCode).toBe(400);
    const text = await post('hello', 'text/plain');
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatch(/unsupported content type/);
  });

  it('refuses to register a mutating route without an access rule', async () => {
    await expect(build({ apiRoutes: [(a) => void a.post('/open', async () => ({}))] })).rejects.toThrow(
      /declares no access rule/,
    );
  });

  it('hides unexpected errors and unknown routes are JSON 404s', async () => {
    app = await build({ publicRead: true });
    const boom = await app.inject({ url: '/api/v1/boom' });
    expect(boom.statusCode).toBe(500);
    expect(boom.json()).toEqual({ error: 'internal server error' });
    const missing = await app.inject({ url: '/api/v1/nope' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error).toMatch(/no such route/);
  });

  it('serves the OpenAPI document', async () => {
    app = await build();
    const doc = await app.inject({ url: '/api/v1/openapi.json' });
    expect(doc.statusCode).toBe(200);
    expect(Object.keys(doc.json().paths)).toContain('/api/v1/things/');
    const ui = await app.inject({ url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });
});
