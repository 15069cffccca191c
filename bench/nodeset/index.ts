/**
 * `drover nodeset` against ClusterShell's `nodeset`, side by side, on the inputs of spec §4:
 *   - whole commands: `node bin/drover.js nodeset ...` vs `/usr/bin/nodeset ...` (after a build), median
 *     wall time of N runs, outputs compared;
 *   - library calls: the same operation in-process vs a `python3 -c` timing loop around ClusterShell's
 *     NodeSet (import and input reading excluded).
 * Target: drover at least 3x faster on fold of 100,000 names, expand of n[1-1000000] and count of a
 * large 2D set.
 *
 *   npm run bench -- nodeset [runs]        (default 3 runs; the 65 s ClusterShell case runs once)
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeSet } from '../../src/nodeset/index.js';

const runs = Number(process.argv[2] ?? 3);
const root = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'drover-bench-nodeset-'));

const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { stdio: 'inherit' });
if (build.status !== 0) process.exit(1);

// ---- inputs -------------------------------------------------------------------------------------------
const names = Array.from({ length: 100_000 }, (_, i) => `node${i + 1}`);
// A fixed shuffle (linear congruential generator), so both runs see the same order.
let seed = 42;
const random = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
const shuffled = [...names];
for (let i = shuffled.length - 1; i > 0; i--) {
  const j = Math.floor(random() * (i + 1));
  [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
}
const names2d: string[] = [];
for (let r = 1; r <= 100; r++) for (let n = 1; n <= 1000; n++) names2d.push(`rack${r}node${n}`);
const files = {
  list: join(dir, 'list100k'),
  shuffled: join(dir, 'list100k.shuf'),
  list2d: join(dir, 'list2d'),
};
writeFileSync(files.list, `${names.join('\n')}\n`);
writeFileSync(files.shuffled, `${shuffled.join('\n')}\n`);
writeFileSync(files.list2d, `${names2d.join('\n')}\n`);

// ---- whole commands -----------------------------------------------------------------------------------
interface Run {
  seconds: number;
  digest: string;
  bytes: number;
}

function runCommand(argv: string[], stdinFile?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
    const hash = createHash('sha256');
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      hash.update(chunk);
      bytes += chunk.length;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${argv.join(' ')} exited ${code}`));
      else resolve({ seconds: (performance.now() - started) / 1000, digest: hash.digest('hex'), bytes });
    });
    child.stdin.end(stdinFile ? readFileSync(stdinFile) : '');
  });
}

const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function timeCommand(args: string[], stdinFile: string | undefined, n: number) {
  const drover: Run[] = [];
  const clustershell: Run[] = [];
  for (let i = 0; i < n; i++) {
    drover.push(
      await runCommand([process.execPath, join(root, 'bin/drover.js'), 'nodeset', ...args], stdinFile),
    );
    clustershell.push(await runCommand(['/usr/bin/nodeset', ...args], stdinFile));
  }
  return {
    drover: median(drover.map((r) => r.seconds)),
    clustershell: median(clustershell.map((r) => r.seconds)),
    same: drover[0]!.digest === clustershell[0]!.digest,
    bytes: drover[0]!.bytes,
  };
}

const commands: { name: string; args: string[]; stdin?: string; runs?: number }[] = [
  { name: 'start-up floor: -f node1', args: ['-f', 'node1'] },
  { name: 'fold 100k names (stdin)', args: ['-f'], stdin: files.list },
  { name: 'fold 100k names, shuffled', args: ['-f'], stdin: files.shuffled },
  { name: 'count 100k names (stdin)', args: ['-c'], stdin: files.list },
  { name: "expand n[1-1000000], -S '\\n'", args: ['-e', '-S', '\\n', 'n[1-1000000]'] },
  { name: 'expand n[1-1000000]', args: ['-e', 'n[1-1000000]'] },
  { name: 'count n[1-1000000]', args: ['-c', 'n[1-1000000]'] },
  { name: 'xor 1D 1M', args: ['-c', 'n[1-1000000]', '-X', 'n[500000-1500000]'] },
  { name: 'rangeset 1M, 500k runs', args: ['-fR', '1-1000000', '-x', '2-1000000/2'] },
  { name: 'count 2D from 100k names', args: ['-c'], stdin: files.list2d },
  { name: 'fold 2D from 100k names', args: ['-f'], stdin: files.list2d },
  {
    name: 'count big 2D (nD fold of 750k)',
    args: ['-c', 'x[1-1000]y[1-1000]', '-x', 'x[1-500]y[1-500]'],
    runs: 1,
  },
];

// ---- library calls ------------------------------------------------------------------------------------
function timeLibrary(fn: () => unknown, n: number): number {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    fn();
    times.push((performance.now() - started) / 1000);
  }
  return median(times);
}

function timePython(setup: string, statement: string, n: number): number {
  const code = [
    'import time, statistics',
    'from ClusterShell.NodeSet import NodeSet',
    setup,
    'times = []',
    `for _ in range(${n}):`,
    '    t = time.perf_counter()',
    `    ${statement}`,
    '    times.append(time.perf_counter() - t)',
    'print(statistics.median(times))',
  ].join('\n');
  const out = spawnSync('/usr/bin/python3', ['-c', code], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (out.status !== 0) throw new Error(out.stderr);
  return Number(out.stdout.trim());
}

const library: { name: string; drover: () => unknown; setup: string; python: string; runs?: number }[] = [
  {
    name: 'NodeSet.fromList(100k names).toString()',
    drover: () => NodeSet.fromList(names).toString(),
    setup: `names = open(${JSON.stringify(files.list)}).read().split()`,
    python: 'str(NodeSet.fromlist(names))',
  },
  {
    name: 'expand n[1-1000000] to a list',
    drover: () => [...NodeSet.parse('n[1-1000000]')].length,
    setup: '',
    python: "len(list(NodeSet('n[1-1000000]')))",
  },
  {
    name: 'length of 2D set from 100k names',
    drover: () => NodeSet.fromList(names2d).length,
    setup: `names = open(${JSON.stringify(files.list2d)}).read().split()`,
    python: 'len(NodeSet.fromlist(names))',
  },
  {
    name: 'length of x[1-1000]y[1-1000] - x[1-500]y[1-500]',
    drover: () => NodeSet.parse('x[1-1000]y[1-1000]').difference('x[1-500]y[1-500]').length,
    setup: '',
    python: "len(NodeSet('x[1-1000]y[1-1000]') - NodeSet('x[1-500]y[1-500]'))",
    runs: 1,
  },
];

// ---- report -------------------------------------------------------------------------------------------
const pad = (s: string, n: number): string => s.padEnd(n);
const num = (s: number): string => s.toFixed(3).padStart(8);
const ratio = (cs: number, dr: number): string => `${(cs / dr).toFixed(1)}x`.padStart(8);

try {
  console.log(`\nWhole commands (median of ${runs} runs unless noted; ratio = ClusterShell / drover)\n`);
  console.log(`${pad('benchmark', 40)}  drover s  ClusterShell s   ratio  same output`);
  for (const c of commands) {
    const n = Math.min(runs, c.runs ?? runs);
    const r = await timeCommand(c.args, c.stdin, n);
    console.log(
      `${pad(c.name + (n !== runs ? ` (${n} run)` : ''), 40)}  ${num(r.drover)}  ${num(r.clustershell)}       ${ratio(r.clustershell, r.drover)}  ${r.same ? 'yes' : 'NO'} (${r.bytes} bytes)`,
    );
  }
  console.log(`\nLibrary calls (in-process; median of ${runs} runs unless noted)\n`);
  console.log(`${pad('benchmark', 50)}  drover s  ClusterShell s   ratio`);
  for (const l of library) {
    const n = Math.min(runs, l.runs ?? runs);
    const dr = timeLibrary(l.drover, n);
    const cs = timePython(l.setup, l.python, n);
    console.log(
      `${pad(l.name + (n !== runs ? ` (${n} run)` : ''), 50)}  ${num(dr)}  ${num(cs)}       ${ratio(cs, dr)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
