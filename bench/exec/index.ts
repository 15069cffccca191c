/**
 * `drover exec` against ClusterShell's `clush`, side by side: `true` on 1,000 nodes with the exec
 * transport at fanout 64 and 256, as whole commands (`node bin/drover.js exec -R exec ...` after a build,
 * vs `/usr/bin/clush -R exec ...`), runs interleaved so that both see the same machine load; median wall
 * time of N runs each. Also the same work as a library call (Task in-process, start-up excluded).
 * Target: drover no slower than clush (ratio clush/drover >= 1).
 *
 *   npm run bench -- exec [runs]        (default 3 runs per side and fanout)
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { execTransport, Task } from '../../src/exec/index.js';

const runs = Number(process.argv[2] ?? 3);
const root = new URL('../..', import.meta.url).pathname;
const NODES = 'n[1-1000]';
const FANOUTS = [64, 256];

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

interface Run {
  seconds: number;
  stdout: string;
  code: number;
}

/** Runs a whole command with stdin at end of file (both forward stdin when it is not a terminal). */
function timeCommand(argv: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({ seconds: (performance.now() - started) / 1000, stdout, code: code ?? -1 }),
    );
    child.stdin.end();
  });
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (values: number[]): string =>
  `${median(values).toFixed(2)} s [${values.map((v) => v.toFixed(2)).join(' ')}]`;

console.log(`exec of true on ${NODES} (1000 nodes), ${runs} runs per side, interleaved`);
console.log(
  `machine: ${cpus().length} cpus, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}\n`,
);

const rows: [string, string, string, string][] = [];
for (const fanout of FANOUTS) {
  const drover: number[] = [];
  const clush: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate who goes first, so neither always runs on the busier half.
    const order = i % 2 === 0 ? ['drover', 'clush'] : ['clush', 'drover'];
    for (const who of order) {
      const argv =
        who === 'drover'
          ? [
              process.execPath,
              join(root, 'bin/drover.js'),
              'exec',
              '-R',
              'exec',
              '-w',
              NODES,
              '-f',
              String(fanout),
              'true',
            ]
          : ['/usr/bin/clush', '-R', 'exec', '-w', NODES, '-f', String(fanout), 'true'];
      const run = await timeCommand(argv);
      if (run.code !== 0) throw new Error(`${argv.join(' ')} exited ${run.code}`);
      (who === 'drover' ? drover : clush).push(run.seconds);
    }
  }
  const ratio = median(clush) / median(drover);
  rows.push([`fanout ${fanout}`, fmt(drover), fmt(clush), `${ratio.toFixed(2)}x`]);
  console.log(
    `fanout ${fanout}: drover ${fmt(drover)}  clush ${fmt(clush)}  clush/drover ${ratio.toFixed(2)}x`,
  );
}

console.log('\nlibrary call (Task in-process, start-up excluded):');
for (const fanout of FANOUTS) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const task = new Task({
      info: { fanout },
      defaults: { distant_worker: execTransport, stdout_msgtree: false, stderr: true },
    });
    const started = performance.now();
    task.shell('true', { nodes: NODES }).setWriteEof();
    await task.run();
    times.push((performance.now() - started) / 1000);
    if (task.maxRetcode() !== 0) throw new Error('a node failed');
  }
  console.log(`  fanout ${fanout}: Task.run ${fmt(times)}`);
}

console.log('\n| benchmark | drover (median [runs]) | clush | clush/drover |');
console.log('|---|---|---|---|');
for (const [name, d, c, r] of rows) console.log(`| exec true 1000 nodes, ${name} | ${d} | ${c} | ${r} |`);
