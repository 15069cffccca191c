/**
 * Nothing lost with the real parts: a `drover master` process (SQLite, scheduler, dispatcher, agent
 * monitor) and real `drover agent start -n` processes on loopback. The agents re-announce every second and
 * the master gives up on a silent agent after 4 s, so that each story takes seconds.
 *
 * - kill -9 of an agent mid-task: the master requeues its task after the offline timeout, another agent
 *   finishes it;
 * - the master stopped for 20 s while tasks finish: every report and log arrives when it returns, once;
 * - an agent stopped gracefully and started again with the same id while it holds work: nothing lost or
 *   doubled;
 * - kill -9 and an immediate restart with the same id: the registration's empty `current_assignments`
 *   fails the lost task once (blacklisting that agent for it), another agent runs it;
 * - a failing Command task: failed with its error, requeued per the job's `requeue`, then failed for good.
 */
import { afterEach, beforeAll, expect, test } from 'vitest';
import { ensureBuilt } from '../support/build-once.js';
import { ProcessFarm } from './support/farm-processes.js';

const OFFLINE_TIMEOUT_S = 4;
const farms: ProcessFarm[] = [];

beforeAll(ensureBuilt, 120_000);
afterEach(async () => {
  for (const farm of farms.splice(0)) await farm.dispose();
});

