/**
 * Fair share in steady state, in memory: queues with the given weights, one long job each, `agents`
 * single-task agents; then, again and again, a random agent finishes its task and is given the next
 * one. The observed share of each queue is the time average of its agents over the completions (after a
 * warm-up of one completion per agent).
 */
import { FarmBuilder } from '../../test/support/farm-builder.js';
import { decide, recordAssignment } from '../../src/master/scheduler/decide.js';

export interface FairShareResult {
  completions: number;
  shares: number[];
  maxDeviationPoints: number;
}

export function measureFairShare(options: {
  weights: number[];
  agents: number;
  completions: number;
}): FairShareResult {
  const farm = new FarmBuilder();
  const frames = options.completions + options.agents * 2;
  const queues = options.weights.map((weight) => farm.queue({ weight }));
  for (const queue of queues) farm.job({ queue, frames });
  const agents = farm.agents(options.agents);
  farm.fill();
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
  const totals = queues.map(() => 0);
  let samples = 0;
  for (let step = 0; step < options.completions; step++) {
    const agent = agents[Math.floor(random() * agents.length)]!;
    const job = [...agent.holdings.keys()][0];
    if (job)
      for (const [pos, holder] of [...job.tasks.holders()])
        if (holder === agent.id) farm.index.dropTask(job, pos);
    const decision = decide(farm.index, agent);
    if (decision) recordAssignment(farm.index, decision);
    if (step < options.agents) continue;
    const total = queues.reduce((sum, queue) => sum + queue.assigned, 0);
    queues.forEach((queue, i) => (totals[i]! += queue.assigned / total));
    samples++;
  }
  const weightSum = options.weights.reduce((a, b) => a + b, 0);
  const shares = totals.map((t) => t / samples);
  const maxDeviationPoints = Math.max(
    ...shares.map((s, i) => Math.abs(s - options.weights[i]! / weightSum) * 100),
  );
  return { completions: options.completions, shares, maxDeviationPoints };
}
