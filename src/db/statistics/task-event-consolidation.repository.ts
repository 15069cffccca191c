/**
 * Consolidation of task event counts (spec §6 consolidate_task_events): the rows written every few
 * seconds are summed into quarter-hour rows per queue, and the small rows are deleted, in one transaction.
 */
import type { Kysely } from 'kysely';
import type { Millis, StatisticsDatabase } from '../database.js';
import { transaction } from '../transaction.js';

type Db = Kysely<StatisticsDatabase>;

export const EVENT_COUNT_FIELDS = [
  'num_new',
  'num_deleted',
  'num_restarted',
  'num_started',
  'num_failed',
  'num_done',
] as const;
export type EventCounts = Record<(typeof EVENT_COUNT_FIELDS)[number], number>;

export interface TaskEventRow extends EventCounts {
  readonly id: number;
  readonly timeStart: Millis;
  readonly timeEnd: Millis;
  readonly jobQueueId: number | null;
}

export async function listTaskEventRows(db: Db): Promise<TaskEventRow[]> {
  const rows = await db
    .selectFrom('task_event_counts')
    .selectAll()
    .orderBy('time_start')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    timeStart: row.time_start,
    timeEnd: row.time_end,
    jobQueueId: row.job_queue_id,
    num_new: row.num_new,
    num_deleted: row.num_deleted,
    num_restarted: row.num_restarted,
    num_started: row.num_started,
    num_failed: row.num_failed,
    num_done: row.num_done,
  }));
}

export interface ConsolidationPlan {
  readonly deleteIds: readonly number[];
  readonly updates: readonly { id: number; counts: EventCounts }[];
  readonly inserts: readonly ({
    timeStart: Millis;
    timeEnd: Millis;
    jobQueueId: number | null;
  } & EventCounts)[];
}

export async function applyConsolidation(db: Db, plan: ConsolidationPlan): Promise<void> {
  await transaction(db, async (trx) => {
    for (let i = 0; i < plan.deleteIds.length; i += 10_000) {
      await trx
        .deleteFrom('task_event_counts')
        .where('id', 'in', plan.deleteIds.slice(i, i + 10_000))
        .execute();
    }
    for (const { id, counts } of plan.updates)
      await trx.updateTable('task_event_counts').set(counts).where('id', '=', id).execute();
    for (const row of plan.inserts) {
      const { timeStart, timeEnd, jobQueueId, ...counts } = row;
      await trx
        .insertInto('task_event_counts')
        .values({ time_start: timeStart, time_end: timeEnd, job_queue_id: jobQueueId, ...counts })
        .execute();
    }
  });
}
