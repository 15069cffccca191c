/**
 * Task logs: registering a log for a task attempt, its metadata, and its file. The URL names a job, a task
 * and an attempt; the task must belong to that job (404 otherwise) and a log is reachable only through an
 * attempt it is linked to.
 *
 * Agents (callers whose only role is `agent`) speak only for the agents their token registered
 * (`agents.token_id`): they register logs for tasks assigned to those agents, and afterwards change and
 * upload logs of those agents — also once the task has moved on (a failed task goes back to the queue
 * before its agent uploads the log).
 */
import type { Readable } from 'node:stream';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { WorkState } from '../../core/enums.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import type { Database } from '../../db/database.js';
import { findJob } from '../../db/jobs/job.repository.js';
import { findTask, type Task } from '../../db/tasks/task.repository.js';
import {
  createTaskLog,
  findTaskLog,
  findTaskLogOfAttempt,
  linkTaskLog,
  listTaskLogsOfTask,
  setTaskLogAgent,
  setTaskLogState,
  type TaskLog,
  type TaskLogOfAttempt,
} from '../../db/tasklogs/task-log.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { RegisterTaskLogBody, UpdateTaskLogBody } from '../../api/schemas/task-logs.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { agentApiUrl } from './agent-api-url.js';
import { checkLogIdentifier } from './log-identifier.js';
import type { StoredLog, TaskLogStore } from './task-log-store.js';

export interface TaskAttempt {
  /** An id, or a title (a segment of only digits is an id). */
  job: number | string;
  task: number;
  attempt: number;
}

/** Where a log file is: here, on its agent, or nowhere reachable. */
export type LogFileLocation =
  | { kind: 'stored'; stored: StoredLog }
  | { kind: 'agent'; url: string }
  | { kind: 'missing'; reason: string };

/** The task of the URL; NotFoundError when it does not exist or belongs to another job. */
export async function getTaskOfJob(db: Kysely<Database>, ref: TaskAttempt): Promise<Task> {
  const task = await findTask(db, ref.task);
  if (task) {
    if (typeof ref.job === 'number') {
      if (task.jobId === ref.job) return task;
    } else if ((await findJob(db, task.jobId))?.title === ref.job) {
      return task;
    }
  }
  throw new NotFoundError('task', ref.task, `task ${ref.task} of job ${JSON.stringify(ref.job)} not found`);
}

export async function listLogsOfAttempt(ctx: MasterContext, ref: TaskAttempt): Promise<TaskLogOfAttempt[]> {
  const task = await getTaskOfJob(ctx.db, ref);
  return listTaskLogsOfTask(ctx.db, task.id, ref.attempt);
}

/** The log as linked to this attempt; NotFoundError for an unknown task or log, or a log not linked here. */
export async function getLogOfAttempt(
  db: Kysely<Database>,
  ref: TaskAttempt,
  identifier: string,
): Promise<{ task: Task; log: TaskLogOfAttempt }> {
  checkLogIdentifier(identifier, 'log');
  const task = await getTaskOfJob(db, ref);
  const log = await findTaskLogOfAttempt(db, task.id, ref.attempt, identifier);
  if (!log) {
    throw new NotFoundError(
      'task log',
      identifier,
      `log ${JSON.stringify(identifier)} is not registered for task ${task.id} attempt ${ref.attempt}`,
    );
  }
  return { task, log };
}

/**
 * Registers a log for a task attempt: the log is created unless a log of that identifier exists (one
 * log may record a batch of tasks). ConflictError when this attempt already has it.
 */
export async function registerTaskLog(
  ctx: MasterContext,
  principal: Principal,
  ref: TaskAttempt,
  body: RegisterTaskLogBody,
): Promise<TaskLog> {
  const identifier = checkLogIdentifier(body.identifier);
  return transaction(ctx.db, async (trx) => {
    const task = await getTaskOfJob(trx, ref);
    let agentId = body.agent_id === undefined ? null : body.agent_id;
    if (speaksOnlyForOwnAgents(principal)) {
      if (!(await isOwnAgent(trx, principal, task.agentId))) {
        throw new ForbiddenError(`task ${task.id} is not assigned to an agent of this token`);
      }
      if (body.agent_id === undefined) agentId = task.agentId;
      else if (body.agent_id !== null) await assertOwnAgent(trx, principal, body.agent_id);
    }
    let log = await findTaskLog(trx, identifier);
    if (log) {
      if (speaksOnlyForOwnAgents(principal) && log.agentId !== null) {
        await assertOwnAgent(trx, principal, log.agentId);
      }
      if (await findTaskLogOfAttempt(trx, task.id, ref.attempt, identifier)) {
        throw new ConflictError(
          `log ${JSON.stringify(identifier)} is already registered for task ${task.id} attempt ${ref.attempt}`,
          { entity: 'task log' },
        );
      }
    } else {
      if (agentId !== null && !(await findAgent(trx, agentId))) throw new NotFoundError('agent', agentId);
      log = await createTaskLog(trx, { identifier, agentId }, { now: ctx.clock.now() });
    }
    await linkTaskLog(trx, { taskLogId: log.id, taskId: task.id, attempt: ref.attempt });
    return log;
  });
}

