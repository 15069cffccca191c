/**
 * Phase (a): job submitted → first task's process started, on an idle farm of two real agents. See
 * ./index.ts for what is measured and why it is exact.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcessFarm } from '../../test/e2e/support/farm-processes.js';
import { load, percentile } from '../support/process-figures.js';

const PHASE_BOUND_MS = 5 * 60_000;

export async function firstTaskLatency(options: { submissions: number }): Promise<void> {
  const farm = await ProcessFarm.start({ agentArgs: [] });
  const marks = mkdtempSync(join(tmpdir(), 'drover-bench-farm-'));
  const deadline = Date.now() + PHASE_BOUND_MS;
  try {
    await farm.startAgent('bench-a');
    await farm.startAgent('bench-b');
    const latencies: number[] = [];
    for (let i = 0; i < options.submissions; i++) {
      const mark = join(marks, String(i));
      const submitted = Date.now();
      const job = await farm.master.api<{ id: number }>('/jobs/', {
        method: 'POST',
        body: {
          title: `first task ${i}`,
          jobtype: 'Command',
          start: 1,
          end: 1,
          data: { command: 'bash', args: ['-c', `echo $EPOCHREALTIME > ${mark}`] },
        },
      });
      await farm.until(
        async () => (await farm.job(job.id)).state === 'done',
        Math.max(1000, deadline - Date.now()),
        `job ${job.id} done`,
      );
      latencies.push(Number(readFileSync(mark, 'utf8').trim()) * 1000 - submitted);
      // The next submission finds both agents idle (an agent drops an assignment once all is reported).
      await farm.until(
        async () => {
          for (const agent of farm.agents) {
            if (((await agent.call('GET', '/api/v1/tasks/')).json as unknown[]).length > 0) return false;
          }
          return true;
        },
        Math.max(1000, deadline - Date.now()),
        'agents idle',
      );
    }
    const ms = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `(a) job submitted → first task's process started, ${latencies.length} submissions, 2 real agents: ` +
        `p50 ${ms(percentile(latencies, 50))}, p90 ${ms(percentile(latencies, 90))}, ` +
        `min ${ms(Math.min(...latencies))}, max ${ms(Math.max(...latencies))} (target p50 ≤ 100 ms); ${load()}`,
    );
    // The first submissions also download the job type into each agent's cache.
    console.log(`(a) in order of submission (ms): ${latencies.map((v) => v.toFixed(0)).join(' ')}`);
  } finally {
    await farm.dispose();
    rmSync(marks, { recursive: true, force: true });
  }
}
