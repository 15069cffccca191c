/**
 * Task logs: a log file (named by a unique identifier) written by an agent, linked to the task attempts it
 * records. One log may cover several tasks (a batch); a task has one log per attempt.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, Millis, TaskLogsTable } from '../database.js';
import { requireExisting } from '../existence.js';
import { insertReturningId } from '../inserts.js';
import { checkMillis, checkString, checkUuid, nullable } from '../rules/field-rules.js';
import { checkCount, type WorkStateInput } from '../rules/work-rules.js';
import { transaction } from '../transaction.js';
import { nowOf, type WriteOptions } from '../write-options.js';

export interface TaskLog {
  readonly id: number;
  readonly identifier: string;
  readonly agentId: string | null;
  readonly createdOn: Millis;
}

/** A log as linked to one task attempt. */
export interface TaskLogOfAttempt extends TaskLog {
  readonly taskId: number;
  readonly attempt: number;
  /** The state the task reached in this attempt, as far as the agent reported it. */
  readonly state: WorkStateValue | null;
}

/** Registers a log; a second log with the same identifier is a ConflictError. */
export async function createTaskLog(
  db: Kysely<Database>,
  input: { identifier: string; agentId?: string | null; createdOn?: Millis },
  options?: WriteOptions,
): Promise<TaskLog> {
  const row = {
    identifier: checkString('identifier', input.identifier, { maxLength: 255 }),
    agent_id: nullable(input.agentId ?? null, (v) => checkUuid('agent_id', v)),
    created_on: input.createdOn === undefined ? nowOf(options) : checkMillis('created_on', input.createdOn),
  };
  return transaction(db, async (trx) => {
    if (row.agent_id !== null) await requireExisting(trx, 'agents', [row.agent_id]);
    const id = await insertReturningId(trx, 'task_logs', row);
    return toTaskLog({ id, ...row });
  });
}

/** By id or identifier. */
export async function findTaskLog(db: Kysely<Database>, key: number | string): Promise<TaskLog | undefined> {
  const row = await db
    .selectFrom('task_logs')
    .selectAll()
    .where(typeof key === 'number' ? 'id' : 'identifier', '=', key)
    .executeTakeFirst();
  return row && toTaskLog(row);
}

export async function getTaskLog(db: Kysely<Database>, key: number | string): Promise<TaskLog> {
  const log = await findTaskLog(db, key);
  if (!log) throw new NotFoundError('task log', key);
  return log;
}

export async function setTaskLogAgent(
  db: Kysely<Database>,
  logId: number,
  agentId: string | null,
): Promise<TaskLog> {
  const agent = nullable(agentId, (v) => checkUuid('agent_id', v));
  return transaction(db, async (trx) => {
    if (agent !== null) await requireExisting(trx, 'agents', [agent]);
    await getTaskLog(trx, logId);
    await trx.updateTable('task_logs').set({ agent_id: agent }).where('id', '=', logId).execute();
    return getTaskLog(trx, logId);
  });
}

/** Links a log to a task attempt; linking the same attempt twice is a ConflictError. */
export async function linkTaskLog(
  db: Kysely<Database>,
  link: { taskLogId: number; taskId: number; attempt: number; state?: WorkStateInput },
): Promise<void> {
  const row = {
    task_log_id: link.taskLogId,
    task_id: link.taskId,
    attempt: checkCount('attempt', link.attempt),
    state: nullable(link.state ?? null, (s) => WorkState.parse(s, 'state')),
  };
  await transaction(db, async (trx) => {
    await requireExisting(trx, 'task_logs', [row.task_log_id]);
    await requireExisting(trx, 'tasks', [row.task_id]);
    await trx.insertInto('task_log_associations').values(row).execute();
  });
}