/** Changes the state recorded for this attempt and/or the log's agent. */
export async function updateTaskLog(
  ctx: MasterContext,
  principal: Principal,
  ref: TaskAttempt,
  identifier: string,
  body: UpdateTaskLogBody,
): Promise<TaskLog> {
  for (const fixed of ['identifier', 'created_on'] as const) {
    if (body[fixed] !== undefined) {
      throw new ValidationError(`${fixed}: cannot be changed`, { field: fixed, value: body[fixed] });
    }
  }
  return transaction(ctx.db, async (trx) => {
    const { task, log } = await getLogOfAttempt(trx, ref, identifier);
    await assertMayWriteLog(trx, principal, task, log);
    if (body.state !== undefined) {
      const state =
        body.state === null || body.state === 'queued' ? null : WorkState.parse(body.state, 'state');
      await setTaskLogState(trx, { taskLogId: log.id, taskId: task.id, attempt: ref.attempt }, state);
    }
    if (body.agent_id !== undefined) {
      if (body.agent_id !== null) {
        if (speaksOnlyForOwnAgents(principal)) await assertOwnAgent(trx, principal, body.agent_id);
        else if (!(await findAgent(trx, body.agent_id))) throw new NotFoundError('agent', body.agent_id);
      }
      return setTaskLogAgent(trx, log.id, body.agent_id);
    }
    return log;
  });
}

/** Stores the uploaded CSV as the log's file. */
export async function uploadLogFile(
  ctx: MasterContext,
  store: TaskLogStore,
  principal: Principal,
  ref: TaskAttempt,
  identifier: string,
  body: Readable,
): Promise<void> {
  const { task, log } = await getLogOfAttempt(ctx.db, ref, identifier);
  await assertMayWriteLog(ctx.db, principal, task, log);
  await store.write(log.identifier, body);
}

/** The stored file, else the agent that holds it (PyFarm redirected there), else why there is none. */
export async function locateLogFile(
  ctx: MasterContext,
  store: TaskLogStore,
  ref: TaskAttempt,
  identifier: string,
): Promise<LogFileLocation> {
  const { log } = await getLogOfAttempt(ctx.db, ref, identifier);
  const stored = await store.open(log.identifier);
  if (stored) return { kind: 'stored', stored };
  if (log.agentId === null) return { kind: 'missing', reason: 'was never uploaded and has no agent' };
  const agent = await findAgent(ctx.db, log.agentId);
  const base = agent && agentApiUrl(ctx.config.agent_api_url_template, agent);
  if (!base)
    return { kind: 'missing', reason: `was never uploaded and its agent ${log.agentId} is unreachable` };
  return { kind: 'agent', url: `${base}/task_logs/${encodeURIComponent(log.identifier)}` };
}

/** Callers holding the agent role but no role that may act for others. */
function speaksOnlyForOwnAgents(principal: Principal): boolean {
  return principal.roles.has('agent') && !principal.roles.has('admin') && !principal.roles.has('wrangler');
}

async function isOwnAgent(
  db: Kysely<Database>,
  principal: Principal,
  agentId: string | null,
): Promise<boolean> {
  if (agentId === null || principal.tokenId === null) return false;
  const agent = await findAgent(db, agentId);
  return agent !== undefined && agent.tokenId === principal.tokenId;
}

async function assertOwnAgent(db: Kysely<Database>, principal: Principal, agentId: string): Promise<void> {
  if (!(await findAgent(db, agentId))) throw new NotFoundError('agent', agentId);
  if (!(await isOwnAgent(db, principal, agentId))) {
    throw new ForbiddenError(`agent ${agentId} was not registered with this token`);
  }
}

async function assertMayWriteLog(
  db: Kysely<Database>,
  principal: Principal,
  task: Task,
  log: TaskLog,
): Promise<void> {
  if (!speaksOnlyForOwnAgents(principal)) return;
  if ((await isOwnAgent(db, principal, log.agentId)) || (await isOwnAgent(db, principal, task.agentId)))
    return;
  throw new ForbiddenError(`log ${JSON.stringify(log.identifier)} belongs to an agent of another token`);
}
