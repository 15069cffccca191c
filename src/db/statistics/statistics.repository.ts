/**
 * The statistics tables (spec §6): periodic agent counts, task counts per queue, and task event counts
 * per interval. They live in the statistics database (possibly the main one), hence their own Kysely type.
 */
import type { Insertable, Kysely, Selectable } from 'kysely';
import type {
  AgentCountsTable,
  Millis,
  StatisticsDatabase,
  TaskCountsTable,
  TaskEventCountsTable,
} from '../database.js';
import { checkMillis } from '../rules/field-rules.js';
import { checkCount } from '../rules/work-rules.js';

export interface AgentCount {
  readonly countedTime: Millis;
  readonly numOnline: number;
  readonly numRunning: number;
  readonly numOffline: number;
  readonly numDisabled: number;
}

export interface TaskCount {
  readonly countedTime: Millis;
  /** null = all queues. */
  readonly jobQueueId: number | null;
  readonly totalQueued: number;
  readonly totalRunning: number;
  readonly totalDone: number;
  readonly totalFailed: number;
}

export interface TaskEventCount {
  readonly timeStart: Millis;
  readonly timeEnd: Millis;
  readonly jobQueueId: number | null;
  readonly numNew: number;
  readonly numDeleted: number;
  readonly numRestarted: number;
  readonly numStarted: number;
  readonly numFailed: number;
  readonly numDone: number;
}

export interface TimeWindow {
  /** Inclusive. */
  from?: Millis;
  /** Exclusive. */
  to?: Millis;
}

type Db = Kysely<StatisticsDatabase>;

/** One sample per `countedTime` (the primary key): a second sample at the same time is a ConflictError. */
export async function insertAgentCount(db: Db, count: AgentCount): Promise<void> {
  const row: Insertable<AgentCountsTable> = {
    counted_time: checkMillis('counted_time', count.countedTime),
    num_online: checkCount('num_online', count.numOnline),
    num_running: checkCount('num_running', count.numRunning),
    num_offline: checkCount('num_offline', count.numOffline),
    num_disabled: checkCount('num_disabled', count.numDisabled),
  };
  await db.insertInto('agent_counts').values(row).execute();
}

export async function insertTaskCounts(db: Db, counts: readonly TaskCount[]): Promise<void> {
  if (counts.length === 0) return;
  const rows: Insertable<TaskCountsTable>[] = counts.map((c) => ({
    counted_time: checkMillis('counted_time', c.countedTime),
    job_queue_id: c.jobQueueId,
    total_queued: checkCount('total_queued', c.totalQueued),
    total_running: checkCount('total_running', c.totalRunning),
    total_done: checkCount('total_done', c.totalDone),
    total_failed: checkCount('total_failed', c.totalFailed),
  }));
  await db.insertInto('task_counts').values(rows).execute();
}

export async function insertTaskEventCount(db: Db, count: TaskEventCount): Promise<void> {
  const row: Insertable<TaskEventCountsTable> = {
    time_start: checkMillis('time_start', count.timeStart),
    time_end: checkMillis('time_end', count.timeEnd),
    job_queue_id: count.jobQueueId,
    num_new: checkCount('num_new', count.numNew),
    num_deleted: checkCount('num_deleted', count.numDeleted),
    num_restarted: checkCount('num_restarted', count.numRestarted),
    num_started: checkCount('num_started', count.numStarted),
    num_failed: checkCount('num_failed', count.numFailed),
    num_done: checkCount('num_done', count.numDone),
  };
  await db.insertInto('task_event_counts').values(row).execute();
}

export async function listAgentCounts(db: Db, window: TimeWindow = {}): Promise<AgentCount[]> {
  let query = db.selectFrom('agent_counts').selectAll().orderBy('counted_time');
  if (window.from !== undefined) query = query.where('counted_time', '>=', window.from);
  if (window.to !== undefined) query = query.where('counted_time', '<', window.to);
  return (await query.execute()).map(toAgentCount);
}

/** Task counts in a window; `jobQueueId` null selects the farm-wide rows, undefined every row. */
export async function listTaskCounts(
  db: Db,
  window: TimeWindow & { jobQueueId?: number | null } = {},
): Promise<TaskCount[]> {
  let query = db.selectFrom('task_counts').selectAll().orderBy('counted_time').orderBy('id');
  if (window.from !== undefined) query = query.where('counted_time', '>=', window.from);
  if (window.to !== undefined) query = query.where('counted_time', '<', window.to);
  if (window.jobQueueId === null) query = query.where('job_queue_id', 'is', null);
  else if (window.jobQueueId !== undefined) query = query.where('job_queue_id', '=', window.jobQueueId);
  return (await query.execute()).map(toTaskCount);
}

/** Event counts whose interval starts in the window. */
export async function listTaskEventCounts(
  db: Db,
  window: TimeWindow & { jobQueueId?: number | null } = {},
): Promise<TaskEventCount[]> {
  let query = db.selectFrom('task_event_counts').selectAll().orderBy('time_start').orderBy('id');
  if (window.from !== undefined) query = query.where('time_start', '>=', window.from);
  if (window.to !== undefined) query = query.where('time_start', '<', window.to);
  if (window.jobQueueId === null) query = query.where('job_queue_id', 'is', null);
  else if (window.jobQueueId !== undefined) query = query.where('job_queue_id', '=', window.jobQueueId);
  return (await query.execute()).map(toTaskEventCount);
}

/** Deletes samples older than `before` from all three tables; returns how many rows went. */
export async function deleteStatisticsBefore(db: Db, before: Millis): Promise<number> {
  const results = await Promise.all([
    db.deleteFrom('agent_counts').where('counted_time', '<', before).executeTakeFirst(),
    db.deleteFrom('task_counts').where('counted_time', '<', before).executeTakeFirst(),
    db.deleteFrom('task_event_counts').where('time_end', '<', before).executeTakeFirst(),
  ]);
  return results.reduce((sum, r) => sum + Number(r.numDeletedRows), 0);
}

function toAgentCount(row: Selectable<AgentCountsTable>): AgentCount {
  return {
    countedTime: row.counted_time,
    numOnline: row.num_online,
    numRunning: row.num_running,
    numOffline: row.num_offline,
    numDisabled: row.num_disabled,
  };
}

function toTaskCount(row: Selectable<TaskCountsTable>): TaskCount {
  return {
    countedTime: row.counted_time,
    jobQueueId: row.job_queue_id,
    totalQueued: row.total_queued,
    totalRunning: row.total_running,
    totalDone: row.total_done,
    totalFailed: row.total_failed,
  };
}

function toTaskEventCount(row: Selectable<TaskEventCountsTable>): TaskEventCount {
  return {
    timeStart: row.time_start,
    timeEnd: row.time_end,
    jobQueueId: row.job_queue_id,
    numNew: row.num_new,
    numDeleted: row.num_deleted,
    numRestarted: row.num_restarted,
    numStarted: row.num_started,
    numFailed: row.num_failed,
    numDone: row.num_done,
  };
}
