import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { startListeningMaster, type ListeningMaster } from '../helpers/listening-master.js';

let m: ListeningMaster;
const dir = mkdtempSync(join(tmpdir(), 'drover-cli-catalog-'));
beforeAll(async () => {
  m = await startListeningMaster();
  const studio = await m.farm.inject({
    method: 'POST',
    url: '/api/v1/jobqueues/',
    payload: { name: 'studio' },
  });
  await m.farm.inject({
    method: 'POST',
    url: '/api/v1/jobqueues/',
    payload: { name: 'lighting', parent_jobqueue_id: studio.json().id, priority: 5, maximum_agents: 3 },
  });
  await m.farm.inject({
    method: 'POST',
    url: '/api/v1/software/',
    payload: { software: 'blender', versions: [{ version: '3.4' }, { version: '4.2', default: true }] },
  });
});
afterAll(async () => {
  await m?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('drover queues', () => {
  it('lists the queue tree as a table and as JSON, and shows one queue', async () => {
    const table = await runCli(['queues'], { env: m.env('artist') });
    expect(table).toMatchObject({ code: 0, stderr: '' });
    expect(table.stdout.split('\n')).toEqual([
      'ID  QUEUE             PRIORITY  WEIGHT  MIN AGENTS  MAX AGENTS',
      ' 1  /studio                  0      10           -           -',
      ' 2  /studio/lighting         5      10           -           3',
      '',
    ]);
    const json = await runCli(['queues', '--json'], { env: m.env('artist') });
    expect(JSON.parse(json.stdout)).toHaveLength(2);
    const one = await runCli(['queues', 'lighting'], { env: m.env('artist') });
    expect(one.stdout).toContain('queue:          /studio/lighting\n');
    const missing = await runCli(['queues', 'nope'], { env: m.env('artist') });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^drover: .*nope.*\n$/);
  });
});

describe('drover software', () => {
  it('lists software with versions by rank (default marked) and shows one', async () => {
    const list = await runCli(['software'], { env: m.env('artist') });
    expect(list.stdout.split('\n')[1]).toMatch(/^ 1 {2}blender\s+3\.4 4\.2\*$/);
    const one = await runCli(['software', 'blender'], { env: m.env('artist') });
    expect(one.stdout).toMatch(/^blender \(id 1\)\nID\s+VERSION\s+RANK\s+DEFAULT\s+DISCOVERY\n/);
    expect(one.stdout).toMatch(/4\.2\s+200\s+yes\s+-\n$/);
  });
});

describe('drover jobtypes', () => {
  const code = (body: string) => `/**\n * Touch: touches a file per frame.\n * @max_batch 5\n */\n${body}`;

  it('creates a job type from a file, shows it, adds a version, renames it and deletes it', async () => {
    const file = join(dir, 'touch.js');
    writeFileSync(
      file,
      code(
        "import { JobType } from 'drover/jobtype';\nexport class Touch extends JobType {}\nexport default Touch;\n",
      ),
    );
    const created = await runCli(['jobtypes', 'create', file, '--software', 'blender>=3.4'], {
      env: m.env('admin'),
    });
    expect(created).toMatchObject({ code: 0, stderr: '' });
    expect(created.stdout).toMatch(/^created job type Touch \(id \d+, version 1\)\n$/);

    const shown = await runCli(['jobtypes', 'show', 'Touch'], { env: m.env('artist') });
    expect(shown.stdout).toContain('description:      Touch: touches a file per frame.\n');
    expect(shown.stdout).toContain('max batch:        5\n');
    expect(shown.stdout).toContain('software:         blender>=3.4\n');
    const source = await runCli(['jobtypes', 'show', 'Touch', '--code'], { env: m.env('artist') });
    expect(source.stdout).toContain('export class Touch extends JobType {}');

    writeFileSync(file, code('export class Touch {}\nexport default Touch;\n// v2\n'));
    const updated = await runCli(['jobtypes', 'update', 'Touch', file], { env: m.env('admin') });
    expect(updated.stdout).toBe('job type Touch is now at version 2\n');
    const v1 = await runCli(['jobtypes', 'show', 'Touch', '--version', '1', '--json'], {
      env: m.env('admin'),
    });
    expect(JSON.parse(v1.stdout)).toMatchObject({ name: 'Touch', version: 1, max_batch: 5 });

    const renamed = await runCli(['jobtypes', 'update', 'Touch', '--name', 'Touch2'], {
      env: m.env('admin'),
    });
    expect(renamed.stdout).toMatch(/^updated job type Touch2 /);
    const listed = await runCli(['jobtypes'], { env: m.env('artist') });
    expect(listed.stdout).toMatch(/\bTouch2\n/);

    const deniedForArtist = await runCli(['jobtypes', 'delete', 'Touch2'], { env: m.env('artist') });
    expect(deniedForArtist.code).toBe(3);
    const deleted = await runCli(['jobtypes', 'delete', 'Touch2', '--version', '1'], { env: m.env('admin') });
    expect(deleted.stdout).toBe('deleted job type Touch2 version 1\n');
    expect((await runCli(['jobtypes', 'delete', 'Touch2'], { env: m.env('admin') })).code).toBe(0);
    expect((await runCli(['jobtypes', 'show', 'Touch2'], { env: m.env('admin') })).code).toBe(4);
  });

  it('reports bad files and bad flags as usage errors', async () => {
    const noClass = join(dir, 'empty.js');
    writeFileSync(noClass, '// nothing\n');
    const bad = await runCli(['jobtypes', 'create', noClass], { env: m.env('admin') });
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'drover: empty.js: exports no class (no "export class" and no default export)\n',
    });
    const missing = await runCli(['jobtypes', 'create', join(dir, 'missing.js')], { env: m.env('admin') });
    expect(missing).toMatchObject({
      code: 2,
      stderr: `drover: cannot read ${join(dir, 'missing.js')}: ENOENT\n`,
    });
    const version = await runCli(['jobtypes', 'show', 'X', '--version', 'two'], { env: m.env('admin') });
    expect(version).toMatchObject({ code: 2, stderr: 'drover: --version: two is not an integer\n' });
    const nothing = await runCli(['jobtypes', 'update', 'X'], { env: m.env('admin') });
    expect(nothing.stderr).toBe('drover: nothing to change: give a code file, --name or --description\n');
  });
});
