/**
 * Task reports (POST /jobs/<j>/tasks/<t>): how agents tell the master about state, progress and start
 * time, and how wranglers adjust a task. Every change goes through `applyTaskChange` (PyFarm's hooks and
 * the job state), in one transaction; events and statistics follow the commit.
 *
 * Who may say what:
 * - an agent token reports only on tasks held by an agent it registered (agents.token_id), and may set
 *   state, progress, last_error, time_started and hand the task back (`agent_id: null`). A task that is no
 *   longer held by the caller's agent, or a report about an earlier `attempt`, is a 409: the agent drops the
 *   report from its journal (a 403 would make it retry forever);
 * - an artist may change priority and hidden of tasks of their own jobs;
 * - wranglers and admins may change anything, including assigning an agent.
 * The task must belong to the job named in the URL (PyFarm ignored the job, §11.14).
 *
 * A repeated identical report changes nothing and answers 200 (agents replay their journal after a
 * restart). Progress other than 1 on a task that is (or becomes) done is a 400, as in PyFarm.
 */
import type { UpdateTaskBody } from '../../api/schemas/tasks.js';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { findAgent, type Agent } from '../../db/agents/agent.repository.js';
import { findTaskContext, lockTaskContext, type TaskContext } from '../../db/tasks/job-tasks.repository.js';
import type { Task } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { mayChangeAnyJob, ownsJob } from '../jobs/job-access.js';
import { idOrName } from '../http/id-or-name.js';
import { findJobByKey } from '../jobs/job-lookup.js';
import { applyTaskChange } from './task-state.service.js';
import type { TaskChange } from './task-transition.js';

const AGENT_FIELDS: ReadonlySet<string> = new Set([
  'state',
  'progress',
  'last_error',
  'time_started',
  'agent_id',
]);
const OWNER_FIELDS: ReadonlySet<string> = new Set(['priority', 'hidden']);

/**
 * A task and its job and agent, read in one statement. The task id decides; the URL's job segment (an id
 * or a title) must name the task's job, else 404 — so a title shared by several jobs is no problem here.
 */
export async function getJobTask(
  db: Kysely<Database>,
  segment: string,
  taskId: number,
  /** Lock the task and its job for the rest of the transaction before reading (lockTaskContext). */
  options: { lock?: boolean } = {},
): Promise<TaskContext> {
  const context = await (options.lock ? lockTaskContext : findTaskContext)(db, taskId);
  const key = idOrName(segment);
  if (!context || (typeof key === 'number' ? context.job.id !== key : context.job.title !== key)) {
    if (!(await findJobByKey(db, segment))) throw new NotFoundError('job', segment);
    throw new NotFoundError('task', taskId, `job ${JSON.stringify(segment)} has no task ${taskId}`);
  }
  return context;
}

/** Whether the principal speaks for the agent: an agent token that registered it. */
export function speaksFor(principal: Principal, agent: { tokenId: number | null } | undefined): boolean {
  return (
    agent !== undefined &&
    principal.roles.has('agent') &&
    principal.tokenId !== null &&
    agent.tokenId === principal.tokenId
  );
}

export interface ReportedTask {
  job: { id: number; title: string };
  task: Task;
  /** The agent holding the task afterwards. */
  agent: Agent | TaskContext['agent'];
}

export async function reportTask(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  taskId: number,
  body: UpdateTaskBody,
): Promise<ReportedTask> {
  const change = taskChangeOf(body);
  const now = ctx.clock.now();
  const { context, applied } = await transaction(ctx.db, async (trx) => {
    // Locked, then read (one statement on PostgreSQL; nothing to lock on SQLite): what is read is then
    // current and applyTaskChange need not read the task and its job again.
    const context = await getJobTask(trx, segment, taskId, { lock: true });
    const { task, job } = context;
    authorise(principal, context, body);
    if (body.attempt !== undefined && body.attempt !== task.attempts) {
      throw new ConflictError(
        `task ${task.id} is at attempt ${task.attempts}; this report is about attempt ${body.attempt}`,
        { entity: 'task' },
      );
    }
    const finalState = change.state === undefined ? task.state : change.state;
    if (finalState === WorkState.values.DONE && body.progress !== undefined && body.progress !== 1) {
      throw new ValidationError(`progress: a done task has progress 1 (got ${body.progress})`, {
        field: 'progress',
        value: body.progress,
      });
    }
    const applied = await applyTaskChange(trx, task.id, change, {
      now,
      limits: ctx.limits,
      task,
      facts: job,
      locked: true,
    });
    return { context, applied };
  });
  const { job } = context;
  for (const kind of applied.events) ctx.taskEvents.record(applied.jobQueueId, kind);
  if (Object.keys(applied.transition.patch).length > 0) {
    ctx.events.emit({ type: 'task.changed', jobId: job.id, taskId, agentId: applied.before.agentId });
  }
  const jobChange = applied.job;
  if (jobChange && jobChange.after.state !== jobChange.before.state) {
    ctx.events.emit({ type: 'job.changed', jobId: job.id });
  }
  const agentId = applied.after.agentId;
  const agent =
    agentId === null
      ? undefined
      : agentId === context.agent?.id
        ? context.agent
        : await findAgent(ctx.db, agentId);
  return { job, task: applied.after, agent };
}

function taskChangeOf(body: UpdateTaskBody): TaskChange {
  const change: TaskChange = {};
  if (body.state !== undefined) change.state = storedState(body.state);
  if (body.progress !== undefined) change.progress = body.progress;
  if (body.last_error !== undefined) change.lastError = body.last_error;
  if (body.time_started !== undefined) change.timeStarted = startTime(body.time_started);
  if (body.agent_id !== undefined) change.agentId = body.agent_id?.toLowerCase() ?? null;
  if (body.priority !== undefined) change.priority = body.priority;
  if (body.hidden !== undefined) change.hidden = body.hidden;
  return change;
}

/** "now", or an ISO-8601 time (a journaled report delivered late carries the real start). */
function startTime(value: string): 'now' | number {
  if (value === 'now') return 'now';
  const ms = Date.parse(value);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new ValidationError(`time_started: ${JSON.stringify(value)} is not a valid time`, {
      field: 'time_started',
      value,
    });
  }
  return ms;
}

/** "queued" is stored as NULL; the other names and PyFarm's integers map to WorkState values. */
function storedState(state: NonNullable<UpdateTaskBody['state']>): WorkStateValue | null {
  return state === 'queued' ? null : WorkState.parse(state, 'state');
}

function authorise(principal: Principal, context: TaskContext, body: UpdateTaskBody): void {
  if (mayChangeAnyJob(principal)) return;
  const { job, task } = context;
  const allowed = new Set<string>();
  if (ownsJob(principal, job)) OWNER_FIELDS.forEach((f) => allowed.add(f));
  if (speaksFor(principal, context.agent)) AGENT_FIELDS.forEach((f) => allowed.add(f));
  if (allowed.size === 0) {
    if (principal.roles.has('agent')) {
      throw new ConflictError(`task ${task.id} is not held by an agent registered with this token`, {
        entity: 'task',
      });
    }
    throw new ForbiddenError(`task ${task.id} belongs to a job of another user`);
  }
  const refused = Object.keys(body).filter((key) => key !== 'attempt' && !allowed.has(key));
  if (refused.length > 0) {
    throw new ForbiddenError(`you may not set ${refused.join(', ')} on task ${task.id}`);
  }
  if (body.agent_id !== undefined && body.agent_id !== null) {
    throw new ForbiddenError(
      'agent_id: only wranglers assign tasks to agents; agents hand tasks back with null',
    );
  }
}
