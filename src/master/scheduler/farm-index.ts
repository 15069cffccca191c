/**
 * The scheduler's in-memory index of the farm: every agent, every open job (one with unfinished tasks)
 * and the queue tree. Built from the database when this master becomes the leader, patched from events,
 * and rebuilt by the periodic sweep; decisions read it, and assignments are recorded here right after they
 * are made (then written to the database in bulk, and reverted here if the write refuses them).
 *
 * Invariants kept by every mutation below:
 * - a HELD task slot is counted in its job's `agents` and, when the agent is known, in that agent's
 *   `holdings` (with the job's CPUs/RAM reserved on it);
 * - each queue's `assigned` is the sum over its child queues plus the distinct agents of its own jobs.
 */
import { cpuReservation, ramReservation, WHOLE_AGENT, type ResourcePolicy } from './agent-resources.js';
import { CapabilityClasses, RequirementSets } from './capabilities.js';
import {
  QueueNode,
  SchedAgent,
  SchedJob,
  type AgentFacts,
  type JobFacts,
  type QueueFacts,
} from './farm-model.js';
import { GONE, HELD, QUEUED, type JobTasks } from './job-tasks.js';

export interface SchedulingPolicy extends ResourcePolicy {
  /** PyFarm's `queue_prefer_running_jobs`: running jobs are served before new ones start. */
  readonly preferRunning: boolean;
}

/** The policy scheduler.yml and agent.yml set. */
export function schedulingPolicy(config: {
  readonly queue_prefer_running_jobs: boolean;
  readonly agent_allow_sharing: boolean;
  readonly use_total_ram_for_scheduling: boolean;
}): SchedulingPolicy {
  return {
    preferRunning: config.queue_prefer_running_jobs,
    sharing: config.agent_allow_sharing,
    useTotalRam: config.use_total_ram_for_scheduling,
  };
}

export class FarmIndex {
  readonly root = new QueueNode(null);
  readonly queues = new Map<number, QueueNode>();
  readonly jobs = new Map<number, SchedJob>();
  readonly agents = new Map<string, SchedAgent>();
  readonly requirements = new RequirementSets();
  readonly classes = new CapabilityClasses();

  constructor(readonly policy: SchedulingPolicy) {}

  // --- queues -----------------------------------------------------------------------------------

  /** Replaces the queue tree; jobs keep their places (a job whose queue is gone moves to the root). */
  setQueues(list: readonly QueueFacts[]): void {
    const wanted = new Map(list.map((facts) => [facts.id, facts]));
    for (const id of [...this.queues.keys()]) if (!wanted.has(id)) this.queues.delete(id);
    for (const facts of list) {
      const node = this.queues.get(facts.id);
      if (node) node.facts = facts;
      else this.queues.set(facts.id, new QueueNode(facts));
    }
    const nodes = [this.root, ...this.queues.values()];
    for (const node of nodes) {
      node.children.length = 0;
      node.jobs.clear();
      node.assigned = 0;
      node.invalidateGroups();
    }
    for (const node of this.queues.values()) {
      const parentId = node.facts!.parentId;
      node.parent = (parentId !== null && this.queues.get(parentId)) || this.root;
      node.parent.children.push(node);
    }
    for (const job of this.jobs.values()) {
      job.queue = this.queueFor(job.facts.queueId);
      job.queue.jobs.add(job);
    }
    const count = (node: QueueNode): number => {
      let sum = 0;
      for (const child of node.children) sum += count(child);
      for (const job of node.jobs) sum += job.assigned;
      node.assigned = sum;
      return sum;
    };
    count(this.root);
  }

  queueFor(queueId: number | null): QueueNode {
    return (queueId !== null && this.queues.get(queueId)) || this.root;
  }

  // --- agents -----------------------------------------------------------------------------------

  putAgent(facts: AgentFacts): SchedAgent {
    const capability = this.classes.classFor(facts.capability);
    let agent = this.agents.get(facts.id);
    if (agent) {
      agent.facts = facts;
      agent.capability = capability;
      this.recomputeLoad(agent);
      return agent;
    }
    agent = new SchedAgent(facts, capability);
    this.agents.set(facts.id, agent);
    // Tasks the database already had on this agent (loaded with their jobs) now count on it.
    for (const job of this.jobs.values()) {
      const held = job.agents.get(facts.id);
      if (held) agent.holdings.set(job, held);
    }
    this.recomputeLoad(agent);
    return agent;
  }

