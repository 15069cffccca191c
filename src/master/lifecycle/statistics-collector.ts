/**
 * The statistics PyFarm kept (spec §6), written to the statistics database: agent counts by state, task
 * counts per queue, and the consolidation of task event counts into quarter hours.
 *
 * Consolidation: rows shorter than a quarter hour are summed into rows of the quarter hour (aligned to
 * :00, :15, :30, :45 UTC) they start in; an existing quarter-hour row absorbs them; quarters without
 * events between the first and the last get empty rows, so charts show the gaps. (PyFarm anchored its
 * buckets at the first unconsolidated row; aligned quarters make consolidations of different runs meet.)
 */
import { countAgentsByState } from '../../db/agents/agent.repository.js';
import type { Kysely } from 'kysely';
import type { Database, StatisticsDatabase } from '../../db/database.js';
import { countTasksPerQueue } from '../../db/scheduling/lifecycle.repository.js';
import { insertAgentCount, insertTaskCounts } from '../../db/statistics/statistics.repository.js';
import {
  applyConsolidation,
  EVENT_COUNT_FIELDS,
  listTaskEventRows,
  type ConsolidationPlan,
  type EventCounts,
  type TaskEventRow,
} from '../../db/statistics/task-event-consolidation.repository.js';
import { AgentState } from '../../core/enums.js';

export const QUARTER_HOUR_MS = 15 * 60_000;

export async function countAgents(
  db: Kysely<Database>,
  statistics: Kysely<StatisticsDatabase>,
  now: number,
): Promise<void> {
  const counts = await countAgentsByState(db);
  const { ONLINE, RUNNING, OFFLINE, DISABLED } = AgentState.values;
  await insertAgentCount(statistics, {
    countedTime: now,
    numOnline: counts[ONLINE],
    numRunning: counts[RUNNING],
    numOffline: counts[OFFLINE],
    numDisabled: counts[DISABLED],
  });
}

export async function countTasks(
  db: Kysely<Database>,
  statistics: Kysely<StatisticsDatabase>,
  now: number,
): Promise<void> {
  const counts = await countTasksPerQueue(db);
  await insertTaskCounts(
    statistics,
    counts.map((c) => ({
      countedTime: now,
      jobQueueId: c.queueId,
      totalQueued: c.queued,
      totalRunning: c.running,
      totalDone: c.done,
      totalFailed: c.failed,
    })),
  );
}

export async function consolidateTaskEvents(
  statistics: Kysely<StatisticsDatabase>,
): Promise<ConsolidationPlan> {
  const plan = planConsolidation(await listTaskEventRows(statistics));
  if (plan.deleteIds.length + plan.updates.length + plan.inserts.length > 0)
    await applyConsolidation(statistics, plan);
  return plan;
}

/** Pure: what to delete, update and insert. */
export function planConsolidation(rows: readonly TaskEventRow[]): ConsolidationPlan {
  const deleteIds: number[] = [];
  const updates: { id: number; counts: EventCounts }[] = [];
  const inserts: ConsolidationPlan['inserts'][number][] = [];
  const byQueue = new Map<number | null, TaskEventRow[]>();
  for (const row of rows) byQueue.set(row.jobQueueId, [...(byQueue.get(row.jobQueueId) ?? []), row]);
  for (const [queueId, list] of byQueue) {
    const quarters = new Map<number, TaskEventRow>();
    const sums = new Map<number, EventCounts>();
    for (const row of list) {
      const slot = Math.floor(row.timeStart / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
      if (row.timeStart === slot && row.timeEnd - row.timeStart === QUARTER_HOUR_MS && !quarters.has(slot)) {
        quarters.set(slot, row);
        continue;
      }
      if (row.timeEnd - row.timeStart >= QUARTER_HOUR_MS) continue; // a longer row: leave it as it is
      const sum = sums.get(slot) ?? zero();
      for (const field of EVENT_COUNT_FIELDS) sum[field] += row[field];
      sums.set(slot, sum);
      deleteIds.push(row.id);
    }
    if (sums.size === 0) continue;
    for (const [slot, sum] of sums) {
      const existing = quarters.get(slot);
      if (existing) {
        const counts = zero();
        for (const field of EVENT_COUNT_FIELDS) counts[field] = existing[field] + sum[field];
        updates.push({ id: existing.id, counts });
      } else {
        inserts.push({ timeStart: slot, timeEnd: slot + QUARTER_HOUR_MS, jobQueueId: queueId, ...sum });
      }
    }
    const slots = [...new Set([...sums.keys(), ...quarters.keys()])].sort((a, b) => a - b);
    for (let slot = slots[0]!; slot < slots[slots.length - 1]!; slot += QUARTER_HOUR_MS) {
      if (!sums.has(slot) && !quarters.has(slot)) {
        inserts.push({ timeStart: slot, timeEnd: slot + QUARTER_HOUR_MS, jobQueueId: queueId, ...zero() });
      }
    }
  }
  return { deleteIds, updates, inserts };
}

function zero(): EventCounts {
  return { num_new: 0, num_deleted: 0, num_restarted: 0, num_started: 0, num_failed: 0, num_done: 0 };
}
