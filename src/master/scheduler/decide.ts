/**
 * The decision: which job an agent should work on next, and which of its tasks (spec §3,
 * JobQueue.get_job_for_agent and Job.get_batch), on the index. Pure: it reads the index and changes
 * nothing; `recordAssignment` applies a decision.
 *
 * PyFarm's model, per queue starting at the root:
 * 1. candidate jobs are the queue's own jobs the agent may run: not paused, hidden, finished or marked for
 *    deletion, all parents DONE, requirements met (project, tags, software of the job type version and of
 *    the job), CPUs and RAM fit;
 * 2. minimums first: a running job below its minimum_agents, else a waiting job with a minimum, else a
 *    child queue below its minimum (recursively);
 * 3. then per priority, highest first, the children (queues and candidate jobs) sorted by their share of
 *    the group's agents relative to their share of the group's weight; with queue_prefer_running_jobs the
 *    first running job that can use another agent or the first queue that yields a job wins, else the
 *    oldest waiting job starts; without it, the first yielding queue wins, else the oldest job.
 * A job "can use another agent" when it has a waiting task that has not failed on this agent before and
 * it is below maximum_agents; queues are entered only below their maximum_agents.
 *
 * `RoundMemo` remembers, for one fill round, which queues had nothing for agents of a given capability
 * class and free resources: availability only shrinks during a round, so the next such agent skips them.
 */
import { fitProblem } from './agent-resources.js';
import type { FarmIndex } from './farm-index.js';
import type { PriorityGroup, QueueNode, SchedAgent, SchedJob } from './farm-model.js';

export interface Decision {
  readonly agent: SchedAgent;
  readonly job: SchedJob;
  /** Task slots of the job, in frame order. */
  readonly positions: readonly number[];
}

export class RoundMemo {
  private readonly exhausted = new Map<string, Set<QueueNode>>();

  profile(agent: SchedAgent): string {
    return `${agent.capability.key}|${agent.usedCpus}|${agent.usedRam}|${agent.facts.cpus}|${agent.facts.freeRam}|${agent.facts.ram}`;
  }

  isExhausted(profile: string, node: QueueNode): boolean {
    return this.exhausted.get(profile)?.has(node) ?? false;
  }

  markExhausted(profile: string, node: QueueNode): void {
    let set = this.exhausted.get(profile);
    if (!set) {
      set = new Set();
      this.exhausted.set(profile, set);
    }
    set.add(node);
  }
}

interface Search {
  readonly agent: SchedAgent;
  readonly profile: string | undefined;
  /** Something specific to this agent (a blacklisted task) made a job unavailable: do not memoise. */
  agentSpecific: boolean;
}

export function chooseJob(index: FarmIndex, agent: SchedAgent, memo?: RoundMemo): SchedJob | undefined {
  const search: Search = { agent, profile: memo?.profile(agent), agentSpecific: false };
  return new Walk(index, memo).inQueue(index.root, search);
}

/** The job and the batch of tasks for this agent now, or undefined when nothing fits. */
export function decide(index: FarmIndex, agent: SchedAgent, memo?: RoundMemo): Decision | undefined {
  const job = chooseJob(index, agent, memo);
  if (!job) return undefined;
  const positions = job.tasks.selectBatch(agent.id, job.batchSize, job.facts.batchContiguous, job.facts.by);
  return positions.length === 0 ? undefined : { agent, job, positions };
}

export function recordAssignment(index: FarmIndex, decision: Decision): void {
  for (const pos of decision.positions) index.holdTask(decision.job, pos, decision.agent.id);
}

/** PyFarm's candidate-job test (before "can it use another agent"). */
export function isCandidate(index: FarmIndex, job: SchedJob, agent: SchedAgent): boolean {
  return (
    job.block === undefined &&
    agent.capability.eligible(job.facts.requirements) &&
    fitProblem(agent.facts, agent, job.facts, index.policy, agent.holdings.has(job)) === undefined
  );
}