  /** The agent row is gone; the database unassigned its tasks, so they wait in the queue again. */
  removeAgent(id: string): void {
    const agent = this.agents.get(id);
    if (!agent) return;
    for (const job of [...agent.holdings.keys()]) {
      for (const [pos, holder] of [...job.tasks.holders()]) if (holder === id) this.queueTask(job, pos);
    }
    this.agents.delete(id);
  }

  // --- jobs -------------------------------------------------------------------------------------

  /** Adds or replaces a job with its unfinished tasks. */
  putJob(facts: JobFacts, tasks: JobTasks): SchedJob {
    this.removeJob(facts.id);
    const queue = this.queueFor(facts.queueId);
    const job = new SchedJob(facts, tasks, queue);
    this.jobs.set(job.id, job);
    queue.jobs.add(job);
    queue.invalidateGroups();
    for (const [, agentId] of tasks.holders()) this.linkHolder(job, agentId);
    return job;
  }

  removeJob(id: number): void {
    const job = this.jobs.get(id);
    if (!job) return;
    for (const [pos] of [...job.tasks.holders()]) this.setSlot(job, pos, GONE);
    job.queue.jobs.delete(job);
    job.queue.invalidateGroups();
    this.jobs.delete(id);
  }

  // --- tasks ------------------------------------------------------------------------------------

  holdTask(job: SchedJob, pos: number, agentId: string): void {
    this.setSlot(job, pos, HELD, agentId);
  }

  queueTask(job: SchedJob, pos: number): void {
    this.setSlot(job, pos, QUEUED);
  }

  /** The task finished or was deleted. */
  dropTask(job: SchedJob, pos: number): void {
    this.setSlot(job, pos, GONE);
  }

  private setSlot(
    job: SchedJob,
    pos: number,
    status: typeof GONE | typeof QUEUED | typeof HELD,
    agentId?: string,
  ) {
    if (job.tasks.statusAt(pos) === status && (status !== HELD || job.tasks.holderAt(pos) === agentId))
      return;
    const before = job.tasks.set(pos, status, agentId);
    if (before !== undefined) this.unlinkHolder(job, before);
    if (status === HELD) this.linkHolder(job, agentId!);
  }

  private linkHolder(job: SchedJob, agentId: string): void {
    const count = job.agents.get(agentId) ?? 0;
    job.agents.set(agentId, count + 1);
    if (count === 0) job.queue.addAssigned(1);
    const agent = this.agents.get(agentId);
    if (!agent) return;
    const held = agent.holdings.get(job) ?? 0;
    agent.holdings.set(job, held + 1);
    if (held === 0) this.reserve(agent, job);
  }

  private unlinkHolder(job: SchedJob, agentId: string): void {
    const count = job.agents.get(agentId) ?? 0;
    if (count > 1) job.agents.set(agentId, count - 1);
    else if (count === 1) {
      job.agents.delete(agentId);
      job.queue.addAssigned(-1);
    }
    const agent = this.agents.get(agentId);
    const held = agent?.holdings.get(job) ?? 0;
    if (!agent || held === 0) return;
    if (held > 1) agent.holdings.set(job, held - 1);
    else {
      agent.holdings.delete(job);
      this.recomputeLoad(agent);
    }
  }

  private reserve(agent: SchedAgent, job: SchedJob): void {
    agent.usedCpus += cpuReservation(agent.facts, job.facts);
    agent.usedRam += ramReservation(agent.facts, job.facts, this.policy);
    if (job.facts.cpus === WHOLE_AGENT || job.facts.ram === WHOLE_AGENT) agent.whole = true;
  }

  private recomputeLoad(agent: SchedAgent): void {
    agent.usedCpus = 0;
    agent.usedRam = 0;
    agent.whole = false;
    for (const job of agent.holdings.keys()) this.reserve(agent, job);
  }
}
