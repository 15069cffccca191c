/**
 * Task reports (POST /jobs/<j>/tasks/<t>): how agents tell the master about state, progress and start
 * time, and how wranglers adjust a task. Every change goes through `applyTaskChange` (PyFarm's hooks and
 * the job state), in one transaction; events and statistics follow the commit.
 *
 * Who may say what:
 * - an agent token reports only on tasks held by an agent it registered (agents.token_id), and may set
 *   state, progress, last_error, time_started ("now") and hand the task back (`agent_id: null`);
 * - an artist may change priority and hidden of tasks of their own jobs;
 * - wranglers and admins may change anything, including assigning an agent.
 * The task must belong to the job named in the URL (PyFarm ignored the job, §11.14).
 *
 * A repeated identical report changes nothing and answers 200 (agents replay their journal after a
 * restart). Progress other than 1 on a task that is (or becomes) done is a 400, as in PyFarm.
 */
import type { UpdateTaskBody } from '../../api/schemas/tasks.js';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import type { Job } from '../../db/jobs/job.repository.js';
import { findTask, type Task } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { mayChangeAnyJob, ownsJob } from '../jobs/job-access.js';
import { getJobByKey } from '../jobs/job-lookup.js';
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

/** The job of the URL and one of its tasks; 404 when the task belongs to another job. */
export async function getJobTask(
  db: Kysely<Database>,
  segment: string,
  taskId: number,
): Promise<{ job: Job; task: Task }> {
  const job = await getJobByKey(db, segment);
  const task = await findTask(db, taskId);
  if (!task || task.jobId !== job.id) {
    throw new NotFoundError('task', taskId, `job ${job.id} has no task ${taskId}`);
  }
  return { job, task };
}

/** Whether the principal speaks for the agent (an agent token that registered it). */
export async function speaksForAgent(
  db: Kysely<Database>,
  principal: Principal,
  agentId: string | null,
): Promise<boolean> {
  if (agentId === null || principal.tokenId === null || !principal.roles.has('agent')) return false;
  const agent = await findAgent(db, agentId);
  return agent !== undefined && agent.tokenId === principal.tokenId;
}

export async function reportTask(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  taskId: number,
  body: UpdateTaskBody,
): Promise<{ job: Job; task: Task }> {
  const change = taskChangeOf(body);
  const now = ctx.clock.now();
  const outcome = await transaction(ctx.db, async (trx) => {
    const { job, task } = await getJobTask(trx, segment, taskId);
    await authorise(trx, principal, job, task, body);
    const finalState = change.state === undefined ? task.state : change.state;
    if (finalState === WorkState.values.DONE && body.progress !== undefined && body.progress !== 1) {
      throw new ValidationError(`progress: a done task has progress 1 (got ${body.progress})`, {
        field: 'progress',
        value: body.progress,
      });
    }
    const applied = await applyTaskChange(trx, task.id, change, { now, limits: ctx.limits, task });
    return { job, applied };
  });
  const { job, applied } = outcome;
  const changed = Object.keys(applied.transition.patch).length > 0;
  for (const kind of applied.events) ctx.taskEvents.record(applied.jobQueueId, kind);
  if (changed) {
    ctx.events.emit({ type: 'task.changed', jobId: job.id, taskId, agentId: applied.before.agentId });
  }
  const jobChange = applied.job;
  if (jobChange && jobChange.after.state !== jobChange.before.state) {
    ctx.events.emit({ type: 'job.changed', jobId: job.id });
  }
  return { job: jobChange?.after ?? job, task: applied.after };
}

function taskChangeOf(body: UpdateTaskBody): TaskChange {
  const change: TaskChange = {};
  if (body.state !== undefined) change.state = storedState(body.state);
  if (body.progress !== undefined) change.progress = body.progress;
  if (body.last_error !== undefined) change.lastError = body.last_error;
  if (body.time_started !== undefined) change.timeStarted = 'now';
  if (body.agent_id !== undefined) change.agentId = body.agent_id?.toLowerCase() ?? null;
  if (body.priority !== undefined) change.priority = body.priority;
  if (body.hidden !== undefined) change.hidden = body.hidden;
  return change;
}

/** "queued" is stored as NULL; the other names and PyFarm's integers map to WorkState values. */
function storedState(state: NonNullable<UpdateTaskBody['state']>): WorkStateValue | null {
  return state === 'queued' ? null : WorkState.parse(state, 'state');
}

async function authorise(
  db: Kysely<Database>,
  principal: Principal,
  job: Job,
  task: Task,
  body: UpdateTaskBody,
): Promise<void> {
  if (mayChangeAnyJob(principal)) return;
  const allowed = new Set<string>();
  if (ownsJob(principal, job)) OWNER_FIELDS.forEach((f) => allowed.add(f));
  if (await speaksForAgent(db, principal, task.agentId)) AGENT_FIELDS.forEach((f) => allowed.add(f));
  const keys = Object.keys(body);
  const refused = keys.filter((key) => !allowed.has(key));
  if (allowed.size === 0) {
    throw new ForbiddenError(
      principal.roles.has('agent')
        ? `task ${task.id} is not held by an agent registered with this token`
        : `task ${task.id} belongs to a job of another user`,
    );
  }
  if (refused.length > 0) {
    throw new ForbiddenError(`you may not set ${refused.join(', ')} on task ${task.id}`);
  }
  if (body.agent_id !== undefined && body.agent_id !== null) {
    throw new ForbiddenError(
      'agent_id: only wranglers assign tasks to agents; agents hand tasks back with null',
    );
  }
}
