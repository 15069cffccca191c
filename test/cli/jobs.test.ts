/**
 * The job commands against a real master (no agents: tests play the agents' part by setting task states
 * through the API as an admin).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { missingComponents } from '../helpers/components.js';
import { startListeningMaster, type ListeningMaster } from '../helpers/listening-master.js';
import { TEST_PASSWORD } from '../support/master.js';

const missing = missingComponents('jobsApi', 'agentsApi');
const noTaskLogs = missingComponents('taskLogsApi').length > 0;
let m: ListeningMaster;
const dir = mkdtempSync(join(tmpdir(), 'drover-cli-jobs-'));
beforeAll(async () => {
  m = await startListeningMaster();
  await m.farm.inject({ method: 'POST', url: '/api/v1/jobqueues/', payload: { name: 'studio' } });
  await m.farm.inject({
    method: 'POST',
    url: '/api/v1/software/',
    payload: { software: 'blender', versions: [{ version: '3.4' }] },
  });
});
afterAll(async () => {
  await m?.close();
  rmSync(dir, { recursive: true, force: true });
});

const artist = () => m.env('artist');

async function setTaskStates(job: number, state: 'done' | 'failed' | 'running', frames?: number[]) {
  const tasks = (await m.farm.inject({ url: `/api/v1/jobs/${job}/tasks/` })).json() as {
    id: number;
    frame: number;
  }[];
  for (const task of tasks) {
    if (frames && !frames.includes(task.frame)) continue;
    const res = await m.farm.inject({
      method: 'POST',
      url: `/api/v1/jobs/${job}/tasks/${task.id}`,
      payload: { state },
    });
    expect(res.statusCode).toBe(200);
  }
}

describe.skipIf(missing.length > 0)(`drover submit${missing.length ? ` (needs ${missing})` : ''}`, () => {
  it('submits a job from flags and prints its id; --json gives the job', async () => {
    const text = await runCli(
      [
        'submit',
        '-t',
        'shot 10',
        '-j',
        'Command',
        '-f',
        '1-10x2',
        '-q',
        'studio',
        '--tag',
        'sh010',
        '--require-tag',
        '!workstation',
        '--software',
        'blender>=3.4',
        '-d',
        'command=echo',
        '-d',
        'args:=["{frame}"]',
        '-e',
        'A=1',
        '--notify',
        'wrangler-user',
        '--priority',
        '5',
        '--batch',
        '2',
      ],
      { env: artist() },
    );
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^submitted job (\d+) "shot 10" \(5 tasks\)\n$/);
    const id = Number(/job (\d+)/.exec(text.stdout)![1]);
    const job = (await m.farm.inject({ url: `/api/v1/jobs/${id}` })).json();
    expect(job).toMatchObject({
      title: 'shot 10',
      jobtype: 'Command',
      start: 1,
      end: 9,
      by: 2,
      batch: 2,
      priority: 5,
      user: 'artist-user',
      jobqueue: '/studio',
      tags: ['sh010'],
      tag_requirements: [{ tag: 'workstation', negate: true }],
      software_requirements: [{ software: 'blender', min_version: '3.4', max_version: null }],
      data: { command: 'echo', args: ['{frame}'] },
      environ: { A: '1' },
      notified_users: [{ username: 'wrangler-user' }],
    });

    const json = await runCli(['submit', '-t', 'j2', '-j', 'Command', '-d', 'command=true', '--json'], {
      env: artist(),
    });
    expect(JSON.parse(json.stdout)).toMatchObject({ title: 'j2', state: 'queued', start: 1, end: 1 });
  });

  it('splits a frame list into one job per range and takes a YAML job file with flags on top', async () => {
    const split = await runCli(
      ['submit', '-t', 'split', '-j', 'Command', '-f', '1,5,10-12', '-d', 'command=true'],
      {
        env: artist(),
      },
    );
    expect(split.stdout).toMatch(
      /^submitted job \d+ "split \[1-5x4\]" \(2 tasks\)\nsubmitted job \d+ "split \[10-12\]" \(3 tasks\)\n$/,
    );
    const file = join(dir, 'job.yml');
    writeFileSync(
      file,
      'title: from yaml\njobtype: Command\nframes: 3-4\ndata:\n  command: "true"\n  keep: 1\n',
    );
    const fromFile = await runCli(['submit', file, '--priority', '7', '-d', 'keep:=2', '--json'], {
      env: artist(),
    });
    expect(JSON.parse(fromFile.stdout)).toMatchObject({
      title: 'from yaml',
      start: 3,
      end: 4,
      priority: 7,
      data: { command: 'true', keep: 2 },
    });
    const stdinJson = await runCli(['submit', '-', '--json'], {
      env: artist(),
      stdin: JSON.stringify({ title: 'from stdin', jobtype: 'Command', data: { command: 'true' } }),
    });
    expect(JSON.parse(stdinJson.stdout)).toMatchObject({ title: 'from stdin' });
  });

  it('submits with the session token of a user who may not create API tokens', async () => {
    const env = m.env('stored');
    const login = await runCli(['login', '-u', 'artist-user', '--password-stdin'], {
      env,
      stdin: TEST_PASSWORD,
    });
    expect(login.stdout).toMatch(/the session token/);
    const submitted = await runCli(
      ['submit', '-t', 'by session', '-j', 'Command', '-d', 'command=true', '--json'],
      {
        env,
      },
    );
    expect(submitted.code).toBe(0);
    expect(JSON.parse(submitted.stdout)).toMatchObject({ title: 'by session', user: 'artist-user' });
    expect((await runCli(['pause', 'by session'], { env })).code).toBe(0);
    expect((await runCli(['logout'], { env })).code).toBe(0);
  });

  it('rolls back the jobs of a split submission when one is refused, and names what is wrong', async () => {
    const before = (await m.farm.inject({ url: '/api/v1/jobs/' })).json().length;
    // The second range's title is too long for the master (255 characters).
    const long = 'x'.repeat(250);
    const refused = await runCli(
      ['submit', '-t', long, '-j', 'Command', '-f', '1,10-20', '-d', 'command=true'],
      {
        env: artist(),
      },
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^drover: .*title/);
    expect((await m.farm.inject({ url: '/api/v1/jobs/' })).json()).toHaveLength(before);

    const unknownType = await runCli(['submit', '-t', 't', '-j', 'NoSuchType'], { env: artist() });
    expect(unknownType.code).toBe(4);
    expect(unknownType.stderr).toMatch(/^drover: .*NoSuchType/);
    const noTitle = await runCli(['submit', '-j', 'Command'], { env: artist() });
    expect(noTitle).toMatchObject({
      code: 2,
      stderr: 'drover: a job needs a title: --title (or "title" in the job file)\n',
    });
    const badFrames = await runCli(['submit', '-t', 't', '-j', 'Command', '-f', '5-1'], { env: artist() });
    expect(badFrames).toMatchObject({
      code: 2,
      stderr: 'drover: --frames 5-1: "5-1" ends before it starts\n',
    });
    const badFile = await runCli(['submit', join(dir, 'missing.yml')], { env: artist() });
    expect(badFile).toMatchObject({
      code: 2,
      stderr: `drover: cannot read job file ${join(dir, 'missing.yml')}: ENOENT\n`,
    });
    const parent = await runCli(['submit', '-t', 't', '-j', 'Command', '--parent', 'no such job'], {
      env: artist(),
    });
    expect(parent.code).toBe(4);
    const anonymous = await runCli(['submit', '-t', 't', '-j', 'Command'], { env: m.env('anonymous') });
    expect(anonymous.code).toBe(3);
  });
});

describe.skipIf(missing.length > 0)('drover jobs, job, tasks, actions and wait', () => {
  it('lists and shows jobs, pauses, resumes, reruns, waits and deletes', async () => {
    const submitted = await runCli(
      ['submit', '-t', 'lifecycle', '-j', 'Command', '-f', '1-3', '-d', 'command=true', '--json'],
      { env: artist() },
    );
    const id = JSON.parse(submitted.stdout).id as number;
    const child = await runCli(
      [
        'submit',
        '-t',
        'lifecycle child',
        '-j',
        'Command',
        '--parent',
        'lifecycle',
        '-d',
        'command=true',
        '--json',
      ],
      { env: artist() },
    );
    expect(JSON.parse(child.stdout).parents).toEqual([{ id, title: 'lifecycle' }]);

    const list = await runCli(['jobs', '--title', 'lifecycle'], { env: artist() });
    expect(list.stdout.split('\n')[0]).toMatch(
      /^ID\s+TITLE\s+STATE\s+DONE\s+PRI\s+USER\s+JOB TYPE\s+QUEUE\s+SUBMITTED\s+TIME$/,
    );
    expect(list.stdout).toMatch(
      new RegExp(`\\b${id}  lifecycle\\s+queued\\s+0/3\\s+0  artist-user  Command`),
    );
    const listJson = JSON.parse(
      (await runCli(['jobs', '--json', '--state', 'queued'], { env: artist() })).stdout,
    );
    expect(listJson.every((j: { state: string }) => j.state === 'queued')).toBe(true);
    const badState = await runCli(['jobs', '--state', 'sleeping'], { env: artist() });
    expect(badState).toMatchObject({
      code: 2,
      stderr: 'drover: --state: sleeping is not one of queued, running, paused, done, failed\n',
    });

    const shown = await runCli(['job', 'lifecycle'], { env: artist() });
    expect(shown.stdout).toContain(`id:          ${id}\n`);
    expect(shown.stdout).toContain('tasks:       0/3 done, 0 running, 3 waiting, 0 failed (0%)\n');
    expect(shown.stdout).toMatch(/children: +\d+ lifecycle child\n/);

    expect((await runCli(['pause', String(id)], { env: artist() })).stdout).toBe(
      `paused job ${id} "lifecycle" (paused)\n`,
    );
    expect((await runCli(['resume', 'lifecycle'], { env: artist() })).stdout).toBe(
      `resumed job ${id} "lifecycle" (queued)\n`,
    );
    const otherUser = await runCli(['pause', String(id)], { env: m.env('agent') });
    expect(otherUser.code).toBe(3);

    await setTaskStates(id, 'done', [1, 2]);
    await setTaskStates(id, 'running', [3]);
    const tasks = await runCli(['tasks', String(id)], { env: artist() });
    expect(
      tasks.stdout
        .split('\n')
        .slice(1, 4)
        .map((l) => l.split(/\s{2,}/).slice(0, 4)),
    ).toEqual([
      [expect.stringMatching(/\d+/), '1', 'done', '100%'],
      [expect.stringMatching(/\d+/), '2', 'done', '100%'],
      [expect.stringMatching(/\d+/), '3', 'running', '0%'],
    ]);

    const waiting = runCli(['wait', String(id)], { env: artist() });
    await new Promise((r) => setTimeout(r, 1500));
    await setTaskStates(id, 'done', [3]);
    const waited = await waiting;
    expect(waited).toMatchObject({ code: 0, stdout: `job ${id} "lifecycle": done\n` });
    // Without an agent holding it, a running task leaves the job "queued" (the state derivation's rule).
    expect(waited.stderr).toMatch(new RegExp(`^job ${id} "lifecycle": (queued|running), 2/3 tasks done\n`));
    expect(waited.stderr).toContain(`job ${id} "lifecycle": done, 3/3 tasks done\n`);

    const timedOut = await runCli(['wait', 'lifecycle child', '--timeout', '1', '--no-progress'], {
      env: artist(),
    });
    expect(timedOut).toMatchObject({ code: 124, stderr: 'drover: gave up waiting after 1 s\n' });

    const rerun = await runCli(['rerun', String(id), '--json'], { env: artist() });
    expect(JSON.parse(rerun.stdout)).toMatchObject({ id, state: 'queued' });

    const deleted = await runCli(['delete', String(id)], { env: artist() });
    expect(deleted).toMatchObject({ code: 0, stdout: `deleted job ${id} "lifecycle"\n` });
    expect((await runCli(['job', String(id)], { env: artist() })).code).toBe(4);
    expect((await runCli(['job', 'lifecycle child'], { env: artist() })).code).toBe(4);
  });

  it('ends wait with exit code 1 when a job failed', async () => {
    const submitted = await runCli(
      [
        'submit',
        '-t',
        'doomed',
        '-j',
        'Command',
        '-f',
        '1-2',
        '--requeue',
        '0',
        '-d',
        'command=false',
        '--json',
      ],
      { env: artist() },
    );
    const id = JSON.parse(submitted.stdout).id as number;
    await setTaskStates(id, 'done', [1]);
    await setTaskStates(id, 'failed', [2]);
    const waited = await runCli(['wait', 'doomed', '--json'], { env: artist() });
    expect(waited.code).toBe(1);
    expect(JSON.parse(waited.stdout)).toMatchObject({ id, state: 'failed' });
    expect(waited.stderr).toContain(
      `drover: the job failed; see drover tasks ${id} and drover logs ${id} <frame>\n`,
    );
  });

  it.skipIf(noTaskLogs)(
    'prints a stored task log, as text, with timestamps and as JSON, and -f ends at once on a finished task',
    async () => {
      const submitted = await runCli(
        ['submit', '-t', 'logged', '-j', 'Command', '-f', '4', '-d', 'command=true', '--json'],
        {
          env: artist(),
        },
      );
      const id = JSON.parse(submitted.stdout).id as number;
      const task = (await m.farm.inject({ url: `/api/v1/jobs/${id}/tasks/` })).json()[0] as { id: number };
      const logs = `/api/v1/jobs/${id}/tasks/${task.id}/attempts/0/logs/`;
      const identifier = '2026-01-01_00-00-00_4_logged.csv';
      expect((await m.farm.inject({ method: 'POST', url: logs, payload: { identifier } })).statusCode).toBe(
        201,
      );
      const csv =
        '2026-01-01T00:00:00.000Z,None,internal,1,starting true\r\n' +
        '2026-01-01T00:00:00.100Z,7,0,2,"hello, world"\r\n' +
        '2026-01-01T00:00:00.200Z,7,1,3,a warning\r\n';
      const upload = await m.farm.inject({
        method: 'PUT',
        url: `${logs}${identifier}/logfile`,
        headers: { 'content-type': 'text/csv' },
        payload: csv,
      });
      expect(upload.statusCode).toBe(201);
      await setTaskStates(id, 'done');

      const text = await runCli(['logs', 'logged', '4'], { env: artist() });
      expect(text).toMatchObject({
        code: 0,
        stdout: '[agent] starting true\nhello, world\na warning\n',
        stderr: '',
      });
      const stamped = await runCli(['logs', String(id), '4', '--timestamps'], { env: artist() });
      expect(stamped.stdout.split('\n')[1]).toBe('2026-01-01T00:00:00.100Z hello, world');
      const json = await runCli(['logs', String(id), '4', '--json'], { env: artist() });
      expect(
        json.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
      ).toEqual([
        { time: '2026-01-01T00:00:00.000Z', stream: 'internal', line: 1, message: 'starting true' },
        { time: '2026-01-01T00:00:00.100Z', stream: 'stdout', line: 2, message: 'hello, world' },
        { time: '2026-01-01T00:00:00.200Z', stream: 'stderr', line: 3, message: 'a warning' },
      ]);
      const followed = await runCli(['logs', String(id), '4', '-f'], { env: artist() });
      expect(followed).toMatchObject({ code: 0, stdout: text.stdout });
      const noAttempt = await runCli(['logs', String(id), '4', '--attempt', '3'], { env: artist() });
      expect(noAttempt).toMatchObject({
        code: 4,
        stderr: `drover: frame 4 of job ${id} has no log yet (task ${task.id} is done)\n`,
      });
    },
  );

  it('lists agents (none yet) and reports unknown jobs', async () => {
    expect(await runCli(['agents'], { env: artist() })).toMatchObject({ code: 0, stdout: 'no agents\n' });
    expect(JSON.parse((await runCli(['agents', '--json'], { env: artist() })).stdout)).toEqual([]);
    const missing = await runCli(['tasks', 'no such job'], { env: artist() });
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/^drover: .*no such job.*\n$/);
    const noLog = await runCli(['logs', 'doomed', '7'], { env: artist() });
    expect(noLog).toMatchObject({ code: 4 });
    expect(noLog.stderr).toMatch(/^drover: job doomed has no task for frame 7 \(its frames are 1…2\)\n$/);
  });
});
