/**
 * Agent registrations per second through real HTTP on loopback: a master on a SQLite file (WAL) in a child
 * process, keep-alive clients here, an agent token, and the payload a real agent sends (MACs, a GPU, disks,
 * empty current_assignments).
 *
 *   npm run bench -- api-agents [count] [database-url]
 *
 * Phases: new agents one after the other; the same agents registering again (a farm restarting); their
 * re-announces (POST /agents/<id>); then new agents and re-registrations from 16 concurrent clients.
 * Besides the rates it prints the master's CPU time per request (from /proc), which says what one core can
 * sustain even when the machine is busy. Targets (issue 3): ≥ 2,500 registrations/s sequential, ≥ 8,000/s
 * with 16 concurrent clients.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

const count = Number(process.argv[2] ?? 3000);
const CONCURRENCY = 16;

const server = spawn(
  process.execPath,
  [
    // BENCH_PROFILE=<dir> writes a CPU profile of the master there.
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []),
    '--import',
    'tsx',
    new URL('./server.ts', import.meta.url).pathname,
    process.argv[3] ?? '',
  ],
  {
    stdio: ['pipe', 'pipe', 'inherit'],
  },
);
const first = await new Promise<string>((resolve, reject) => {
  createInterface({ input: server.stdout! }).once('line', resolve);
  server.once('exit', (code) => reject(new Error(`the master exited with ${code}`)));
});
const { url, token, pid, dialect } = JSON.parse(first) as {
  url: string;
  token: string;
  pid: number;
  dialect: string;
};
const pool = new Pool(url, { connections: CONCURRENCY, pipelining: 1 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

/** The master's user + system CPU time in milliseconds. */
function masterCpuMs(): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / 100;
}

function registration(id: string, i: number) {
  return {
    id,
    hostname: `render${i}`,
    port: 50000,
    ram: 65536,
    free_ram: 60000,
    cpus: 32,
    version: '1.0.0',
    os_class: 'linux',
    os_fullname: 'Debian GNU/Linux 12',
    cpu_name: 'AMD EPYC 7543',
    time_offset: 0,
    state: 'online',
    mac_addresses: [macOf(i, 1), macOf(i, 2)],
    gpus: ['NVIDIA RTX A5000'],
    disks: [
      { mountpoint: '/', size: 500_000_000_000, free: 200_000_000_000 },
      { mountpoint: '/scratch', size: 2_000_000_000_000, free: 1_500_000_000_000 },
    ],
    current_assignments: {},
    api_secret: 'b'.repeat(43),
  };
}

function macOf(i: number, nic: number): string {
  const hex = (i * 4 + nic).toString(16).padStart(10, '0');
  return `02:${hex.match(/../g)!.join(':')}`;
}

async function send(path: string, body: unknown, expected: number): Promise<number> {
  const started = performance.now();
  const res = await pool.request({ method: 'POST', path, headers, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (res.statusCode !== expected) throw new Error(`${path}: ${res.statusCode} ${text}`);
  return performance.now() - started;
}

async function phase(name: string, items: readonly (() => Promise<number>)[], concurrency: number) {
  const latencies: number[] = [];
  let next = 0;
  const cpu = masterCpuMs();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) latencies.push(await items[next++]!());
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuPerRequest = (masterCpuMs() - cpu) / items.length;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  console.log(
    `${name.padEnd(40)} ${String(Math.round(items.length / seconds)).padStart(6)} req/s` +
      `   p50 ${at(0.5).toFixed(2)} ms   p99 ${at(0.99).toFixed(2)} ms` +
      `   master CPU ${cpuPerRequest.toFixed(3)} ms/req (≈ ${Math.round(1000 / cpuPerRequest)}/s per core)`,
  );
}

const register = (body: ReturnType<typeof registration>, expected: number) => () =>
  send('/api/v1/agents/', body, expected);
const announce = (body: ReturnType<typeof registration>) => () =>
  send(
    `/api/v1/agents/${body.id}`,
    { state: 'online', current_assignments: {}, free_ram: 59000, disks: body.disks },
    200,
  );

try {
  // Warm up the JIT, the statement caches and the token cache (not reported).
  const warm = Array.from({ length: 500 }, (_, i) => registration(randomUUID(), 1_000_000 + i));
  for (const body of warm) await register(body, 201)();
  for (const body of warm) await register(body, 200)();

  console.log(`agent registrations over HTTP, ${dialect}, ${count} per phase, load average ${loadAverage()}`);
  const agents = Array.from({ length: count }, (_, i) => registration(randomUUID(), i));
  await phase(
    'new agents, sequential',
    agents.map((a) => register(a, 201)),
    1,
  );
  await phase(
    're-registrations, sequential',
    agents.map((a) => register(a, 200)),
    1,
  );
  await phase('re-announces, sequential', agents.map(announce), 1);
  const more = Array.from({ length: count }, (_, i) => registration(randomUUID(), count + i));
  await phase(
    `new agents, ${CONCURRENCY} concurrent clients`,
    more.map((a) => register(a, 201)),
    CONCURRENCY,
  );
  await phase(
    `re-registrations, ${CONCURRENCY} concurrent clients`,
    more.map((a) => register(a, 200)),
    CONCURRENCY,
  );
  console.log(`load average after: ${loadAverage()}`);
} finally {
  await pool.close();
  server.stdin!.end();
  await new Promise((resolve) => server.once('exit', resolve));
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
}
