/**
 * Real renders through a real agent: Debian's Blender renders 3 tiny frames of a .blend (Cycles, CPU,
 * 1 sample, 64×64) with the Blender job type, then the FFmpeg job type encodes them into an H.264 movie.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';

const has = (tool: string) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
const tools = has('blender') && has('ffmpeg') && has('ffprobe');

let master: FakeMaster;
let agent: AgentProcess;
let agentId: string;
const dir = mkdtempSync(join(tmpdir(), 'drover-render-'));

beforeAll(async () => {
  if (!tools) return;
  await ensureBuilt();
  // A tiny scene saved by Blender itself: the factory cube.
  execFileSync(
    'blender',
    [
      '-b',
      '--factory-startup',
      '-noaudio',
      '--python-expr',
      `import bpy; bpy.ops.wm.save_as_mainfile(filepath=${JSON.stringify(join(dir, 'cube.blend'))})`,
    ],
    { stdio: 'ignore', timeout: 120_000 },
  );
  master = await new FakeMaster().start();
  for (const [name, file] of [
    ['Blender', 'blender'],
    ['FFmpeg', 'ffmpeg'],
  ] as const) {
    master.addJobType(name, 1, readFileSync(`${ROOT}/jobtypes/builtin/${file}.js`, 'utf8'), name);
  }
  agent = AgentProcess.start({ masterApi: master.url, token: master.token });
  agentId = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
}, 180_000);

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
});

test.skipIf(!tools)(
  'Blender renders 3 frames, then FFmpeg makes a movie of them',
  { timeout: 180_000 },
  async () => {
    const blender = await master.callAgent(agentId, 'POST', '/assign', {
      job: {
        id: 1,
        by: 1,
        data: {
          file: join(dir, 'cube.blend'),
          output: join(dir, 'out', 'f_####'),
          samples: 1,
          resolution_x: 64,
          resolution_y: 64,
          resolution_percentage: 100,
        },
      },
      jobtype: { name: 'Blender', version: 1 },
      tasks: [1, 2, 3].map((f) => ({ id: 10 + f, frame: f, attempt: 1 })),
    });
    expect(blender.status).toBe(202);
    await master.waitFor(
      () => [11, 12, 13].every((t) => master.statesOf(t).some((s) => s === 'done' || s === 'failed')),
      150_000,
      'frames rendered',
    );
    for (const t of [11, 12, 13]) expect(master.statesOf(t)).toEqual(['running', 'done']);
    for (const f of ['f_0001.png', 'f_0002.png', 'f_0003.png'])
      expect(statSync(join(dir, 'out', f)).size).toBeGreaterThan(100);
    // Progress came from Blender's "Fra:" lines.
    expect(master.taskReports.some((r) => r.task === 11 && r.body.progress !== undefined)).toBe(true);
    const log = [...master.taskLogs.entries()]
      .find(([, v]) => v.task === 11)![0]
      .split('/')
      .slice(2)
      .join('/');
    const csv = (await master.waitFor(() => master.uploads.get(log), 10_000, 'log upload')).toString();
    expect(csv).toMatch(/Fra:1 /);
    expect(csv).toMatch(/Saved: '.*f_0003\.png'/);

    const ffmpeg = await master.callAgent(agentId, 'POST', '/assign', {
      job: {
        id: 2,
        by: 1,
        data: {
          input: join(dir, 'out', 'f_%04d.png'),
          output: join(dir, 'out', 'cube.mp4'),
          framerate: 24,
          start_number: 1,
          frames: 3,
        },
      },
      jobtype: { name: 'FFmpeg', version: 1 },
      tasks: [{ id: 21, frame: 1, attempt: 1 }],
    });
    expect(ffmpeg.status).toBe(202);
    await master.waitFor(
      () => master.statesOf(21).some((s) => s === 'done' || s === 'failed'),
      60_000,
      'movie encoded',
    );
    expect(master.statesOf(21)).toEqual(['running', 'done']);
    expect(existsSync(join(dir, 'out', 'cube.mp4'))).toBe(true);
    const probe = execFileSync(
      'ffprobe',
      [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-count_frames',
        '-show_entries',
        'stream=codec_name,pix_fmt,nb_read_frames',
        '-of',
        'csv=p=0',
        join(dir, 'out', 'cube.mp4'),
      ],
      { encoding: 'utf8' },
    );
    expect(probe.trim()).toBe('h264,yuv420p,3');
  },
);
