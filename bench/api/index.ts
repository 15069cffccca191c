/**
 * The REST API benchmark of issue 3: a real master (bench/api/server.ts, its own process) listening on
 * loopback, and a client here sending the seed's requests — job listing with 500 jobs, paged listing at
 * 100,000 jobs, 1,000- and 100,000-frame submissions, agent registrations (sequential and 16 concurrent
 * clients), task-state updates — first on SQLite, then on a private PostgreSQL server.
 *
 *   npm run bench -- api [--quick] [--only sqlite|postgres] [--scenario listing|submission|registration|taskUpdate]
 *                        [--cpu-prof <dir>] [--log-level info|warn]
 *
 * `--cpu-prof` writes the master's CPU profile (Chrome DevTools format) to <dir> when it stops;
 * `--log-level warn` drops the per-request log lines (production logs them at info).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openDatabase } from '../../src/db/connection/open-database.js';
import type { DialectName } from '../../src/db/dialect-name.js';
import { createPostgresDatabase, startTestServers } from '../../test/support/servers.js';
import { cpuSeconds } from '../support/process-figures.js';
import {
  listingScenario,
  registrationScenario,
  submissionScenario,
  taskUpdateScenario,
  type BenchContext,
  type Figure,
} from './scenarios.js';
import { startFakeAgents } from './fake-agents.js';
import { createBenchJobType } from './seed.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const only = option('--only');
const onlyScenario = option('--scenario');
const cpuProfileDir = option('--cpu-prof');
const logLevel = option('--log-level') ?? 'info';
const dialects = (['sqlite', 'postgres'] as const).filter((d) => only === undefined || d === only);
const root = new URL('../../', import.meta.url).pathname;

const results: { dialect: DialectName; figure: Figure }[] = [];

const scenarios = [listingScenario, submissionScenario, registrationScenario, taskUpdateScenario].filter(
  (f) => onlyScenario === undefined || f.name === `${onlyScenario}Scenario`,
);

for (const dialect of dialects) {
  const dir = mkdtempSync(join(tmpdir(), `drover-bench-api-${dialect}-`));
  let stopServers: (() => Promise<void>) | undefined;
  try {
    let createDatabase: (name: string) => Promise<string>;
    if (dialect === 'sqlite') {
      createDatabase = async (name) => `sqlite:///${join(dir, `${name}.sqlite`)}`;
    } else {
      const servers = await startTestServers({ DROVER_TEST_SKIP_DATABASES: 'mysql' });
      stopServers = servers.stop;
      const info = servers.info.postgres!;
      createDatabase = (name) => createPostgresDatabase(info, name);
    }
    // Other work on the machine slows every figure; the master's CPU time per request is less affected.
    const load = loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
    console.log(`\n== ${dialect} (${quick ? 'quick' : 'full'}; ${cpus().length} CPUs, load average ${load})`);
    // Each scenario gets a new database and master: what one leaves behind (100,000 queued frames, 9,000
    // agents taking them) would otherwise be measured by the next.
    for (const scenario of scenarios) {
      const name = `bench_${scenario.name.replace('Scenario', '').toLowerCase()}`;
      try {
        await runScenario(scenario, dialect, await createDatabase(name), join(dir, name));
      } catch (err) {
        console.log(`${scenario.name} failed: ${(err as Error).message}`);
      }
    }
  } finally {
    await stopServers?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

const missed = results.filter((r) => r.figure.met === false);
console.log(`\n${results.length} figures, ${missed.length} targets missed`);
for (const { dialect, figure } of missed) console.log(`  ${dialect}: ${figure.what}: ${figure.value}`);

async function runScenario(
  scenario: (ctx: BenchContext) => Promise<void>,
  dialect: DialectName,
  database: string,
  dir: string,
): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const started = await startServer(database, dir);
  try {
    const handle = await openDatabase({ url: database, poolSize: 2 });
    const agents = await startFakeAgents();
    try {
      await scenario({
        url: started.url,
        tokens: started.tokens,
        db: handle.db,
        jobtype: await createBenchJobType(handle.db),
        agentPort: agents.port,
        quick,
        serverCpuMs: () => cpuSeconds(started.child.pid!) * 1000,
        report(figure) {
          results.push({ dialect, figure });
          const verdict = figure.met === undefined ? '' : figure.met ? '  ok' : '  MISSED';
          console.log(
            `${figure.what}: ${figure.value}${figure.target ? `  [target ${figure.target}]` : ''}${verdict}`,
          );
        },
      });
    } finally {
      await agents.close();
      await handle.close();
    }
  } finally {
    await stopServer(started.child);
  }
}

async function startServer(
  database: string,
  dir: string,
): Promise<{ child: ChildProcess; url: string; tokens: { admin: string; agent: string } }> {
  const child = spawn(
    process.execPath,
    [
      ...(cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : []),
      '--import',
      'tsx',
      join(root, 'bench/api/server.ts'),
      JSON.stringify({ database, dir, logLevel }),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'], cwd: root },
  );
  const lines = createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the bench master exited with ${code}`)));
  });
  return { child, ...(JSON.parse(first) as { url: string; tokens: { admin: string; agent: string } }) };
}

async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
