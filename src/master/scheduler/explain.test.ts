import { describe, expect, it } from 'vitest';
import { FarmBuilder } from '../../../test/support/farm-builder.js';
import { explainJob, type WhyReason } from './explain.js';

function reasonFor(farm: FarmBuilder, jobId: number, agentId: string): WhyReason {
  return explainJob(farm.index, jobId, { agentIds: [agentId], now: 0 }).agents[0]!.reason;
}

describe('explainJob', () => {
  it.each([
    { reason: 'project', job: { project: 'film' }, agent: { projects: ['ads'] } },
    { reason: 'software', job: { software: [{ software: 'nuke' }] }, agent: {} },
    { reason: 'cpus', job: { cpus: 64 }, agent: { cpus: 8 } },
    { reason: 'ram', job: { ram: 64_000 }, agent: { freeRam: 1000 } },
    { reason: 'assignable', job: {}, agent: {} },
  ] as const)('$reason', ({ reason, job, agent }) => {
    const farm = new FarmBuilder();
    const j = farm.job(job as never);
    expect(reasonFor(farm, j.id, farm.agent(agent as never).id)).toBe(reason);
  });

  it('the job itself: dependency, no waiting tasks', () => {
    const farm = new FarmBuilder();
    const blocked = farm.job({ parentsDone: false });
    const agent = farm.agent();
    expect(explainJob(farm.index, blocked.id, { now: 0 }).jobReason).toBe('dependency');
    expect(explainJob(farm.index, 999, { now: 0 })).toMatchObject({
      jobReason: 'no_waiting_tasks',
      waitingTasks: 0,
    });
    void agent;
  });

  it('blacklist, busy, job and queue maximum', () => {
    const farm = new FarmBuilder();
    const agent = farm.agent();
    const blacklisted = farm.job({ frames: 1, failedOn: [{ frameIndex: 0, agent }] });
    expect(reasonFor(farm, blacklisted.id, agent.id)).toBe('blacklist');
    const capped = farm.job({ frames: 5, maximumAgents: 1 });
    const queue = farm.queue({ maximumAgents: 1 });
    const inQueue = farm.job({ frames: 5, queue });
    const busyAgent = farm.agent();
    const other = farm.agent();
    const second = farm.agent();
    farm.fill([busyAgent]);
    expect(reasonFor(farm, inQueue.id, busyAgent.id)).toBe('busy');
    // other takes a task of `capped` (the oldest running candidate) and `inQueue` one each.
    farm.index.holdTask(capped, 0, other.id);
    farm.index.holdTask(inQueue, 0, second.id);
    const fresh = farm.agent();
    expect(reasonFor(farm, capped.id, fresh.id)).toBe('job_maximum');
    expect(reasonFor(farm, inQueue.id, fresh.id)).toBe('queue_maximum');
  });

  it('the competition: priority, minimum, running jobs first, share, older job', () => {
    const farm = new FarmBuilder();
    const low = farm.job({ queue: farm.queue({ priority: 0 }) });
    const high = farm.job({ queue: farm.queue({ priority: 9 }) });
    const agent = farm.agent();
    expect(reasonFor(farm, low.id, agent.id)).toBe('priority');
    void high;

    const f2 = new FarmBuilder();
    const plain = f2.job({ queue: f2.queue() });
    f2.job({ queue: f2.queue({ minimumAgents: 2, priority: -5 }) });
    expect(reasonFor(f2, plain.id, f2.agent().id)).toBe('minimum');

    const f3 = new FarmBuilder({ preferRunning: true });
    const q = f3.queue();
    const running = f3.job({ queue: q, frames: 5, timeSubmitted: 5000 });
    const waiting = f3.job({ queue: q, frames: 5, timeSubmitted: 1000 });
    f3.index.holdTask(running, 0, f3.agent().id);
    expect(reasonFor(f3, waiting.id, f3.agent().id)).toBe('running_jobs_first');

    const f4 = new FarmBuilder();
    const a = f4.job({ queue: f4.queue({ weight: 10 }), frames: 5 });
    const b = f4.job({ queue: f4.queue({ weight: 10 }), frames: 5 });
    f4.index.holdTask(a, 0, f4.agent().id);
    f4.index.holdTask(a, 1, f4.agent().id);
    f4.index.holdTask(b, 0, f4.agent().id);
    expect(reasonFor(f4, a.id, f4.agent().id)).toBe('share');

    const f5 = new FarmBuilder();
    const queue5 = f5.queue();
    f5.job({ queue: queue5, timeSubmitted: 1000 });
    const younger = f5.job({ queue: queue5, timeSubmitted: 2000 });
    expect(reasonFor(f5, younger.id, f5.agent().id)).toBe('older_job');
  });
});
