/** The benchmark's HTTP clients (a worker thread of ./index.ts). */
import { randomUUID } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

const { base, token, count } = workerData as { base: string; token: string; count: number };
const CONCURRENCY = 16;
const pool = new Pool(base, { connections: CONCURRENCY, pipelining: 1 });
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

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

async function send(method: 'POST', path: string, body: unknown, expected: number[]): Promise<number> {
  const started = performance.now();
  const res = await pool.request({ method, path, headers, body: JSON.stringify(body) });
  const text = await res.body.text();
  if (!expected.includes(res.statusCode)) throw new Error(`${path}: ${res.statusCode} ${text}`);
  return performance.now() - started;
}

async function phase(
  name: string,
  items: readonly (() => Promise<number>)[],
  concurrency: number,
): Promise<{ phase: string; count: number; seconds: number; perSecond: number; p50: number; p99: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        latencies.push(await item());
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return {
    phase: name,
    count: items.length,
    seconds,
    perSecond: items.length / seconds,
    p50: at(0.5),
    p99: at(0.99),
  };
}

const register = (body: ReturnType<typeof registration>, expected: number[]) => () =>
  send('POST', '/api/v1/agents/', body, expected);

// Warm up the JIT, the statement caches and the token cache.
await phase(
  'warm-up',
  Array.from({ length: 300 }, (_, i) => register(registration(randomUUID(), 1_000_000 + i), [201])),
  1,
);

const agents = Array.from({ length: count }, (_, i) => registration(randomUUID(), i));
const results = [];
results.push(
  await phase(
    'new agents, sequential',
    agents.map((a) => register(a, [201])),
    1,
  ),
);
results.push(
  await phase(
    're-registrations, sequential',
    agents.map((a) => register(a, [200])),
    1,
  ),
);
results.push(
  await phase(
    're-announces, sequential',
    agents.map(
      (a) => () =>
        send(
          'POST',
          `/api/v1/agents/${a.id}`,
          { state: 'online', current_assignments: {}, free_ram: 59000, disks: a.disks },
          [200],
        ),
    ),
    1,
  ),
);
const more = Array.from({ length: count }, (_, i) => registration(randomUUID(), count + i));
results.push(
  await phase(
    `new agents, ${CONCURRENCY} concurrent clients`,
    more.map((a) => register(a, [201])),
    CONCURRENCY,
  ),
);
results.push(
  await phase(
    `re-registrations, ${CONCURRENCY} concurrent clients`,
    more.map((a) => register(a, [200])),
    CONCURRENCY,
  ),
);
await pool.close();
parentPort!.postMessage(results);