class Walk {
  constructor(
    private readonly index: FarmIndex,
    private readonly memo: RoundMemo | undefined,
  ) {}

  inQueue(node: QueueNode, search: Search): SchedJob | undefined {
    if (this.memo && search.profile !== undefined && this.memo.isExhausted(search.profile, node))
      return undefined;
    const before = search.agentSpecific;
    search.agentSpecific = false;
    const found = this.search(node, search);
    if (!found && this.memo && search.profile !== undefined && !search.agentSpecific) {
      this.memo.markExhausted(search.profile, node);
    }
    search.agentSpecific ||= before;
    return found;
  }

  private canTake(job: SchedJob, search: Search): boolean {
    if (job.tasks.queuedCount === 0 || !job.underMaximum) return false;
    if (job.tasks.hasTaskFor(search.agent.id)) return true;
    search.agentSpecific = true;
    return false;
  }

  private search(node: QueueNode, search: Search): SchedJob | undefined {
    // Minimums first, in database order.
    for (const job of node.minimumJobs()) {
      if (!isCandidate(this.index, job, search.agent)) continue;
      const min = job.facts.minimumAgents ?? 0;
      if (job.running ? job.assigned < min && this.canTake(job, search) : this.canTake(job, search))
        return job;
    }
    for (const child of node.children) {
      if (child.assigned < child.minimum && child.underMaximum) {
        const found = this.inQueue(child, search);
        if (found) return found;
      }
    }

    for (const group of node.groups()) {
      const candidates = group.jobs.filter((job) => isCandidate(this.index, job, search.agent));
      const found = this.inGroup(group, candidates, search);
      if (found) return found;
    }
    return undefined;
  }

  private inGroup(group: PriorityGroup, jobs: readonly SchedJob[], search: Search): SchedJob | undefined {
    let wsum = 0;
    let total = 0;
    for (const queue of group.queues) {
      wsum += queue.weight;
      total += queue.assigned;
    }
    for (const job of jobs) {
      if (job.running) wsum += job.weight;
      total += job.assigned;
    }
    const key = (assigned: number, weight: number) =>
      (total ? assigned / total : 0) / (wsum && weight ? weight / wsum : 1);

    type Item = { key: number; queue?: QueueNode; job?: SchedJob };
    const items: Item[] = [];
    for (const queue of group.queues) {
      if (queue.underMaximum) items.push({ key: key(queue.assigned, queue.weight), queue });
    }
    const preferRunning = this.index.policy.preferRunning;
    if (preferRunning) {
      for (const job of jobs) if (job.running) items.push({ key: key(job.assigned, job.weight), job });
    }

    for (const item of inKeyOrder(items)) {
      if (item.job) {
        if (this.canTake(item.job, search)) return item.job;
      } else {
        const found = this.inQueue(item.queue!, search);
        if (found) return found;
      }
    }

    let oldest: SchedJob | undefined;
    for (const job of jobs) {
      if (preferRunning && job.running) continue;
      if (oldest && !isOlder(job, oldest)) continue;
      if (this.canTake(job, search)) oldest = job;
    }
    return oldest;
  }
}

function isOlder(a: SchedJob, b: SchedJob): boolean {
  const ta = a.facts.timeSubmitted;
  const tb = b.facts.timeSubmitted;
  return ta < tb || (ta === tb && a.id < b.id);
}

/**
 * The items by ascending key, ties in list order (PyFarm's stable sort). The first item usually answers,
 * so the minimum is found in one pass and the rest is sorted only when it does not.
 */
function* inKeyOrder<T extends { key: number }>(items: T[]): Generator<T> {
  if (items.length === 0) return;
  let best = 0;
  for (let i = 1; i < items.length; i++) if (items[i]!.key < items[best]!.key) best = i;
  yield items[best]!;
  const rest = items.filter((_, i) => i !== best);
  const order = rest.map((item, i) => ({ item, i })).sort((a, b) => a.item.key - b.item.key || a.i - b.i);
  for (const { item } of order) yield item;
}
