import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { createMaster, type Master } from '../../src/master/master.js';

async function masterWithWebRoot(webRoot: string): Promise<{ master: Master; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-web-'));
  const url = `sqlite:///${join(dir, 'drover.sqlite')}`;
  const { config } = loadConfig({
    env: {},
    cwd: dir,
    overrides: { database: url, statistics_database: url, tasklogs_dir: join(dir, 'logs') },
  });
  const master = await createMaster({ config, logger: silentLogger(), version: 'test', webRoot });
  return { master, dir };
}

describe('web UI serving', () => {
  let master: Master;
  let dir: string;
  let webRoot: string;

  beforeAll(async () => {
    webRoot = mkdtempSync(join(tmpdir(), 'drover-webroot-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), '<!doctype html><title>Drover</title><div id="root"></div>');
    writeFileSync(join(webRoot, 'assets', 'index-4f2a9c.js'), 'console.log(1)');
    writeFileSync(join(webRoot, 'favicon.svg'), '<svg/>');
    ({ master, dir } = await masterWithWebRoot(webRoot));
  });
  afterAll(async () => {
    await master.close();
    rmSync(dir, { recursive: true, force: true });
    rmSync(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / without credentials and asks to revalidate it', async () => {
    const res = await master.app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.body).toContain('<div id="root">');
  });

  it('answers any page of the app with index.html (SPA fallback)', async () => {
    for (const url of ['/jobs/42', '/agents?state=online', '/statistics/']) {
      const res = await master.app.inject({ url, headers: { accept: 'text/html,application/xhtml+xml' } });
      expect(res.statusCode, url).toBe(200);
      expect(res.body, url).toContain('<div id="root">');
    }
  });

  it('caches hashed assets for a year and other files not at all', async () => {
    const asset = await master.app.inject({ url: '/assets/index-4f2a9c.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.body).toBe('console.log(1)');
    const icon = await master.app.inject({ url: '/favicon.svg' });
    expect(icon.statusCode).toBe(200);
    expect(icon.headers['cache-control']).toBe('no-cache');
  });

  it('is a JSON 404 for missing files that are not pages and for unknown API paths', async () => {
    const missing = await master.app.inject({ url: '/assets/gone-123.js', headers: { accept: '*/*' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no such route: GET /assets/gone-123.js' });
    const api = await master.app.inject({ url: '/api/v1/nothing-here', headers: { accept: 'text/html' } });
    expect(api.statusCode).toBe(404);
    expect(api.headers['content-type']).toMatch(/json/);
  });

  it('never serves files outside the build', async () => {
    writeFileSync(join(webRoot, '..', 'drover-outside.txt'), 'OUTSIDE-CONTENT');
    try {
      for (const url of [
        '/../drover-outside.txt',
        '/%2e%2e/drover-outside.txt',
        '/assets/..%2f..%2fdrover-outside.txt',
      ]) {
        const res = await master.app.inject({ url });
        expect(res.body, url).not.toContain('OUTSIDE-CONTENT');
      }
    } finally {
      rmSync(join(webRoot, '..', 'drover-outside.txt'), { force: true });
    }
  });

  it('leaves the API alone', async () => {
    const res = await master.app.inject({ url: '/api/v1/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ok' });
  });
});

describe('web UI not built', () => {
  it('still runs the master and says the UI is not built', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'drover-webroot-'));
    const { master, dir } = await masterWithWebRoot(empty);
    try {
      const res = await master.app.inject({ url: '/', headers: { accept: 'text/html' } });
      expect(res.statusCode).toBe(503);
      expect(res.body).toContain('The web UI is not built');
      expect((await master.app.inject({ url: '/api/v1/health' })).statusCode).toBe(200);
    } finally {
      await master.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
