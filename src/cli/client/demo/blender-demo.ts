/**
 * `drover demo blender`: a real render on the farm in one command. The demo scene (examples/blender/
 * demo.blend, made by examples/blender/make-scene.py) is copied into the output directory; a Blender job
 * renders its frames there in batches spread over the online agents, and an FFmpeg job whose parent is
 * the render job turns them into an MP4 once every frame is done. The command waits for both and prints
 * where the frames and the movie are.
 *
 * The paths are this machine's: the demo is meant for `drover up`'s local agents (or agents that share
 * the directory under the same path).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Static } from 'typebox';
import type { AgentSummary } from '../../../api/schemas/agents.js';
import type { JobView } from '../../../api/schemas/jobs.js';
import { CliExit, type CliIO } from '../../io.js';
import { openClient } from '../client-command.js';
import type { ClientOptions } from '../client-options.js';
import { framesOf, parseFrameSpec } from '../frame-spec.js';
import { finishWaiting } from '../jobs/job-actions.js';
import type { JobBody } from '../submit/submission.js';

type Job = Static<typeof JobView>;

export interface BlenderDemoOptions extends ClientOptions {
  out: string;
  frames: string;
  resolution: string;
  samples: number;
  fps: number;
  progress?: boolean;
}

/** examples/blender/demo.blend of this installation (src/cli/client/demo and dist/... sit at one depth). */
export const DEMO_SCENE = fileURLToPath(new URL('../../../../examples/blender/demo.blend', import.meta.url));

function parseResolution(text: string): { x: number; y: number } {
  const match = /^(\d{1,5})x(\d{1,5})$/.exec(text);
  const x = Number(match?.[1]);
  const y = Number(match?.[2]);
  if (!match || x < 4 || y < 4)
    throw new CliExit(2, `--resolution ${text}: expected WIDTHxHEIGHT, e.g. 320x240`);
  return { x, y };
}

function onPath(program: string, env: NodeJS.ProcessEnv): boolean {
  return (env.PATH ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, program)));
}

function isLocalMaster(baseUrl: string): boolean {
  const host = new URL(baseUrl).hostname;
  return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
}

export interface DemoPlan {
  render: JobBody;
  movie: (renderJobId: number) => JobBody;
  framesDir: string;
  movieFile: string;
  frameCount: number;
}

/** The two jobs, for `agents` agents sharing the frames. */
export function planBlenderDemo(options: BlenderDemoOptions, outDir: string, agents: number): DemoPlan {
  const ranges = parseFrameSpec(options.frames);
  if (ranges.length !== 1 || ranges[0]!.by !== 1 || !Number.isInteger(ranges[0]!.start)) {
    throw new CliExit(2, `--frames ${options.frames}: the demo renders one range of whole frames, e.g. 1-24`);
  }
  const range = ranges[0]!;
  const frameCount = framesOf(range).length;
  const { x, y } = parseResolution(options.resolution);
  const framesDir = join(outDir, 'frames');
  const movieFile = join(outDir, 'demo.mp4');
  // One Blender process per batch: its ~1 s start-up is paid once per agent rather than once per frame.
  const batch = Math.max(1, Math.ceil(frameCount / Math.max(1, agents)));
  return {
    framesDir,
    movieFile,
    frameCount,
    render: {
      title: `Blender demo ${x}x${y} frames ${range.start}-${range.end}`,
      jobtype: 'Blender',
      start: range.start,
      end: range.end,
      by: 1,
      batch,
      data: {
        file: join(outDir, 'demo.blend'),
        output: join(framesDir, 'f_####'),
        format: 'PNG',
        engine: 'CYCLES',
        device: 'CPU',
        samples: options.samples,
        resolution_x: x,
        resolution_y: y,
        resolution_percentage: 100,
      },
    },
    movie: (renderJobId) => ({
      title: `Blender demo movie (job ${renderJobId})`,
      jobtype: 'FFmpeg',
      start: 1,
      end: 1,
      parents: [{ id: renderJobId }],
      data: {
        input: join(framesDir, 'f_%04d.png'),
        output: movieFile,
        framerate: options.fps,
        start_number: range.start,
        frames: frameCount,
      },
    }),
  };
}

export async function runBlenderDemo(io: CliIO, options: BlenderDemoOptions): Promise<void> {
  const { client, out } = openClient(io, options);
  if (isLocalMaster(client.baseUrl)) {
    const missing = ['blender', 'ffmpeg'].filter((program) => !onPath(program, io.env));
    if (missing.length > 0) {
      throw new CliExit(
        1,
        `${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not installed here; ` +
          'the local agents need them (Debian/Ubuntu: sudo apt-get install blender ffmpeg)',
      );
    }
  }
  const agents = await client.get<Static<typeof AgentSummary>[]>('/agents/').catch(() => []);
  const outDir = resolve(io.cwd, options.out);
  const plan = planBlenderDemo(options, outDir, agents.length);

  mkdirSync(plan.framesDir, { recursive: true });
  // Frames of an earlier run would end up in this run's movie.
  for (const name of readdirSync(plan.framesDir)) {
    if (/^f_\d+\.png$/.test(name)) rmSync(join(plan.framesDir, name));
  }
  rmSync(plan.movieFile, { force: true });
  if (!existsSync(DEMO_SCENE))
    throw new CliExit(1, `the demo scene is missing from this installation: ${DEMO_SCENE}`);
  copyFileSync(DEMO_SCENE, join(outDir, 'demo.blend'));

  const render = await client.post<Job>('/jobs/', plan.render);
  let movie: Job;
  try {
    movie = await client.post<Job>('/jobs/', plan.movie(render.id));
  } catch (err) {
    await client.delete(`/jobs/${render.id}`).catch(() => undefined);
    throw err;
  }
  if (!out.json) {
    io.stdout.write(
      `submitted job ${render.id} ${JSON.stringify(render.title)} (${plan.frameCount} frames, ` +
        `${agents.length} agent${agents.length === 1 ? '' : 's'})\n` +
        `submitted job ${movie.id} ${JSON.stringify(movie.title)} (runs when job ${render.id} is done)\n`,
    );
  }
  await finishWaiting(io, client, out, [render.id, movie.id], {
    ...options,
    progress: options.progress !== false,
  });
  if (!out.json) {
    io.stdout.write(`\nframes: ${plan.framesDir}/f_####.png\nmovie:  ${plan.movieFile}\n`);
  }
}
