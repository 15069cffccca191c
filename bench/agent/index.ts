/**
 * Agent benchmark (`npx tsx bench/agent/index.ts`, after `node scripts/build.mjs`). Real processes on
 * loopback against the test fake master; prints one line per figure:
 *   - idle RSS of `drover agent start -n` after it registered and sat idle (target ≤ 60 MB);
 *   - `fakerender --spew` through the agent: the child's own write rate and the bytes logged to the CSV
 *     (target ≥ 50 MB/s), next to the same child writing into a pipe drained by `cat` (the reference: a
 *     child faster than the agent is paced by its pipe, which is the backpressure that bounds memory);
 *   - assignment received → process started, p50/p90 over N assignments (target p50 ≤ 20 ms).
 * Options: --assignments N (default 100), --spew-mb N (default 400), --idle-seconds N (default 10).
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { AgentProcess } from '../../test/support/agent-process.js';
import { ROOT } from '../../test/support/build-once.js';
import { FakeMaster } from '../../test/support/fake-master.js';
import { memoryMb, percentile } from '../support/process-figures.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const ASSIGNMENTS = arg('assignments', 100);
const SPEW_MB = arg('spew-mb', 400);
const IDLE_SECONDS = arg('idle-seconds', 10);

async function main(): Promise<void> {
  if (spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0)
    throw new Error('build failed');
  const master = await new FakeMaster().start();
  master.addJobType('Command', 1, readFileSync(join(ROOT, 'jobtypes/builtin/command.js'), 'utf8'), 'Command');
  master.addJobType(
    'FakeRender',
    1,
    readFileSync(join(ROOT, 'jobtypes/builtin/fakerender.js'), 'utf8'),
    'FakeRender',
  );
  const agent = AgentProcess.start({
    masterApi: master.url,
    token: master.token,
    args: ['--master-reannounce', '30'],
  });
  try {
    const id = (await master.waitFor(() => [...master.agents.values()][0], 30_000, 'registration')).id;

    // 1. Idle memory.
    await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
    console.log(
      `idle RSS after ${IDLE_SECONDS} s: ${memoryMb(agent.pid).rss.toFixed(1)} MB (target ≤ 60 MB)`,
    );

    // 2. Spew throughput through the agent vs. into /dev/null.
    const bytes = SPEW_MB * 1024 * 1024;
    const reference = await new Promise<string>((resolve) => {
      const c = spawn('sh', [
        '-c',
        `"${process.execPath}" "${join(ROOT, 'bin/drover.js')}" fakerender -s 1 --spew --spew-bytes ${bytes} --ram 0 | cat > /dev/null`,
      ]);
      let err = '';
      c.stderr.on('data', (d: Buffer) => (err += d.toString()));
      c.on('close', () => resolve(err.trim()));
    });
    console.log(
      `spew into a pipe read by cat (reference, unthrottled): ${/\(([\d.]+ MB\/s)\)/.exec(reference)?.[1] ?? reference}`,
    );
    const started = Date.now();
    await master.callAgent(id, 'POST', '/assign', {
      job: { id: 1, by: 1, data: { spew: true, spew_bytes: bytes, ram: 0 } },
      jobtype: { name: 'FakeRender', version: 1 },
      tasks: [{ id: 1, frame: 1, attempt: 1 }],
    });
    await master.waitFor(
      () => master.statesOf(1).some((s) => s === 'done' || s === 'failed'),
      600_000,
      'spew done',
    );
    const wall = (Date.now() - started) / 1000;
    const log = [...master.taskLogs.keys()][0]!.split('/').slice(2).join('/');
    const csv = await master.waitFor(() => master.uploads.get(log), 120_000, 'log upload');
    const rate = /spewed \d+ bytes in [\d.]+ s \(([\d.]+) MB\/s\)/.exec(
      csv.toString('utf8', Math.max(0, csv.length - 4096)),
    )?.[1];
    console.log(
      `spew through the agent: child wrote ${SPEW_MB} MB at ${rate} MB/s (target ≥ 50); CSV log ${(csv.length / 1048576).toFixed(0)} MB; ${wall.toFixed(1)} s assignment to done; peak agent RSS ${memoryMb(agent.pid).rss.toFixed(0)} MB after`,
    );

    // 3. Assignment → process start latency.
    const latencies: number[] = [];
    for (let i = 0; i < ASSIGNMENTS; i++) {
      const task = 1000 + i;
      const sent = Date.now();
      const r = await master.callAgent(id, 'POST', '/assign', {
        job: { id: 2 + i, by: 1, data: { command: 'true' } },
        jobtype: { name: 'Command', version: 1 },
        tasks: [{ id: task, frame: 1, attempt: 1 }],
      });
      if (r.status !== 202) throw new Error(`assign ${r.status} ${r.text}`);
      const running = await master.waitFor(
        () => master.reportsFor(task).find((b) => b.state === 'running'),
        10_000,
        'running',
      );
      latencies.push(Date.parse(running.time_started as string) - sent);
      await master.waitFor(() => master.statesOf(task).includes('done'), 10_000, 'done');
      // Idle again: the assignment is dropped once the master has all its reports.
      while (((await agent.call('GET', '/api/v1/tasks/')).json as unknown[]).length > 0) {
        await new Promise((r) => setTimeout(r, 5));
      }
    }
    console.log(
      `load average at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} on ${cpus().length} CPUs`,
    );
    console.log(
      `assignment → process started over ${ASSIGNMENTS}: p50 ${percentile(latencies, 50)} ms, p90 ${percentile(latencies, 90)} ms, max ${Math.max(...latencies)} ms (target p50 ≤ 20 ms)`,
    );
  } finally {
    await agent.stop();
    await master.stop();
  }
}

await main();
