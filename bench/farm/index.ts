/**
 * Farm benchmark (`npm run bench -- farm [options]`): a real `drover master` process on loopback (SQLite)
 * and real `drover agent start -n` processes (the built CLI; dist/ is rebuilt when sources are newer).
 *
 * (a) job submitted → first task's process started, p50/p90 over N submissions to an idle farm of two
 *     agents (issue 4: p50 ≤ 100 ms). The task is `bash -c 'echo $EPOCHREALTIME > file'`: bash writes
 *     the wall-clock time (µs) at which it runs, with no extra fork, so the figure is the time from just
 *     before the submitting request was sent to the task's process running — scheduling, dispatch, the
 *     agent's job-type load, log registration, spawn and bash's own start (~1 ms) included.
 * (b) 200 agents on one machine against one master (issue 5), REAL processes started in waves: all
 *     registered and online, then one Command job of 2,000 `true` tasks run to the end; tasks/s, master
 *     RSS and CPU, agents lost (the master's log) and offline at the end, and the master's time to answer
 *     task reports (p50/p99 from its request histogram: bucket upper bounds).
 *
 * Options: --submissions N (20), --agents N (200), --tasks N (2000), --wave N (20), --phase a|b (both).
 * Each phase is bounded in time and fails loudly when a bound is passed.
 */
import { spawnSync } from 'node:child_process';
import { freemem } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../../test/support/build-once.js';
import { firstTaskLatency } from './first-task.js';
import { manyAgents } from './many-agents.js';
import { load } from '../support/process-figures.js';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const phaseIndex = process.argv.indexOf('--phase');
const phase = phaseIndex >= 0 ? process.argv[phaseIndex + 1] : undefined;

if (spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], { stdio: 'inherit' }).status !== 0)
  throw new Error('build failed');
console.log(`start: ${load()}, ${(freemem() / 1024 ** 3).toFixed(1)} GiB free`);
if (phase === undefined || phase === 'a') await firstTaskLatency({ submissions: arg('submissions', 20) });
if (phase === undefined || phase === 'b')
  await manyAgents({ agents: arg('agents', 200), tasks: arg('tasks', 2000), wave: arg('wave', 20) });
console.log(`end: ${load()}`);