async function farm(): Promise<ProcessFarm> {
  const started = await ProcessFarm.start({
    config: {
      agent_reannounce_interval: 1,
      agent_offline_timeout: OFFLINE_TIMEOUT_S,
    },
  });
  farms.push(started);
  return started;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test(
  'kill -9 of an agent mid-task: its task is requeued after the offline timeout and another agent finishes it',
  { timeout: 60_000 },
  async () => {
    const f = await farm();
    const [a, b] = [await f.startAgent('render-a'), await f.startAgent('render-b')];
    // Two tasks for two agents: one each (one assignment per agent at a time).
    const job = await f.submitShell('kill -9', 'echo frame {frame}; sleep 3', { frames: 2 });
    const running = await f.tasksIn(job.id, ['running'], 15_000);
    expect(new Set(running.map((t) => t.agent_id))).toEqual(new Set([a.agentId, b.agentId]));
    const victim = running.find((t) => t.agent_id === a.agentId)!;
    await f.rememberChildren(a);
    a.child.kill('SIGKILL');
    await a.exited;
    // Not lost before the timeout has passed since the master last heard from it...
    const { last_heard_from: lastHeard } = await f.master.api<{ last_heard_from: string }>(
      `/agents/${a.agentId}`,
    );
    await sleep(Date.parse(lastHeard) + (OFFLINE_TIMEOUT_S - 1) * 1000 - Date.now());
    expect(await f.agentState(a)).not.toBe('offline');
    // ...then lost, and its task back in the queue.
    await f.until(async () => (await f.agentState(a)) === 'offline', 15_000, 'the killed agent offline');
    const done = await f.tasksIn(job.id, ['done'], 20_000);
    const again = done.find((t) => t.id === victim.id)!;
    expect(again.agent_id).toBe(b.agentId);
    expect(again.attempts).toBe(2);
    expect(again.failures).toBe(0);
    expect((await f.job(job.id)).state).toBe('done');
    expect(await f.agentState(b)).toMatch(/online|running/);
  },
);

test(
  'the master stopped for 20 s while tasks finish: every report and log arrives after it returns, none twice',
  { timeout: 60_000 },
  async () => {
    const f = await farm();
    await f.startAgent('render-a');
    await f.startAgent('render-b');
    const job = await f.submitShell('outage', 'echo frame {frame}; sleep 2; echo rendered {frame}', {
      frames: 2,
    });
    await f.tasksIn(job.id, ['running'], 15_000);
    await f.master.stop();
    const downAt = Date.now();
    // The tasks end while the master is away; the agents keep their reports in their journals.
    await sleep(20_000);
    for (const agent of f.agents) {
      const held = (await agent.call('GET', '/api/v1/tasks/')).json as { local_state: string }[];
      expect(held.map((t) => t.local_state)).toEqual(['done']);
    }
    await f.master.start();
    expect(Date.now() - downAt).toBeGreaterThanOrEqual(20_000);

    const done = await f.tasksIn(job.id, ['done'], 20_000);
    for (const task of done) {
      expect(task).toMatchObject({ attempts: 1, failures: 0, last_error: null });
      await f.until(
        async () => (await f.logLocations(job.id, task.id, 1)).join() === 'stored',
        10_000,
        `the log of task ${task.id} uploaded`,
      );
    }
    expect((await f.job(job.id)).state).toBe('done');
    // Nothing requeued behind the agents' backs: both still online, both tasks done exactly once.
    for (const agent of f.agents) expect(await f.agentState(agent)).toMatch(/online|running/);
    await f.master.stop();
    expect(f.taskEventCounts()).toMatchObject({ done: 2, failed: 0, restarted: 0 });
  },
);

test(
  'an agent stopped gracefully and started again with the same id while it holds work: no task lost or doubled',
  { timeout: 60_000 },
  async () => {
    const f = await farm();
    const agent = await f.startAgent('render-a');
    const id = agent.agentId;
    const job = await f.submitShell('restart', 'echo frame {frame}; sleep 2', { frames: 3 });
    const [held] = (await f.tasksIn(job.id, ['running', 'queued'], 15_000)).filter(
      (t) => t.state === 'running',
    );
    expect(held?.agent_id).toBe(id);
    await agent.stop('SIGTERM');
    expect(agent.exitCode).toBe(0);
    // Handed back: the task is waiting again, held by nobody.
    const back = (await f.tasks(job.id)).find((t) => t.id === held!.id)!;
    expect(back).toMatchObject({ state: 'queued', agent_id: null, failures: 0 });

    const restarted = await f.startAgent('render-a', agent.dataDir);
    expect(restarted.agentId).toBe(id);
    const done = await f.tasksIn(job.id, ['done'], 30_000);
    expect(done.map((t) => t.agent_id)).toEqual([id, id, id]);
    expect(done.every((t) => t.failures === 0)).toBe(true);
    expect((await f.job(job.id)).state).toBe('done');
    await f.master.stop();
    expect(f.taskEventCounts()).toMatchObject({ done: 3, failed: 0 });
  },
);

test(
  'kill -9 and an immediate restart with the same id: the empty current_assignments fails the lost task once, another agent runs it',
  { timeout: 60_000 },
  async () => {
    const f = await farm();
    await f.startAgent('render-a');
    await f.startAgent('render-b');
    const job = await f.submitShell('crash', 'echo frame {frame}; sleep 2', { requeue: 3 });
    const [held] = await f.tasksIn(job.id, ['running'], 15_000);
    const victim = f.agents.find((a) => a.agentId === held!.agent_id)!;
    const other = f.agents.find((a) => a !== victim)!;
    const [orphan] = await f.rememberChildren(victim);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // Back well within the offline timeout: the registration, not the monitor, tells the master.
    const again = await f.startAgent(victim === f.agents[0] ? 'render-a' : 'render-b', victim.dataDir);
    expect(again.agentId).toBe(held!.agent_id);
    const [done] = await f.tasksIn(job.id, ['done'], 20_000);
    expect(done).toMatchObject({ agent_id: other.agentId, attempts: 2, failures: 1 });
    expect(await f.agentState(again)).toMatch(/online|running/);
    // The restarted agent ended what its killed self had left running.
    expect(() => process.kill(orphan!, 0)).toThrow();
    await f.master.stop();
    expect(f.taskEventCounts()).toMatchObject({ done: 1, failed: 1 });
  },
);

test(
  'a failing Command task: FAILED with its error, requeued per the job, then failed for good',
  { timeout: 60_000 },
  async () => {
    const f = await farm();
    await f.startAgent('render-a');
    await f.startAgent('render-b');
    // requeue 1: two attempts; an agent never gets a task back that failed on it, so each agent fails it once.
    const job = await f.submitShell('failing', 'echo broken frame {frame} >&2; exit 1', { requeue: 1 });
    const [failed] = await f.tasksIn(job.id, ['failed'], 20_000);
    expect(failed).toMatchObject({ attempts: 2, failures: 2 });
    expect(failed!.last_error).toMatch(/exit(ed)? (with )?(code|status) 1|code 1/);
    expect((await f.job(job.id)).state).toBe('failed');
    // For good: nothing takes it again.
    await sleep(1500);
    expect((await f.tasks(job.id))[0]).toMatchObject({ state: 'failed', attempts: 2, failures: 2 });
    await f.master.stop();
    expect(f.taskEventCounts()).toMatchObject({ failed: 2, done: 0 });
  },
);
