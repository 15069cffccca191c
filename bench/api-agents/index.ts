/**
 * Agent registrations per second through real HTTP on loopback: a master on a SQLite file (WAL) in this
 * thread, the clients in a worker thread (their own event loop and core), keep-alive connections, an agent
 * token, the payload a real agent sends (MACs, GPU, disks, empty current_assignments).
 *
 *   npm run bench -- api-agents [count] [database-url]
 *
 * Phases: new agents one after the other; the same agents registering again (a farm restarting); their
 * re-announces (POST /agents/<id>); then new agents from 16 concurrent clients. Targets (issue 3):
 * ≥ 2,500 registrations/s sequential, ≥ 8,000/s with 16 concurrent clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { createAccountWithPassword, createApiToken } from '../../src/master/auth/auth.service.js';
import { createMaster } from '../../src/master/master.js';

const count = Number(process.argv[2] ?? 3000);
const dir = mkdtempSync(join(tmpdir(), 'drover-bench-agents-'));
const database = process.argv[3] ?? `sqlite:///${join(dir, 'bench.sqlite')}`;

const { config } = loadConfig({
  env: {},
  cwd: dir,
  overrides: { database, tasklogs_dir: join(dir, 'logs'), agent_updates_dir: join(dir, 'updates') },
});
const master = await createMaster({
  config,
  logger: silentLogger(),
  version: 'bench',
  allowAgentLoopback: true,
});
try {
  await createAccountWithPassword(master.context, { username: 'bench-agent', roles: ['agent'] });
  const { token } = await createApiToken(master.context, {
    username: 'bench-agent',
    name: 'bench',
    kind: 'agent',
  });
  const base = await master.listen('127.0.0.1', 0);
  const results = await runClients({ base, token, count });
  console.log(`agent registrations over HTTP, ${master.context.dialect}, ${count} per phase`);
  for (const r of results) {
    console.log(
      `${r.phase.padEnd(34)} ${String(Math.round(r.perSecond)).padStart(6)} req/s` +
        `   p50 ${r.p50.toFixed(2)} ms   p99 ${r.p99.toFixed(2)} ms   (${r.count} in ${r.seconds.toFixed(2)} s)`,
    );
  }
} finally {
  await master.close();
  rmSync(dir, { recursive: true, force: true });
}

interface PhaseResult {
  phase: string;
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

function runClients(data: { base: string; token: string; count: number }): Promise<PhaseResult[]> {
  return new Promise((resolve, reject) => {
    // Loader hooks do not reach worker threads on Node 20: the worker registers tsx itself.
    const clients = new URL('./clients.ts', import.meta.url).href;
    const bootstrap = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(clients)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: data });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`client worker exited with ${code}`));
    });
  });
}
