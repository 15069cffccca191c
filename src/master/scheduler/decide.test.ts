import { describe, expect, it } from 'vitest';
import { AgentState } from '../../core/enums.js';
import { FarmBuilder, PAUSED } from '../../../test/support/farm-builder.js';
import { chooseJob, decide } from './decide.js';
import type { SchedJob } from './farm-model.js';

/** How many agents each job got. */
function agentsPerJob(decisions: { job: SchedJob }[]): Map<SchedJob, number> {
  const counts = new Map<SchedJob, number>();
  for (const d of decisions) counts.set(d.job, (counts.get(d.job) ?? 0) + 1);
  return counts;
}

describe('fair share by weight (PyFarm test_assign_by_weight)', () => {
  it.each([
    { label: 'three queues', extraEmptyQueues: 0 },
    { label: 'plus two empty queues', extraEmptyQueues: 2 },
  ])('queues weighted 60/30/10 get 60/30/10 ±1 of 100 agents: $label', ({ extraEmptyQueues }) => {
    const farm = new FarmBuilder();
    const jobs = [60, 30, 10].map((weight) => farm.job({ queue: farm.queue({ weight }), frames: 100 }));
    for (let i = 0; i < extraEmptyQueues; i++) farm.queue({ weight: 10 });
    farm.agents(100);
    const counts = agentsPerJob(farm.fill());
    expect(Math.abs(counts.get(jobs[0]!)! - 60)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.get(jobs[1]!)! - 30)).toBeLessThanOrEqual(1);
    expect(Math.abs(counts.get(jobs[2]!)! - 10)).toBeLessThanOrEqual(1);
  });

  it('shares by weight between sibling jobs of one queue that are running', () => {
    const farm = new FarmBuilder({ preferRunning: true });
    const queue = farm.queue();
    const heavy = farm.job({ queue, frames: 100, weight: 30, minimumAgents: 1 });
    const light = farm.job({ queue, frames: 100, weight: 10, minimumAgents: 1 });
    farm.agents(40);
    const counts = agentsPerJob(farm.fill());
    expect(counts.get(heavy)).toBe(30);
    expect(counts.get(light)).toBe(10);
  });
});

describe('priorities', () => {
  it('a higher-priority sibling queue takes every agent it can use first', () => {
    const farm = new FarmBuilder();
    const low = farm.job({ queue: farm.queue({ priority: 0, weight: 90 }), frames: 50 });
    const high = farm.job({ queue: farm.queue({ priority: 5, weight: 10 }), frames: 6 });
    farm.agents(10);
    const counts = agentsPerJob(farm.fill());
    expect(counts.get(high)).toBe(6);
    expect(counts.get(low)).toBe(4);
  });

  it('a higher-priority job in the same queue comes first, even when younger', () => {
    const farm = new FarmBuilder();
    const queue = farm.queue();
    farm.job({ queue, frames: 5, priority: 0 });
    const urgent = farm.job({ queue, frames: 5, priority: 10 });
    const [agent] = farm.agents(1);
    expect(chooseJob(farm.index, agent!)).toBe(urgent);
  });

  it('priority is per level: a deep high-priority queue does not beat a shallow higher-priority sibling', () => {
    const farm = new FarmBuilder();
    const a = farm.queue({ priority: 1 });
    const b = farm.queue({ priority: 2 });
    farm.job({ queue: farm.queue({ parent: a, priority: 100 }), frames: 5 });
    const winner = farm.job({ queue: b, frames: 5 });
    expect(chooseJob(farm.index, farm.agent())).toBe(winner);
  });
});

