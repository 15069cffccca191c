/**
 * A whole farm as a user runs it: `drover up --agents 2` as a process, client commands as processes and
 * in-process, a real job run by the agents, the Blender demo (when Blender and FFmpeg are installed), and
 * a stop with SIGINT followed by a restart that finds everything where it was.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { missingComponents } from '../helpers/components.js';
import { DroverProcess } from '../helpers/drover-process.js';
import { unusedPort } from '../helpers/ports.js';
import { ensureBuilt } from '../support/build-once.js';

const missing = missingComponents('jobsApi', 'agentsApi', 'taskLogsApi', 'scheduler');
const onPath = (program: string) =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
const renderers = onPath('blender') && onPath('ffmpeg');

const dir = mkdtempSync(join(tmpdir(), 'drover-farm-'));
const env = {
  HOME: dir,
  XDG_CONFIG_HOME: join(dir, '.config'),
  TMPDIR: join(dir, 'tmp'),
  PATH: process.env.PATH,
};
const processes: DroverProcess[] = [];
let farm: DroverProcess;
let port: number;

function drover(args: string[]): DroverProcess {
  const p = new DroverProcess(args, { cwd: dir, env });
  processes.push(p);
  return p;
}

async function startFarm(): Promise<DroverProcess> {
  const p = drover(['up', '--agents', '2', '--port', String(port)]);
  await p.waitFor(/Ctrl-C stops the farm/, 90_000);
  return p;
}

async function agentsOnline(count: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const agents = JSON.parse(
      (await runCli(['agents', '--json', '--state', 'online'], { env })).stdout || '[]',
    );
    if (agents.length >= count) return;
    if (Date.now() > deadline) throw new Error(`agents online: ${agents.length}\n${farm.stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(missing.length > 0)(
  `a farm from drover up${missing.length ? ` (needs ${missing})` : ''}`,
  () => {
    beforeAll(async () => {
      await ensureBuilt();
      mkdirSync(env.TMPDIR, { recursive: true });
      port = await unusedPort();
      farm = await startFarm();
      await agentsOnline(2);
    }, 240_000);
    afterAll(async () => {
      // SIGINT: drover up stops its agents (a killed one leaves them to notice on their own).
      for (const p of processes) await p.stop('SIGINT');
      rmSync(dir, { recursive: true, force: true });
    });

    it('runs a submitted job on the local agents: submit --wait as a process, then the log of a frame', async () => {
      const submit = drover([
        'submit',
        '-t',
        'echo frames',
        '-j',
        'Command',
        '-f',
        '1-4',
        '-d',
        'command=sh',
        '-d',
        'args:=["-c","echo rendering frame {frame}"]',
        '--wait',
      ]);
      expect(await submit.exited).toEqual({ code: 0, signal: null });
      expect(submit.stdout).toMatch(
        /^submitted job (\d+) "echo frames" \(4 tasks\)\njob \1 "echo frames": done\n$/,
      );
      const logs = await runCli(['logs', 'echo frames', '3'], { env });
      expect(logs.code).toBe(0);
      expect(logs.stdout).toContain('rendering frame 3\n');
      const tasks = JSON.parse((await runCli(['tasks', 'echo frames', '--json'], { env })).stdout);
      expect(tasks.map((t: { state: string }) => t.state)).toEqual(['done', 'done', 'done', 'done']);
    }, 120_000);

    it.skipIf(!renderers)(
      'renders the Blender demo and makes its movie',
      async () => {
        const demo = await runCli(
          [
            'demo',
            'blender',
            '--frames',
            '1-3',
            '--resolution',
            '64x48',
            '--samples',
            '1',
            '--out',
            join(dir, 'demo'),
          ],
          { env, cwd: dir },
        );
        expect(demo.stderr).not.toMatch(/^drover:/m);
        expect(demo.code).toBe(0);
        expect(demo.stdout).toContain(`movie:  ${join(dir, 'demo', 'demo.mp4')}\n`);
        expect(readdirSync(join(dir, 'demo', 'frames')).sort()).toEqual([
          'f_0001.png',
          'f_0002.png',
          'f_0003.png',
        ]);
        expect(existsSync(join(dir, 'demo', 'demo.mp4'))).toBe(true);
      },
      180_000,
    );

    it('stops cleanly on SIGINT and resumes with the jobs and agents intact', async () => {
      const before = JSON.parse((await runCli(['jobs', '--json'], { env })).stdout);
      expect(await farm.stop('SIGINT')).toEqual({ code: 0, signal: null });
      expect(farm.stderr).not.toMatch(/agent-\d stopped \(/);
      farm = await startFarm();
      expect(farm.stdout).toContain(
        'admin:     admin (the generated password is in drover-data/admin-password)',
      );
      const after = JSON.parse((await runCli(['jobs', '--json'], { env })).stdout);
      expect(after.map((j: { id: number; state: string }) => [j.id, j.state])).toEqual(
        before.map((j: { id: number; state: string }) => [j.id, j.state]),
      );
      await agentsOnline(2);
      const agents = JSON.parse((await runCli(['agents', '--json'], { env })).stdout);
      expect(agents).toHaveLength(2);
    }, 180_000);
  },
);
