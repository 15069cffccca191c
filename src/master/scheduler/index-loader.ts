/**
 * Builds the scheduler's index from the database and refreshes parts of it. The database is the record:
 * whatever the index believed about the rows read here is replaced.
 */
import type { Kysely } from 'kysely';
import { WorkState } from '../../core/enums.js';
import type { Database } from '../../db/database.js';
import {
  listOpenJobs,
  listSchedulingAgents,
  listSchedulingQueues,
  listTaskFailures,
  listTaskStates,
  listOtherUnfinishedTasks,
  listUnfinishedTaskFailures,
  listWaitingTaskCounts,
  listWaitingTasksByJob,
  type SchedulingAgentRow,
  type SchedulingJobRow,
  type SchedulingTaskRow,
} from '../../db/scheduling/scheduling-snapshot.repository.js';
import { FarmIndex, type SchedulingPolicy } from './farm-index.js';
import type { AgentFacts, JobFacts } from './farm-model.js';
import { JobTasks } from './job-tasks.js';

const { PAUSED, DONE, FAILED } = WorkState.values;

/**
 * The whole farm. With `onlyTasksOf`, only that job's waiting tasks are read one by one; the others are
 * counted (enough to know which jobs compete for agents, as explanations need, at a fraction of the cost).
 */
export async function loadFarmIndex(
  db: Kysely<Database>,
  policy: SchedulingPolicy,
  options: { onlyTasksOf?: number } = {},
): Promise<FarmIndex> {
  const index = new FarmIndex(policy);
  index.setQueues(await listSchedulingQueues(db));
  for (const row of await listSchedulingAgents(db)) index.putAgent(agentFacts(row));
  const jobs = await listOpenJobs(db);
  if (options.onlyTasksOf === undefined) {
    await putJobs(db, index, jobs, undefined);
    return index;
  }
  const focus = jobs.filter((job) => job.id === options.onlyTasksOf);
  await putJobs(
    db,
    index,
    focus,
    focus.map((job) => job.id),
  );
  const counts = await listWaitingTaskCounts(db);
  const others = jobs.filter((job) => job.id !== options.onlyTasksOf);
  const held = groupBy(
    await listOtherUnfinishedTasks(
      db,
      others.map((job) => job.id),
    ),
    (task) => task.jobId,
  );
  for (const row of others) {
    // Placeholder slots (negative ids) stand for the counted waiting tasks.
    const n = counts.get(row.id) ?? 0;
    const waiting = {
      ids: Array.from({ length: n }, (_, i) => -(i + 1)),
      frames: Array.from({ length: n }, (_, i) => i),
      tiles: new Array<number>(n).fill(-1),
    };
    const tasks = JobTasks.fromParts(
      waiting,
      (held.get(row.id) ?? []).filter((t) => t.agentId !== null),
    );
    index.putJob(jobFacts(index, row), tasks);
  }
  return index;
}

export async function reloadQueues(db: Kysely<Database>, index: FarmIndex): Promise<void> {
  index.setQueues(await listSchedulingQueues(db));
}

/** Re-reads the given agents; those without a row are removed. */
export async function reloadAgents(
  db: Kysely<Database>,
  index: FarmIndex,
  ids: readonly string[],
): Promise<void> {
  const rows = await listSchedulingAgents(db, ids);
  const found = new Set<string>();
  for (const row of rows) {
    index.putAgent(agentFacts(row));
    found.add(row.id);
  }
  for (const id of ids) if (!found.has(id)) index.removeAgent(id);
}

/**
 * Re-reads the given jobs with their tasks; jobs that are gone or have no unfinished task left are
 * removed. Returns the ids removed (their children may have become schedulable).
 */
export async function reloadJobs(
  db: Kysely<Database>,
  index: FarmIndex,
  ids: readonly number[],
): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await listOpenJobs(db, ids);
  const open = new Set(rows.map((row) => row.id));
  if (rows.some((row) => row.queueId !== null && !index.queues.has(row.queueId)))
    await reloadQueues(db, index);
  await putJobs(
    db,
    index,
    rows,
    rows.map((row) => row.id),
  );
  const removed = ids.filter((id) => !open.has(id));
  for (const id of removed) index.removeJob(id);
  return removed;
}

export interface TaskRefresh {
  /** Jobs the index cannot patch (an unknown task: a new frame, an unknown job) or that may be finished. */
  reloadJobs: Set<number>;
  /** Agents that held one of the tasks before (they may have room now). */
  formerHolders: Set<string>;
  /** Some task went back to the queue. */
  requeued: boolean;
}

