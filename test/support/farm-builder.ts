/**
 * Builds a scheduler index in memory for decision tests and benchmarks, with readable defaults:
 *
 *   const farm = new FarmBuilder();
 *   const q = farm.queue({ name: 'lighting', weight: 60 });
 *   const job = farm.job({ queue: q, frames: 100 });
 *   farm.agents(10, { cpus: 8 });
 *   const decisions = farm.fill();
 *
 * Tags and software are named; the builder numbers them. Ids ascend in creation order, which is also the
 * database order the decisions use for ties.
 */
import {
  AgentState,
  UseAgentAddress,
  WorkState,
  type AgentStateValue,
  type WorkStateValue,
} from '../../src/core/enums.js';
import type { SoftwareRequirementFact, TagRequirementFact } from '../../src/master/scheduler/capabilities.js';
import type { Decision } from '../../src/master/scheduler/decide.js';
import { FarmIndex, type SchedulingPolicy } from '../../src/master/scheduler/farm-index.js';
import type { QueueNode, SchedAgent, SchedJob } from '../../src/master/scheduler/farm-model.js';
import { fillAgents } from '../../src/master/scheduler/fill.js';
import { JobTasks, type TaskSlotInput } from '../../src/master/scheduler/job-tasks.js';

export interface QueueSpec {
  name?: string;
  parent?: QueueNode;
  priority?: number;
  weight?: number;
  minimumAgents?: number | null;
  maximumAgents?: number | null;
}

export interface JobSpec {
  title?: string;
  queue?: QueueNode;
  /** Frames 1..frames (default 10), or explicit frames. */
  frames?: number | number[];
  tiles?: number;
  by?: number;
  priority?: number;
  weight?: number;
  minimumAgents?: number | null;
  maximumAgents?: number | null;
  timeSubmitted?: number;
  state?: WorkStateValue | null;
  hidden?: boolean;
  toBeDeleted?: boolean;
  parentsDone?: boolean;
  cpus?: number;
  ram?: number;
  batch?: number;
  maxBatch?: number | null;
  batchContiguous?: boolean;
  tags?: { tag: string; negate?: boolean }[];
  /** Ranks: `{ software: 'blender', min: 200 }`. */
  software?: { software: string; min?: number | null; max?: number | null }[];
  project?: string | null;
  /** Task ids (by frame index) that already failed on agents. */
  failedOn?: { frameIndex: number; agent: SchedAgent }[];
}

export interface AgentSpec {
  cpus?: number;
  ram?: number;
  freeRam?: number;
  cpuAllocation?: number;
  ramAllocation?: number;
  state?: AgentStateValue;
  tags?: string[];
  software?: { software: string; rank: number }[];
  projects?: string[] | null;
}

export class FarmBuilder {
  readonly index: FarmIndex;
  private nextQueueId = 1;
  private nextJobId = 1;
  private nextTaskId = 1;
  private nextAgent = 1;
  private clock = Date.UTC(2026, 0, 1);
  private readonly tagIds = new Map<string, number>();
  private readonly softwareIds = new Map<string, number>();
  private readonly queueFacts: Parameters<FarmIndex['setQueues']>[0][number][] = [];

  constructor(policy: Partial<SchedulingPolicy> = {}) {
    this.index = new FarmIndex({ preferRunning: true, sharing: false, useTotalRam: false, ...policy });
  }

  queue(spec: QueueSpec = {}): QueueNode {
    const id = this.nextQueueId++;
    this.queueFacts.push({
      id,
      parentId: spec.parent?.id ?? null,
      name: spec.name ?? `queue${id}`,
      priority: spec.priority ?? 0,
      weight: spec.weight ?? 10,
      minimumAgents: spec.minimumAgents ?? null,
      maximumAgents: spec.maximumAgents ?? null,
    });
    this.index.setQueues(this.queueFacts);
    return this.index.queues.get(id)!;
  }