describe('minimum and maximum agents', () => {
  it('fills a queue minimum before higher priorities', () => {
    const farm = new FarmBuilder();
    const guaranteed = farm.job({ queue: farm.queue({ priority: -10, minimumAgents: 3 }), frames: 20 });
    const high = farm.job({ queue: farm.queue({ priority: 10 }), frames: 20 });
    farm.agents(8);
    const counts = agentsPerJob(farm.fill());
    expect(counts.get(guaranteed)).toBe(3);
    expect(counts.get(high)).toBe(5);
  });

  it('fills a job minimum first, for waiting and running jobs', () => {
    const farm = new FarmBuilder();
    const queue = farm.queue();
    farm.job({ queue, frames: 20, priority: 10 });
    const guaranteed = farm.job({ queue, frames: 20, minimumAgents: 2 });
    farm.agents(6);
    expect(agentsPerJob(farm.fill()).get(guaranteed)).toBe(2);
  });

  it.each([
    { on: 'queue', queueMax: 3, jobMax: null },
    { on: 'job', queueMax: null, jobMax: 3 },
  ])('never exceeds maximum_agents on the $on', ({ queueMax, jobMax }) => {
    const farm = new FarmBuilder();
    const capped = farm.job({
      queue: farm.queue({ maximumAgents: queueMax, priority: 10 }),
      frames: 50,
      maximumAgents: jobMax,
    });
    const other = farm.job({ queue: farm.queue(), frames: 50 });
    farm.agents(10);
    const counts = agentsPerJob(farm.fill());
    expect(counts.get(capped)).toBe(3);
    expect(counts.get(other)).toBe(7);
  });

  it('a parent queue maximum caps its whole subtree', () => {
    const farm = new FarmBuilder();
    const parent = farm.queue({ maximumAgents: 4, priority: 5 });
    const a = farm.job({ queue: farm.queue({ parent }), frames: 10 });
    const b = farm.job({ queue: farm.queue({ parent }), frames: 10 });
    farm.agents(10);
    const counts = agentsPerJob(farm.fill());
    expect((counts.get(a) ?? 0) + (counts.get(b) ?? 0)).toBe(4);
  });
});

describe('running jobs first, then the oldest', () => {
  it('with queue_prefer_running_jobs a running job gets agents before a new one starts', () => {
    const farm = new FarmBuilder({ preferRunning: true });
    const queue = farm.queue();
    const old = farm.job({ queue, frames: 10 });
    farm.job({ queue, frames: 10 });
    farm.agents(10);
    expect(agentsPerJob(farm.fill()).get(old)).toBe(10);
  });

  it('the oldest waiting job starts first, whatever the id order', () => {
    const farm = new FarmBuilder();
    const queue = farm.queue();
    farm.job({ queue, timeSubmitted: 2000 });
    const older = farm.job({ queue, timeSubmitted: 1000 });
    expect(chooseJob(farm.index, farm.agent())).toBe(older);
  });

  it('without queue_prefer_running_jobs the oldest job wins over a younger running one', () => {
    const farm = new FarmBuilder({ preferRunning: false });
    const queue = farm.queue();
    const older = farm.job({ queue, frames: 1, timeSubmitted: 1000 });
    const younger = farm.job({ queue, frames: 5, timeSubmitted: 2000, minimumAgents: 1 });
    const [first, second, third] = farm.agents(3);
    expect(farm.fill([first!]).map((d) => d.job)).toEqual([younger]); // its minimum
    expect(chooseJob(farm.index, second!)).toBe(older);
    farm.fill([second!]);
    expect(chooseJob(farm.index, third!)).toBe(younger);
  });
});

