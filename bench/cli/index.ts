/**
 * Client CLI and `drover up` benchmark (`npm run bench -- cli`, builds first). Real processes:
 *   - `drover up --agents 0` from start to "Drover is up": the first run (databases created, admin and
 *     tokens made) and a resume of the same directory; wall time and the process's CPU time;
 *   - `drover up --agents N` (default 2): until the N agents are online;
 *   - client round trips as processes (`node bin/drover.js agents|queues --json`), p50/p90 over R runs;
 *   - `drover --help`: the CLI's own start-up.
 * The machine's load is printed with the figures: on a shared machine they vary with it.
 * Options: --runs R (default 10), --agents N (default 2).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DroverProcess } from '../../test/helpers/drover-process.js';
import { unusedPort } from '../../test/helpers/ports.js';
import { ROOT } from '../../test/support/build-once.js';
import { percentile } from '../support/process-figures.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const RUNS = arg('runs', 10);
const AGENTS = arg('agents', 2);

const ms = (n: number) => `${Math.round(n)} ms`;
/** Every farm started, stopped (with its agents) however the benchmark ends. */
const farms: DroverProcess[] = [];

/** CPU time (user + system) a live process has used, from /proc. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

function timeCommand(args: string[], env: NodeJS.ProcessEnv): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, [join(ROOT, 'bin/drover.js'), ...args], { env, cwd: env.HOME });
  if (result.status !== 0) throw new Error(`drover ${args.join(' ')}: ${result.stderr.toString()}`);
  return performance.now() - start;
}

async function timeUp(dir: string, env: NodeJS.ProcessEnv, port: number, agents: number) {
  const start = performance.now();
  const up = new DroverProcess(['up', '--agents', String(agents), '--port', String(port)], { cwd: dir, env });
  farms.push(up);
  await up.waitFor(/Ctrl-C stops the farm/, 120_000);
  const ready = performance.now() - start;
  const cpu = cpuMs(up.child.pid!);
  return { up, ready, cpu };
}

async function main(): Promise<void> {
  if (spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0)
    throw new Error('build failed');
  console.log(
    `machine: ${cpus().length} cores, load ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'drover-bench-cli-'));
  const env = { PATH: process.env.PATH, HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') };
  try {
    const help = Array.from({ length: RUNS }, () => timeCommand(['--help'], env));
    console.log(`drover --help: p50 ${ms(percentile(help, 50))}, p90 ${ms(percentile(help, 90))}`);

    const port = await unusedPort();
    const first = await timeUp(dir, env, port, 0);
    console.log(`drover up, first run (--agents 0): ready in ${ms(first.ready)}, ${ms(first.cpu)} CPU`);
    for (const command of [
      ['agents', '--json'],
      ['queues', '--json'],
    ]) {
      const times = Array.from({ length: RUNS }, () => timeCommand(command, env));
      console.log(
        `drover ${command[0]} (a process, one request): p50 ${ms(percentile(times, 50))}, p90 ${ms(percentile(times, 90))}`,
      );
    }
    await first.up.stop('SIGINT');

    const again = await timeUp(dir, env, port, 0);
    console.log(`drover up, resume (--agents 0): ready in ${ms(again.ready)}, ${ms(again.cpu)} CPU`);
    const stopStart = performance.now();
    await again.up.stop('SIGINT');
    console.log(`drover up, stop on SIGINT (no agents): ${ms(performance.now() - stopStart)}`);

    const agentsStart = performance.now();
    const withAgents = await timeUp(dir, env, port, AGENTS);
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = spawnSync(
        process.execPath,
        [join(ROOT, 'bin/drover.js'), 'agents', '--json', '--state', 'online'],
        {
          env,
        },
      );
      const online = r.status === 0 ? (JSON.parse(r.stdout.toString()) as unknown[]).length : 0;
      if (online >= AGENTS || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    console.log(
      `drover up --agents ${AGENTS}: ready in ${ms(withAgents.ready)}, ${AGENTS} agents online after ${ms(performance.now() - agentsStart)}`,
    );
    const stopAgents = performance.now();
    await withAgents.up.stop('SIGINT');
    console.log(`drover up, stop on SIGINT (${AGENTS} idle agents): ${ms(performance.now() - stopAgents)}`);
  } finally {
    for (const farm of farms) await farm.stop('SIGINT');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