  job(spec: JobSpec = {}): SchedJob {
    const id = this.nextJobId++;
    const by = spec.by ?? 1;
    const frames =
      typeof spec.frames === 'object'
        ? spec.frames
        : Array.from({ length: spec.frames ?? 10 }, (_, i) => 1 + i * by);
    const rows: TaskSlotInput[] = frames.flatMap((frame): TaskSlotInput[] =>
      spec.tiles === undefined
        ? [{ id: this.nextTaskId++, frame, tile: null, agentId: null }]
        : Array.from({ length: spec.tiles }, (_, tile) => ({
            id: this.nextTaskId++,
            frame,
            tile,
            agentId: null,
          })),
    );
    const blacklist = (spec.failedOn ?? []).map(({ frameIndex, agent }) => ({
      taskId: rows[frameIndex]!.id,
      agentId: agent.id,
    }));
    const tags: TagRequirementFact[] = (spec.tags ?? []).map((t) => ({
      tagId: this.idOf(this.tagIds, t.tag),
      tag: t.tag,
      negate: t.negate ?? false,
    }));
    const software: SoftwareRequirementFact[] = (spec.software ?? []).map((s) => ({
      softwareId: this.idOf(this.softwareIds, s.software),
      software: s.software,
      minRank: s.min ?? null,
      maxRank: s.max ?? null,
    }));
    this.clock += 1000;
    return this.index.putJob(
      {
        id,
        title: spec.title ?? `job${id}`,
        queueId: spec.queue?.id ?? null,
        priority: spec.priority ?? 0,
        weight: spec.weight ?? 10,
        minimumAgents: spec.minimumAgents ?? null,
        maximumAgents: spec.maximumAgents ?? null,
        timeSubmitted: spec.timeSubmitted ?? this.clock,
        state: spec.state === undefined ? null : spec.state,
        hidden: spec.hidden ?? false,
        toBeDeleted: spec.toBeDeleted ?? false,
        parentsDone: spec.parentsDone ?? true,
        cpus: spec.cpus ?? 1,
        ram: spec.ram ?? 32,
        batch: spec.batch ?? 1,
        maxBatch: spec.maxBatch === undefined ? 1 : spec.maxBatch,
        batchContiguous: spec.batchContiguous ?? true,
        by,
        requirements: this.index.requirements.intern(tags, software, spec.project ?? null),
      },
      JobTasks.fromRows(rows, blacklist),
    );
  }

  agent(spec: AgentSpec = {}): SchedAgent {
    const n = this.nextAgent++;
    const id = `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
    return this.index.putAgent({
      id,
      hostname: `render${n}`,
      state: spec.state ?? AgentState.values.ONLINE,
      useAddress: UseAgentAddress.values.REMOTE,
      cpus: spec.cpus ?? 8,
      ram: spec.ram ?? 16384,
      freeRam: spec.freeRam ?? spec.ram ?? 16384,
      cpuAllocation: spec.cpuAllocation ?? 1,
      ramAllocation: spec.ramAllocation ?? 0.8,
      capability: {
        tagIds: (spec.tags ?? []).map((tag) => this.idOf(this.tagIds, tag)),
        software: (spec.software ?? []).map((s) => ({
          softwareId: this.idOf(this.softwareIds, s.software),
          rank: s.rank,
        })),
        projects: spec.projects ?? null,
      },
    });
  }

  agents(count: number, spec: AgentSpec = {}): SchedAgent[] {
    return Array.from({ length: count }, () => this.agent(spec));
  }

  /** Fills every agent, in creation order. */
  fill(agents: Iterable<SchedAgent> = this.index.agents.values()): Decision[] {
    return fillAgents(this.index, agents, this.clock);
  }

  /** The job a (free) agent would get now, without assigning. */
  frames(decision: Decision): number[] {
    return decision.positions.map((pos) => decision.job.tasks.frames[pos]!);
  }

  private idOf(map: Map<string, number>, name: string): number {
    let id = map.get(name);
    if (id === undefined) {
      id = map.size + 1;
      map.set(name, id);
    }
    return id;
  }
}

export const { RUNNING, PAUSED, DONE, FAILED } = WorkState.values;