describe('requirements', () => {
  const table = [
    {
      rule: 'tag required',
      job: { tags: [{ tag: 'gpu' }] },
      fits: { tags: ['gpu'] },
      misses: { tags: ['cpu'] },
    },
    {
      rule: 'tag excluded (negate)',
      job: { tags: [{ tag: 'slow', negate: true }] },
      fits: { tags: ['fast'] },
      misses: { tags: ['slow'] },
    },
    {
      rule: 'software within min..max rank',
      job: { software: [{ software: 'blender', min: 200, max: 300 }] },
      fits: { software: [{ software: 'blender', rank: 300 }] },
      misses: { software: [{ software: 'blender', rank: 100 }] },
    },
    {
      rule: 'software present at all',
      job: { software: [{ software: 'nuke' }] },
      fits: { software: [{ software: 'nuke', rank: 100 }] },
      misses: { software: [{ software: 'blender', rank: 100 }] },
    },
    { rule: 'CPUs', job: { cpus: 16 }, fits: { cpus: 16 }, misses: { cpus: 8 } },
    { rule: 'CPUs 0 = no minimum', job: { cpus: 0 }, fits: { cpus: 1 }, misses: null },
    { rule: 'CPU allocation', job: { cpus: 8 }, fits: { cpus: 8 }, misses: { cpus: 8, cpuAllocation: 0.5 } },
    { rule: 'free RAM', job: { ram: 4000 }, fits: { freeRam: 4000 }, misses: { freeRam: 3999 } },
    { rule: 'RAM 0 = no minimum', job: { ram: 0 }, fits: { freeRam: 0 }, misses: null },
    {
      rule: 'project dedication',
      job: { project: 'film' },
      fits: { projects: ['film'] },
      misses: { projects: ['ad'] },
    },
    { rule: 'a dedicated agent skips jobs without project', job: {}, fits: {}, misses: { projects: ['ad'] } },
  ] as const;

  it.each(table)('$rule', ({ job, fits, misses }) => {
    const farm = new FarmBuilder();
    const wanted = farm.job({ ...job, frames: 2 } as never);
    expect(chooseJob(farm.index, farm.agent(fits as never))).toBe(wanted);
    if (misses) expect(chooseJob(farm.index, farm.agent(misses as never))).toBeUndefined();
  });

  it('use_total_ram_for_scheduling compares total RAM times ram_allocation', () => {
    const farm = new FarmBuilder({ useTotalRam: true });
    const wanted = farm.job({ ram: 8000 });
    expect(chooseJob(farm.index, farm.agent({ ram: 10000, freeRam: 100, ramAllocation: 0.8 }))).toBe(wanted);
    expect(
      chooseJob(farm.index, farm.agent({ ram: 9999, freeRam: 9999, ramAllocation: 0.8 })),
    ).toBeUndefined();
  });

  it('a job type version requirement and a job requirement must both hold', () => {
    const farm = new FarmBuilder();
    const wanted = farm.job({ software: [{ software: 'blender', min: 200 }, { software: 'ffmpeg' }] });
    expect(
      chooseJob(farm.index, farm.agent({ software: [{ software: 'blender', rank: 200 }] })),
    ).toBeUndefined();
    const both = farm.agent({
      software: [
        { software: 'blender', rank: 200 },
        { software: 'ffmpeg', rank: 100 },
      ],
    });
    expect(chooseJob(farm.index, both)).toBe(wanted);
  });
});

describe('jobs and agents that are never scheduled', () => {
  it.each([
    { rule: 'paused', job: { state: PAUSED } },
    { rule: 'hidden', job: { hidden: true } },
    { rule: 'to be deleted', job: { toBeDeleted: true } },
    { rule: 'a parent not done', job: { parentsDone: false } },
  ])('a job that is $rule', ({ job }) => {
    const farm = new FarmBuilder();
    farm.job(job);
    expect(chooseJob(farm.index, farm.agent())).toBeUndefined();
  });

  it.each([
    { state: AgentState.values.OFFLINE, name: 'offline' },
    { state: AgentState.values.DISABLED, name: 'disabled' },
  ])('an agent that is $name', ({ state }) => {
    const farm = new FarmBuilder();
    farm.job();
    farm.agent({ state });
    expect(farm.fill()).toEqual([]);
  });

  it('an agent is not given a task that failed on it before, but gets the next one', () => {
    const farm = new FarmBuilder();
    const agent = farm.agent();
    const other = farm.agent();
    const job = farm.job({ frames: 3, failedOn: [{ frameIndex: 0, agent }] });
    expect(farm.frames(decide(farm.index, agent)!)).toEqual([2]);
    expect(farm.frames(decide(farm.index, other)!)).toEqual([1]);
    expect(job.tasks.queuedCount).toBe(3);
  });

  it('an agent every remaining task failed on gets another job', () => {
    const farm = new FarmBuilder();
    const agent = farm.agent();
    farm.job({ frames: 1, failedOn: [{ frameIndex: 0, agent }] });
    const other = farm.job({ frames: 1 });
    expect(chooseJob(farm.index, agent)).toBe(other);
  });
});

