/** `drover fakerender` and `drover fakework`, every seed flag, with real processes where it matters. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';

beforeAll(ensureBuilt);

function drover(
  args: string[],
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/drover.js'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code, signal) => resolve({ code, signal, stdout: Buffer.concat(out), stderr }));
  });
}

describe('fakerender', () => {
  test('frames -s/-e/-b, progress, RAM and the return code', async () => {
    const r = await runCli([
      'fakerender',
      '-s',
      '2',
      '-e',
      '6',
      '-b',
      '2',
      '--duration',
      '0.15',
      '--ram',
      '8',
      '--return-code',
      '3',
    ]);
    expect(r.code).toBe(3);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('fakerender: rendering frames 2-6 by 2 holding 8 MB');
    expect(lines.filter((l) => / started$/.test(l))).toEqual([
      'fakerender: frame 2 started',
      'fakerender: frame 4 started',
      'fakerender: frame 6 started',
    ]);
    expect(lines.filter((l) => / done$/.test(l))).toHaveLength(3);
    expect(lines.some((l) => /frame 2 progress \d+%/.test(l))).toBe(true);
  });

  test('jitter stays within bounds; several return codes give one of them', async () => {
    const seen = new Set<number>();
    for (let i = 0; i < 12; i++) {
      const r = await runCli([
        'fakerender',
        '-s',
        '1',
        '--duration',
        '0',
        '--duration-jitter',
        '0.01',
        '--ram',
        '2',
        '--ram-jitter',
        '1',
        '--return-code',
        '0',
        '--return-code',
        '4',
      ]);
      expect([0, 4]).toContain(r.code);
      seen.add(r.code);
      expect(Number(/holding (\d+) MB/.exec(r.stdout)![1])).toBeLessThanOrEqual(3);
    }
    expect(seen.size).toBe(2);
  });

  test('bad flags are clear errors', async () => {
    expect((await runCli(['fakerender'])).stderr).toMatch(
      /required option '-s, --start <frame>' not specified/,
    );
    expect(await runCli(['fakerender', '-s', '5', '-e', '1'])).toMatchObject({
      code: 2,
      stderr: 'drover: --end must not be before --start\n',
    });
    expect((await runCli(['fakerender', '-s', 'x'])).stderr).toMatch(/--start must be a number/);
    expect((await runCli(['fakerender', '-s', '1', '--return-code', '300'])).stderr).toMatch(
      /return codes are integers from 0 to 255/,
    );
  });

  test('--spew writes lines of random text, --spew-bytes bounds it', async () => {
    const r = await drover([
      'fakerender',
      '-s',
      '1',
      '-e',
      '2',
      '--spew',
      '--spew-bytes',
      String(20 * 1024 * 1024),
    ]);
    expect(r.code).toBe(0);
    const text = r.stdout.toString();
    const spewed = text.split('\n').filter((l) => !l.startsWith('fakerender: '));
    expect(r.stdout.length).toBeGreaterThanOrEqual(20 * 1024 * 1024);
    expect(spewed.length).toBeGreaterThan(100_000);
    expect(r.stderr).toMatch(/^fakerender: spewed 20971520 bytes in [\d.]+ s \([\d.]+ MB\/s\)\n$/);
  });

  test('--segfault crashes some frame with SIGSEGV', async () => {
    // 40 frames at 25% each: the chance that none crashes is 1e-5.
    const r = await drover([
      'fakerender',
      '-s',
      '1',
      '-e',
      '40',
      '--duration',
      '0',
      '--ram',
      '0',
      '--segfault',
    ]);
    expect(r.signal).toBe('SIGSEGV');
    expect(r.stderr).toMatch(/segmentation fault in frame \d+/);
  });
});

describe('fakework', () => {
  let master: FakeMaster;
  let agent: AgentProcess;
  beforeAll(async () => {
    master = await new FakeMaster().start();
    master.addJobType(
      'FakeRender',
      1,
      readFileSync(`${ROOT}/jobtypes/builtin/fakerender.js`, 'utf8'),
      'FakeRender',
    );
    agent = AgentProcess.start({ masterApi: master.url, token: master.token });
    await master.waitFor(() => master.agents.size > 0, 20_000, 'registration');
  });
  afterAll(async () => {
    await agent?.stop();
    await master?.stop();
  });

  test('creates a job on the master and posts its queued tasks to the agent', async () => {
    const agentApi = `http://127.0.0.1:${agent.state().port}/api/v1`;
    const r = await runCli(
      [
        'fakework',
        '--master-api',
        master.url,
        '--agent-api',
        agentApi,
        '--data-dir',
        agent.dataDir,
        '--frames',
        '1-3',
      ],
      {
        env: { DROVER_TOKEN: master.token },
      },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^created job 1\nassigned 3 task\(s\) of job 1 to the agent: 202 \{"id":"[0-9a-f-]{36}"\}\n$/,
    );
    await master.waitFor(
      () => [1001, 1002, 1003].every((t) => master.statesOf(t).includes('done')),
      30_000,
      'tasks done',
    );
  });

  test('credentials are required', async () => {
    expect(await runCli(['fakework'], { env: {} })).toMatchObject({
      code: 2,
      stderr: 'drover: the master needs an API token: --token or DROVER_TOKEN\n',
    });
    expect((await runCli(['fakework', '--token', 't'])).stderr).toMatch(/the agent needs credentials/);
  });
});

test('job type modules can be imported outside an agent through the package export drover/jobtype', async () => {
  const script = `const m = await import(${JSON.stringify(`${ROOT}/jobtypes/builtin/blender.js`)});
const { JobType } = await import('drover/jobtype');
process.stdout.write(String(m.Blender.prototype instanceof JobType));`;
  const out = await new Promise<string>((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.on('close', () => resolve(text));
  });
  expect(out).toBe('true');
});