/** Records the state an attempt reached in a log. False when the log is not linked to that attempt. */
export async function setTaskLogState(
  db: Kysely<Database>,
  link: { taskLogId: number; taskId: number; attempt: number },
  state: WorkStateInput,
): Promise<boolean> {
  const value = nullable(state, (s) => WorkState.parse(s, 'state'));
  const result = await db
    .updateTable('task_log_associations')
    .set({ state: value })
    .where('task_log_id', '=', link.taskLogId)
    .where('task_id', '=', link.taskId)
    .where('attempt', '=', link.attempt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** The logs of a task (of one attempt when given), by attempt then creation time. */
export async function listTaskLogsOfTask(
  db: Kysely<Database>,
  taskId: number,
  attempt?: number,
): Promise<TaskLogOfAttempt[]> {
  let query = db
    .selectFrom('task_log_associations as a')
    .innerJoin('task_logs as l', 'l.id', 'a.task_log_id')
    .select(['l.id', 'l.identifier', 'l.agent_id', 'l.created_on', 'a.task_id', 'a.attempt', 'a.state'])
    .where('a.task_id', '=', taskId)
    .orderBy('a.attempt')
    .orderBy('l.created_on')
    .orderBy('l.id');
  if (attempt !== undefined) query = query.where('a.attempt', '=', attempt);
  const rows = await query.execute();
  return rows.map((row) => ({
    ...toTaskLog(row),
    taskId: row.task_id,
    attempt: row.attempt,
    state: row.state as WorkStateValue | null,
  }));
}

/** One log as linked to one task attempt; undefined when that link does not exist. */
export async function findTaskLogOfAttempt(
  db: Kysely<Database>,
  taskId: number,
  attempt: number,
  key: number | string,
): Promise<TaskLogOfAttempt | undefined> {
  const logs = await listTaskLogsOfTask(db, taskId, attempt);
  return logs.find((log) => (typeof key === 'number' ? log.id === key : log.identifier === key));
}

/**
 * Deletes the logs linked to no task attempt (their tasks were deleted); returns how many. Registration
 * creates a log and its first link in one transaction, so a log being registered is never caught here.
 */
export async function deleteOrphanedTaskLogs(db: Kysely<Database>): Promise<number> {
  const result = await db
    .deleteFrom('task_logs')
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('task_log_associations')
            .select('task_log_associations.task_log_id')
            .whereRef('task_log_associations.task_log_id', '=', 'task_logs.id'),
        ),
      ),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Which of these identifiers have a log row. */
export async function findExistingTaskLogIdentifiers(
  db: Kysely<Database>,
  identifiers: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < identifiers.length; i += IDENTIFIERS_PER_QUERY) {
    const chunk = identifiers.slice(i, i + IDENTIFIERS_PER_QUERY);
    const rows = await db
      .selectFrom('task_logs')
      .select('identifier')
      .where('identifier', 'in', chunk)
      .execute();
    for (const row of rows) found.add(row.identifier);
  }
  return found;
}

const IDENTIFIERS_PER_QUERY = 500;

function toTaskLog(row: Selectable<TaskLogsTable>): TaskLog {
  return { id: row.id, identifier: row.identifier, agentId: row.agent_id, createdOn: row.created_on };
}

/** A log an agent wrote, as linked to one task attempt, with the task's job (newest first). */
export interface AgentTaskLog extends TaskLogOfAttempt {
  readonly jobId: number;
  readonly jobTitle: string;
  readonly frame: number;
  readonly tile: number | null;
}

export async function listRecentTaskLogsOfAgent(
  db: Kysely<Database>,
  agentId: string,
  limit: number,
): Promise<AgentTaskLog[]> {
  const rows = await db
    .selectFrom('task_logs as l')
    .innerJoin('task_log_associations as a', 'a.task_log_id', 'l.id')
    .innerJoin('tasks as t', 't.id', 'a.task_id')
    .innerJoin('jobs as j', 'j.id', 't.job_id')
    .select([
      'l.id',
      'l.identifier',
      'l.agent_id',
      'l.created_on',
      'a.task_id',
      'a.attempt',
      'a.state',
      't.job_id',
      't.frame',
      't.tile',
      'j.title',
    ])
    .where('l.agent_id', '=', agentId.toLowerCase())
    .orderBy('l.created_on', 'desc')
    .orderBy('l.id', 'desc')
    .orderBy('a.task_id')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    ...toTaskLog(row),
    taskId: row.task_id,
    attempt: row.attempt,
    state: row.state as WorkStateValue | null,
    jobId: row.job_id,
    jobTitle: row.title,
    frame: Number(row.frame),
    tile: row.tile,
  }));
}