describe('batches', () => {
  it.each([
    { rule: 'job batch', spec: { batch: 3, maxBatch: null }, frames: [1, 2, 3] },
    { rule: 'job type max_batch', spec: { batch: 5, maxBatch: 2 }, frames: [1, 2] },
    { rule: 'frame step', spec: { batch: 3, maxBatch: null, by: 5 }, frames: [1, 6, 11] },
  ])('$rule', ({ spec, frames }) => {
    const farm = new FarmBuilder();
    farm.job({ frames: 10, ...spec });
    expect(farm.frames(decide(farm.index, farm.agent())!)).toEqual(frames);
  });

  it('contiguous batches stop at a gap, non-contiguous ones skip it', () => {
    for (const [batchContiguous, expected] of [
      [true, [1, 2]],
      [false, [1, 2, 4]],
    ] as const) {
      const farm = new FarmBuilder();
      farm.job({ frames: [1, 2, 4, 5], batch: 3, maxBatch: null, batchContiguous });
      expect(farm.frames(decide(farm.index, farm.agent())!)).toEqual(expected);
    }
  });

  it('a task that failed on the agent breaks a contiguous batch', () => {
    const farm = new FarmBuilder();
    const agent = farm.agent();
    farm.job({ frames: 5, batch: 4, maxBatch: null, failedOn: [{ frameIndex: 2, agent }] });
    expect(farm.frames(decide(farm.index, agent)!)).toEqual([1, 2]);
  });
});

describe('one assignment per agent, or packing with agent_allow_sharing', () => {
  it('gives an agent one assignment by default', () => {
    const farm = new FarmBuilder();
    farm.job({ cpus: 1 });
    farm.job({ cpus: 1 });
    farm.agent({ cpus: 16 });
    expect(farm.fill()).toHaveLength(1);
  });

  it('packs assignments of different jobs while CPUs and RAM allow', () => {
    const farm = new FarmBuilder({ sharing: true });
    for (let i = 0; i < 5; i++) farm.job({ cpus: 2, ram: 1000 });
    farm.agent({ cpus: 8, freeRam: 2500 });
    expect(farm.fill()).toHaveLength(2); // RAM for two
    farm.agent({ cpus: 7, freeRam: 100_000 });
    expect(farm.fill()).toHaveLength(3); // CPUs for three
  });

  it('a whole-agent job (-1) takes an empty agent alone', () => {
    const farm = new FarmBuilder({ sharing: true });
    const whole = farm.job({ cpus: -1, frames: 1 });
    farm.job({ cpus: 1, frames: 5 });
    const agent = farm.agent({ cpus: 8 });
    const decisions = farm.fill([agent]);
    expect(decisions.map((d) => d.job)).toEqual([whole]);
  });

  it('a whole-agent job waits for a busy agent to be empty', () => {
    const farm = new FarmBuilder({ sharing: true });
    farm.job({ cpus: 1, frames: 1 });
    const agent = farm.agent({ cpus: 8 });
    farm.fill([agent]);
    farm.job({ ram: -1, frames: 1 });
    expect(farm.fill([agent])).toEqual([]);
  });
});

describe('the round memo', () => {
  it('gives the same decisions as deciding without it', () => {
    const build = () => {
      const farm = new FarmBuilder();
      const a = farm.queue({ weight: 30 });
      const b = farm.queue({ weight: 10 });
      for (let i = 0; i < 6; i++) {
        farm.job({ queue: i % 2 ? a : b, frames: 7, tags: i % 3 ? [{ tag: 'gpu' }] : [], ram: 1000 * i });
      }
      for (let i = 0; i < 40; i++) farm.agent({ tags: i % 2 ? ['gpu'] : [], freeRam: 1000 * (i % 7) });
      return farm;
    };
    const withMemo = build();
    const memoised = withMemo.fill().map((d) => [d.agent.id, d.job.id, d.positions]);
    const plain = build();
    const oneByOne = [...plain.index.agents.values()].flatMap((agent) => plain.fill([agent]));
    expect(oneByOne.map((d) => [d.agent.id, d.job.id, d.positions])).toEqual(memoised);
  });
});
