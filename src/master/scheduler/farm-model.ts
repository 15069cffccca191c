/**
 * The entities of the scheduler's index: agents with their capabilities and load, open jobs with their
 * requirement facts and tasks, and the queue tree with assigned-agent counts. They mirror the database
 * (the record); ./farm-index.ts keeps them consistent with each other.
 */
import { AgentState, WorkState, type AgentStateValue, type WorkStateValue } from '../../core/enums.js';
import type { UseAgentAddressValue } from '../../core/enums.js';
import type { AgentCapacityFacts, AgentLoad, JobNeeds } from './agent-resources.js';
import type { CapabilityClass, CapabilityFacts, RequirementSet } from './capabilities.js';
import type { JobTasks } from './job-tasks.js';

export interface AgentFacts extends AgentCapacityFacts {
  readonly id: string;
  readonly hostname: string;
  readonly state: AgentStateValue;
  readonly useAddress: UseAgentAddressValue;
  readonly capability: CapabilityFacts;
}

export class SchedAgent implements AgentLoad {
  /** Tasks held per job. */
  readonly holdings = new Map<SchedJob, number>();
  usedCpus = 0;
  usedRam = 0;
  whole = false;
  /** No new assignment before this time (epoch ms): after a refused or failed delivery. */
  cooldownUntil = 0;

  constructor(
    public facts: AgentFacts,
    public capability: CapabilityClass,
  ) {}

  get id(): string {
    return this.facts.id;
  }

  get jobCount(): number {
    return this.holdings.size;
  }

  /** Online or running: may get work (offline and disabled agents never do). */
  get live(): boolean {
    const { ONLINE, RUNNING } = AgentState.values;
    return this.facts.state === ONLINE || this.facts.state === RUNNING;
  }
}

export interface JobFacts extends JobNeeds {
  readonly id: number;
  readonly title: string;
  readonly queueId: number | null;
  readonly priority: number;
  readonly weight: number;
  /** null or 0 = no minimum / no limit. */
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
  readonly timeSubmitted: number;
  readonly state: WorkStateValue | null;
  readonly hidden: boolean;
  readonly toBeDeleted: boolean;
  /** Every parent job is DONE (a failed parent blocks its children). */
  readonly parentsDone: boolean;
  readonly batch: number;
  /** The job type version's limit; null = none. */
  readonly maxBatch: number | null;
  readonly batchContiguous: boolean;
  readonly by: number;
  readonly requirements: RequirementSet;
}

/** Why a job is not scheduled at all, whatever the agent. */
export type JobBlock = 'paused' | 'hidden' | 'to_be_deleted' | 'dependency' | 'finished';

export class SchedJob {
  /** Tasks held per agent id (any agent the database says holds one). */
  readonly agents = new Map<string, number>();

  constructor(
    public facts: JobFacts,
    public tasks: JobTasks,
    public queue: QueueNode,
  ) {}

  get id(): number {
    return this.facts.id;
  }

  /** Distinct agents working on it (PyFarm's num_assigned_agents). */
  get assigned(): number {
    return this.agents.size;
  }

  get running(): boolean {
    return this.agents.size > 0;
  }

  get weight(): number {
    return this.facts.weight;
  }

  get block(): JobBlock | undefined {
    const { PAUSED, DONE, FAILED } = WorkState.values;
    const f = this.facts;
    if (f.state === PAUSED) return 'paused';
    if (f.state === DONE || f.state === FAILED) return 'finished';
    if (f.hidden) return 'hidden';
    if (f.toBeDeleted) return 'to_be_deleted';
    if (!f.parentsDone) return 'dependency';
    return undefined;
  }

  get underMaximum(): boolean {
    const max = this.facts.maximumAgents;
    return !max || this.agents.size < max;
  }

  get batchSize(): number {
    const { batch, maxBatch } = this.facts;
    return maxBatch === null ? batch : Math.min(batch, maxBatch);
  }
}

export interface QueueFacts {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
}

/** Children of one queue that share a priority, each list in id order (PyFarm's database order). */
export interface PriorityGroup {
  readonly priority: number;
  readonly queues: QueueNode[];
  readonly jobs: SchedJob[];
}

export class QueueNode {
  parent: QueueNode | null = null;
  readonly children: QueueNode[] = [];
  readonly jobs = new Set<SchedJob>();
  /** Σ children + Σ distinct agents of the jobs directly in this queue. */
  assigned = 0;
  private groupCache: PriorityGroup[] | undefined;
  private minimumJobCache: SchedJob[] | undefined;

  constructor(public facts: QueueFacts | null) {}

  /** null for the root (jobs without a queue and the top-level queues). */
  get id(): number | null {
    return this.facts?.id ?? null;
  }

  get weight(): number {
    return this.facts?.weight ?? 0;
  }

  get minimum(): number {
    return this.facts?.minimumAgents ?? 0;
  }

  get underMaximum(): boolean {
    const max = this.facts?.maximumAgents;
    return !max || this.assigned < max;
  }

  get path(): string {
    if (!this.facts) return '/';
    const names: string[] = [];
    for (const node of this.lineage()) if (node.facts) names.unshift(node.facts.name);
    return `/${names.join('/')}`;
  }

  /** Children grouped by priority, highest first; rebuilt after a change to the members or priorities. */
  groups(): readonly PriorityGroup[] {
    if (this.groupCache) return this.groupCache;
    const byPriority = new Map<number, PriorityGroup>();
    const groupOf = (priority: number) => {
      let group = byPriority.get(priority);
      if (!group) {
        group = { priority, queues: [], jobs: [] };
        byPriority.set(priority, group);
      }
      return group;
    };
    for (const child of [...this.children].sort((a, b) => a.id! - b.id!)) {
      groupOf(child.facts!.priority).queues.push(child);
    }
    for (const job of [...this.jobs].sort((a, b) => a.id - b.id)) groupOf(job.facts.priority).jobs.push(job);
    this.groupCache = [...byPriority.values()].sort((a, b) => b.priority - a.priority);
    return this.groupCache;
  }

  /** This queue's jobs with a minimum_agents, in id order (checked first by every decision). */
  minimumJobs(): readonly SchedJob[] {
    this.minimumJobCache ??= [...this.jobs]
      .filter((job) => (job.facts.minimumAgents ?? 0) > 0)
      .sort((a, b) => a.id - b.id);
    return this.minimumJobCache;
  }

  invalidateGroups(): void {
    this.groupCache = undefined;
    this.minimumJobCache = undefined;
  }

  /** Adds `delta` to this queue's count and its ancestors'. */
  addAssigned(delta: number): void {
    for (const node of this.lineage()) node.assigned += delta;
  }

  /** This queue, its parent, ..., the root. */
  *lineage(): Generator<QueueNode> {
    yield this;
    for (let node = this.parent; node; node = node.parent) yield node;
  }
}
