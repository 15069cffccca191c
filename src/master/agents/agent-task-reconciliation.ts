/**
 * What an agent's report means for the tasks the database gives it (spec §4), inside the report's
 * transaction. Every task change goes through `applyTaskChange`, so failures, the blacklist, requeueing and
 * the job state follow PyFarm's hooks.
 *
 * - Reconciliation: a task the database assigns to the agent, unfinished (NULL state included), that the
 *   agent does not list in `current_assignments`: if it was sent, the agent lost it → FAILED (and requeued
 *   within the job's budget); if it was never sent, it stays assigned for the dispatcher to send; if it was
 *   sent moments ago, it stays too: the announce may have been built before the delivery reached the agent
 *   and have arrived after it (seen with 200 agents: a task run twice). A task really lost then is failed by
 *   the next announce.
 * - Release: an agent going offline hands back every unfinished task, NULL-state ones included (PyFarm's
 *   SQL skipped those, §11.16): agent and state cleared, the job state re-derived.
 * - Liveness: a job is "running" while a live agent holds one of its tasks, so an agent becoming live or
 *   not (disabled, offline) re-derives the state of the jobs whose tasks it holds.
 */
import type { Kysely } from 'kysely';
import { WorkState } from '../../core/enums.js';
import { listJobIdsActiveOnAgent } from '../../db/agents/agent-tasks.repository.js';
import type { CurrentAssignments } from '../../api/schemas/agents.js';
import type { Database, Millis } from '../../db/database.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { listTasks, type Task } from '../../db/tasks/task.repository.js';
import { refreshJobState } from '../jobs/job-state.js';
import { applyTaskChange } from '../tasks/task-state.service.js';
import type { Aftermath } from './agent-aftermath.js';

const { RUNNING, PAUSED, FAILED } = WorkState.values;

/** Longer than an agent's announce can be on its way (agent_request_timeout, 10 s by default). */
export const RECENT_DELIVERY_MS = 15_000;

export interface TaskWriteOptions {
  now: Millis;
  limits: ModelLimits;
}

/** Unfinished tasks the database assigns to the agent: queued-on-agent (NULL), running or paused. */
function listOpenTasks(db: Kysely<Database>, agentId: string): Promise<Task[]> {
  return listTasks(db, { agentId, states: [null, RUNNING, PAUSED] });
}

export interface ReconciliationOutcome {
  /** Tasks the agent lost, now failed (and possibly requeued). */
  failed: number;
  /** Tasks assigned but never sent: the dispatcher has to send them. */
  unsent: number;
}

export async function reconcileAssignments(
  trx: Kysely<Database>,
  agentId: string,
  assignments: CurrentAssignments,
  options: TaskWriteOptions,
  aftermath: Aftermath,
): Promise<ReconciliationOutcome> {
  const held = new Set<number>();
  for (const assignment of Object.values(assignments)) {
    for (const task of assignment.tasks) held.add(task.id);
  }
  const outcome: ReconciliationOutcome = { failed: 0, unsent: 0 };
  for (const task of await listOpenTasks(trx, agentId)) {
    if (held.has(task.id)) continue;
    if (!task.sentToAgent) {
      outcome.unsent += 1;
      continue;
    }
    if (task.sentOn !== null && task.sentOn >= options.now - RECENT_DELIVERY_MS) continue;
    const applied = await applyTaskChange(
      trx,
      task.id,
      {
        state: FAILED,
        lastError: 'the agent no longer had this task (missing from its current assignments)',
      },
      { ...options, task },
    );
    aftermath.taskChanged(applied);
    outcome.failed += 1;
  }
  return outcome;
}

/** Sends every unfinished task of the agent back to the queue; returns how many. */
export async function releaseAgentTasks(
  trx: Kysely<Database>,
  agentId: string,
  options: TaskWriteOptions,
  aftermath: Aftermath,
): Promise<number> {
  const open = await listOpenTasks(trx, agentId);
  for (const task of open) {
    const applied = await applyTaskChange(trx, task.id, { agentId: null, state: null }, { ...options, task });
    aftermath.taskChanged(applied);
  }
  return open.length;
}

/** Re-derives the state of the jobs whose assigned or running tasks the agent holds. */
export async function refreshJobsOnAgent(
  trx: Kysely<Database>,
  agentId: string,
  now: Millis,
  aftermath: Aftermath,
): Promise<void> {
  for (const jobId of await listJobIdsActiveOnAgent(trx, agentId)) {
    aftermath.jobChanged(await refreshJobState(trx, jobId, now));
  }
}
