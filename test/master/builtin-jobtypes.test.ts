import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { registerBuiltinJobTypes } from '../../src/master/jobtypes/builtin-jobtypes.js';
import { createMaster } from '../../src/master/master.js';
import { createTestDatabase } from '../support/databases.js';
import { unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function jobTypeDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'drover-builtin-'));
  dirs.push(dir);
  for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
  return dir;
}

function shipped(name: string, body = '', tags = ''): string {
  return `/**\n * ${name}: a test job type.\n${tags}\n */\nexport class ${name} {${body}}\nexport default ${name};\n`;
}

describe('built-in job types at start-up', () => {
  it('are registered by createMaster and served to agents', async () => {
    const database = await createTestDatabase('sqlite');
    const name = `Builtin${process.pid}`;
    const dir = jobTypeDir({ 'a.js': shipped(name, '', ' * @max_batch 8\n * @supports_tiling true') });
    const { config } = loadConfig({ env: {}, overrides: { database: database.url, public_read: true } });
    const master = await createMaster({
      config,
      logger: silentLogger(),
      version: 't',
      databases: database,
      builtinJobTypesDir: dir,
    });
    try {
      const res = await master.app.inject({ url: `/api/v1/jobtypes/${name}/versions/1` });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({
        name,
        version: 1,
        classname: name,
        max_batch: 8,
        supports_tiling: true,
        description: `${name}: a test job type.`,
      });
    } finally {
      await master.close();
      await database.destroy();
    }
  });
});

forEachDialectMaster((_dialect, farm) => {
  it('creates, keeps and versions shipped job types idempotently', async () => {
    const f = farm();
    const db = f.master.context.db;
    const log = silentLogger();
    const a = unique('Alpha').replace(/-/g, '_');
    const b = unique('Beta').replace(/-/g, '_');
    const dir = jobTypeDir({ 'a.js': shipped(a), 'b.js': shipped(b), 'notes.txt': 'not a job type' });

    const first = await registerBuiltinJobTypes(db, log, dir);
    expect(first).toEqual({
      registered: [
        { name: a, file: 'a.js', outcome: 'created', version: 1 },
        { name: b, file: 'b.js', outcome: 'created', version: 1 },
      ],
      skipped: [],
    });
    const again = await registerBuiltinJobTypes(db, log, dir);
    expect(again.registered.map((r) => r.outcome)).toEqual(['unchanged', 'unchanged']);

    // An admin's own version and a requirement survive restarts; new shipped code becomes a new version
    // that keeps the requirement.
    const software = unique('sw');
    await f.inject({
      method: 'POST',
      url: '/api/v1/software/',
      payload: { software, versions: [{ version: '1' }] },
    });
    await f.inject({
      method: 'POST',
      url: `/api/v1/jobtypes/${a}/software_requirements/`,
      payload: { software },
    });
    await f.inject({ method: 'PUT', url: `/api/v1/jobtypes/${a}`, payload: { name: a, code: 'custom' } });
    expect((await registerBuiltinJobTypes(db, log, dir)).registered[0]).toMatchObject({
      outcome: 'unchanged',
      version: 1,
    });
    expect((await f.inject({ url: `/api/v1/jobtypes/${a}` })).json()).toMatchObject({
      version: 3,
      code: 'custom',
    });

    writeFileSync(join(dir, 'a.js'), shipped(a, ' run() {} '));
    const upgraded = await registerBuiltinJobTypes(db, log, dir);
    expect(upgraded.registered[0]).toEqual({ name: a, file: 'a.js', outcome: 'updated', version: 4 });
    const latest = (await f.inject({ url: `/api/v1/jobtypes/${a}`, as: 'agent' })).json();
    expect(latest.code).toContain('run() {}');
    expect(latest.software_requirements).toEqual([expect.objectContaining({ software })]);
    expect((await registerBuiltinJobTypes(db, log, dir)).registered[0]!.outcome).toBe('unchanged');
  });

  it('skips unreadable files and duplicate names, and tolerates a missing directory', async () => {
    const f = farm();
    const db = f.master.context.db;
    const name = unique('Gamma').replace(/-/g, '_');
    const dir = jobTypeDir({
      'a.js': shipped(name),
      'b.js': shipped(name),
      'c.js': 'const nothing = 1;\n',
      'd.js': '/**\n * @max_batch lots\n */\nexport class D {}\n',
    });
    const result = await registerBuiltinJobTypes(db, silentLogger(), dir);
    expect(result.registered).toEqual([{ name, file: 'a.js', outcome: 'created', version: 1 }]);
    expect(result.skipped).toEqual([
      { file: 'b.js', problem: expect.stringMatching(/already defined by a\.js/) },
      { file: 'c.js', problem: expect.stringMatching(/exports no class/) },
      { file: 'd.js', problem: expect.stringMatching(/@max_batch/) },
    ]);
    expect(await registerBuiltinJobTypes(db, silentLogger(), join(dir, 'missing'))).toEqual({
      registered: [],
      skipped: [],
    });
  });
});