/** Applies the current state of the given tasks to the index. */
export async function refreshTasks(
  db: Kysely<Database>,
  index: FarmIndex,
  taskIds: readonly number[],
): Promise<TaskRefresh> {
  const rows = await listTaskStates(db, taskIds);
  const failures = new Map<number, string[]>();
  for (const { taskId, agentId } of await listTaskFailures(db, taskIds)) {
    failures.set(taskId, [...(failures.get(taskId) ?? []), agentId]);
  }
  const refresh: TaskRefresh = { reloadJobs: new Set(), formerHolders: new Set(), requeued: false };
  const seen = new Set<number>();
  for (const row of rows) {
    seen.add(row.id);
    const job = index.jobs.get(row.jobId);
    const pos = job ? job.tasks.position(row.id) : -1;
    if (!job || pos < 0) {
      if (!isFinished(row)) refresh.reloadJobs.add(row.jobId);
      continue;
    }
    for (const agentId of failures.get(row.id) ?? []) job.tasks.addFailedOn(row.id, agentId);
    const holder = job.tasks.holderAt(pos);
    if (holder !== undefined && holder !== row.agentId) refresh.formerHolders.add(holder);
    if (isFinished(row) || (row.agentId === null && row.state === PAUSED)) {
      index.dropTask(job, pos);
      if (job.tasks.queuedCount === 0 && job.tasks.heldCount === 0) refresh.reloadJobs.add(job.id);
    } else if (row.agentId === null) {
      index.queueTask(job, pos);
      refresh.requeued = true;
    } else index.holdTask(job, pos, row.agentId);
  }
  // Deleted tasks: find their slots in the index.
  for (const id of taskIds) {
    if (seen.has(id)) continue;
    for (const job of index.jobs.values()) {
      const pos = job.tasks.position(id);
      if (pos < 0) continue;
      const holder = job.tasks.holderAt(pos);
      if (holder !== undefined) refresh.formerHolders.add(holder);
      index.dropTask(job, pos);
      refresh.reloadJobs.add(job.id);
      break;
    }
  }
  return refresh;
}

async function putJobs(
  db: Kysely<Database>,
  index: FarmIndex,
  rows: readonly SchedulingJobRow[],
  ids: readonly number[] | undefined,
): Promise<void> {
  if (rows.length === 0) return;
  const waiting = new Map((await listWaitingTasksByJob(db, ids)).map((w) => [w.jobId, w]));
  // Paused tasks without an agent are not scheduled (and do not keep an agent busy).
  const others = (await listOtherUnfinishedTasks(db, ids)).filter(
    (t) => t.agentId !== null || t.state !== PAUSED,
  );
  const held = groupBy(others, (task) => task.jobId);
  const failures = groupBy(await listUnfinishedTaskFailures(db, ids), (failure) => failure.jobId);
  for (const row of rows) {
    const tasks = JobTasks.fromParts(waiting.get(row.id), held.get(row.id) ?? [], failures.get(row.id) ?? []);
    index.putJob(jobFacts(index, row), tasks);
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const map = new Map<number, T[]>();
  for (const item of items) {
    const list = map.get(key(item));
    if (list) list.push(item);
    else map.set(key(item), [item]);
  }
  return map;
}

function isFinished(row: SchedulingTaskRow): boolean {
  return row.state === DONE || row.state === FAILED;
}

export function agentFacts(row: SchedulingAgentRow): AgentFacts {
  return {
    id: row.id,
    hostname: row.hostname,
    state: row.state,
    useAddress: row.useAddress,
    cpus: row.cpus,
    ram: row.ram,
    freeRam: row.freeRam,
    cpuAllocation: row.cpuAllocation,
    ramAllocation: row.ramAllocation,
    capability: { tagIds: row.tagIds, software: row.software, projects: row.projects },
  };
}

export function jobFacts(index: FarmIndex, row: SchedulingJobRow): JobFacts {
  return {
    id: row.id,
    title: row.title,
    queueId: row.queueId,
    priority: row.priority,
    weight: row.weight,
    minimumAgents: row.minimumAgents,
    maximumAgents: row.maximumAgents,
    timeSubmitted: row.timeSubmitted,
    state: row.state,
    hidden: row.hidden,
    toBeDeleted: row.toBeDeleted,
    parentsDone: row.parentsDone,
    cpus: row.cpus,
    ram: row.ram,
    batch: row.batch,
    maxBatch: row.maxBatch,
    batchContiguous: row.batchContiguous,
    by: row.by,
    requirements: index.requirements.intern(row.tagRequirements, row.softwareRequirements, row.project),
  };
}
