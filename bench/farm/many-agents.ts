/**
 * Phase (b): many real agent processes against one master process. See ./index.ts.
 */
import { copyFileSync } from 'node:fs';
import { freemem } from 'node:os';
import { ProcessFarm } from '../../test/e2e/support/farm-processes.js';
import { cpuSeconds, histogramQuantile, load, memoryMb } from '../support/process-figures.js';

const STARTUP_BOUND_MS = 5 * 60_000;
const RUN_BOUND_MS = 10 * 60_000;
/** What one idle agent process takes (measured: ~58 MB), with a margin. */
const AGENT_MB = 70;

interface AgentPage {
  total: number;
  counts: Record<string, number>;
}

export async function manyAgents(options: { agents: number; tasks: number; wave: number }): Promise<void> {
  const neededMb = options.agents * AGENT_MB + 2048;
  if (freemem() / 1024 ** 2 < neededMb) {
    throw new Error(
      `(b) needs ~${neededMb} MB free for ${options.agents} agent processes; ${(freemem() / 1024 ** 2).toFixed(0)} MB are: use --agents`,
    );
  }
  // Agents keep their default re-announce interval (30 s) and the master its offline timeout (90 s).
  const farm = await ProcessFarm.start({
    agentArgs: [],
    ...(process.env.DROVER_BENCH_MASTER_LOG ? { config: { log_level: 'info' } } : {}),
  });
  try {
    const pid = farm.master.pid!;
    const startup = Date.now();
    for (let i = 0; i < options.agents; i += options.wave) {
      if (Date.now() - startup > STARTUP_BOUND_MS)
        throw new Error(`(b) agent start-up passed ${STARTUP_BOUND_MS / 1000} s at ${i} agents`);
      const names = Array.from(
        { length: Math.min(options.wave, options.agents - i) },
        (_, k) => `swarm-${String(i + k + 1).padStart(3, '0')}`,
      );
      await Promise.all(names.map((name) => farm.startAgent(name)));
    }
    const page = await farm.master.api<AgentPage>('/agents/?page=1&per_page=1');
    const online = (page.counts.online ?? 0) + (page.counts.running ?? 0);
    console.log(
      `(b) ${options.agents} REAL agent processes (waves of ${options.wave}) registered in ${((Date.now() - startup) / 1000).toFixed(1)} s: ` +
        `${page.total} registered, ${online} online; master RSS ${memoryMb(pid).rss.toFixed(0)} MB; ` +
        `${(freemem() / 1024 ** 3).toFixed(1)} GiB free; ${load()}`,
    );
    if (online !== options.agents) throw new Error(`(b) only ${online} agents online`);

    const agentsCpu = () => farm.agents.reduce((sum, agent) => sum + cpuSeconds(agent.pid), 0);
    const cpuBefore = cpuSeconds(pid);
    const agentsCpuBefore = agentsCpu();
    const lostBefore = farm.master.agentsLost;
    const started = Date.now();
    const job = await farm.master.api<{ id: number }>('/jobs/', {
      method: 'POST',
      body: {
        title: 'swarm',
        jobtype: 'Command',
        start: 1,
        end: options.tasks,
        data: { command: 'true' },
      },
    });
    let peakRss = 0;
    await farm.until(
      async () => {
        peakRss = Math.max(peakRss, memoryMb(pid).rss);
        const state = (await farm.job(job.id)).state;
        if (state === 'failed') throw new Error('(b) the job failed');
        return state === 'done';
      },
      RUN_BOUND_MS,
      `the ${options.tasks}-task job done`,
    );
    const seconds = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const agentCpu = agentsCpu() - agentsCpuBefore;
    const after = await farm.master.api<AgentPage>('/agents/?page=1&per_page=1');
    const tasks = await farm.tasks(job.id);
    const retried = tasks.filter((t) => t.attempts !== 1).length;
    console.log(
      `(b) ${options.tasks} Command tasks on ${options.agents} agents: ${seconds.toFixed(1)} s, ` +
        `${(options.tasks / seconds).toFixed(0)} tasks/s; tasks run more than once: ${retried}; ` +
        `master CPU ${cpu.toFixed(1)} s (${((100 * cpu) / seconds).toFixed(0)}% of one core), ` +
        `RSS peak ${peakRss.toFixed(0)} MB (VmHWM ${memoryMb(pid).peak.toFixed(0)} MB); ` +
        `the agents' CPU ${agentCpu.toFixed(1)} s (${((1000 * agentCpu) / options.tasks).toFixed(0)} ms per task); ${load()}`,
    );
    const metrics = await fetch(`${farm.master.url}/metrics`, {
      headers: { authorization: `Bearer ${farm.master.adminToken}` },
    });
    const exposition = await metrics.text();
    const report = { method: 'POST', route: '/api/v1/jobs/:job/tasks/:task', status: '200' };
    const p50 = histogramQuantile(exposition, 'drover_http_request_duration_seconds', report, 0.5);
    const p99 = histogramQuantile(exposition, 'drover_http_request_duration_seconds', report, 0.99);
    console.log(
      `(b) task reports answered by the master (${p50?.count ?? 0} reports, its request histogram, bucket bounds): ` +
        `p50 ≤ ${p50 ? Number(p50.le) * 1000 : '?'} ms, p99 ≤ ${p99 ? Number(p99.le) * 1000 : '?'} ms`,
    );
    for (const task of tasks.filter((t) => t.attempts !== 1)) {
      console.log(`(b) task ${task.id} was handed out ${task.attempts} times, failed ${task.failures}`);
      console.log(await firstAttemptLog(farm, job.id, task.id));
    }
    console.log(
      `(b) health: agents lost by the master during the run ${farm.master.agentsLost - lostBefore}; ` +
        `at the end ${after.counts.offline ?? 0} offline, ${(after.counts.online ?? 0) + (after.counts.running ?? 0)} online`,
    );
  } finally {
    if (process.env.DROVER_BENCH_MASTER_LOG)
      copyFileSync(farm.master.logFile, process.env.DROVER_BENCH_MASTER_LOG);
    await farm.dispose();
  }
}

/** The end of the logs of a task's first attempt, to see why it did not count. */
async function firstAttemptLog(farm: ProcessFarm, jobId: number, taskId: number): Promise<string> {
  const base = `/jobs/${jobId}/tasks/${taskId}/attempts/1/logs`;
  const logs = await farm.master.api<{ identifier: string }[]>(`${base}/`);
  if (logs.length === 0) return '    (no log registered for attempt 1)';
  const texts = await Promise.all(
    logs.map(async (log) => {
      const response = await fetch(`${farm.master.apiUrl}${base}/${log.identifier}/logfile`, {
        headers: { authorization: `Bearer ${farm.master.adminToken}` },
      });
      const lines = (await response.text()).trim().split('\n');
      return lines.slice(-4).map((line) => `    ${log.identifier}: ${line}`);
    }),
  );
  return texts.flat().join('\n');
}
