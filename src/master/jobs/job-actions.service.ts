/**
 * Job actions: pause, unpause, rerun, rerun failed tasks, delete. Each is one transaction; events and
 * statistics follow the commit. Rerun and delete reach the job's children recursively (a child consumes
 * its parent's output, so rerunning or deleting the parent invalidates the child).
 */
import type { Kysely } from 'kysely';
import { FINISHED_STATES, WorkState, type WorkStateValue } from '../../core/enums.js';
import { ConflictError } from '../../core/errors.js';
import type { Database, Millis } from '../../db/database.js';
import { listDescendantJobIds } from '../../db/jobs/job-associations.repository.js';
import { deleteJob, getJob, listJobs, updateJob, type Job } from '../../db/jobs/job.repository.js';
import { listTaskIdsOfJob } from '../../db/tasks/job-tasks.repository.js';
import { countTasksByState } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { resetTasksForRerun } from '../tasks/task-reset.js';
import { assertMayChangeJob } from './job-access.js';
import { getJobByKey } from './job-lookup.js';
import { refreshJobState } from './job-state.js';

const { PAUSED, DONE, FAILED } = WorkState.values;

/** PAUSED: the scheduler assigns nothing more (and stops running tasks). A finished job cannot pause. */
export async function pauseJobInTransaction(trx: Kysely<Database>, job: Job): Promise<Job> {
  if (job.state === PAUSED) return job;
  if (job.state !== null && FINISHED_STATES.includes(job.state)) {
    throw new ConflictError(`job ${job.id} is ${WorkState.name(job.state)}; only unfinished jobs pause`, {
      entity: 'job',
    });
  }
  return updateJob(trx, job.id, { state: PAUSED });
}

/** Back to the queue; the state is then derived from the tasks again. A job that is not paused is left alone. */
export async function unpauseJobInTransaction(trx: Kysely<Database>, job: Job, now: Millis): Promise<Job> {
  if (job.state !== PAUSED) return job;
  await updateJob(trx, job.id, { state: null });
  return (await refreshJobState(trx, job.id, now)).after;
}

export async function pauseJob(ctx: MasterContext, principal: Principal, segment: string): Promise<Job> {
  const job = await transaction(ctx.db, async (trx) => {
    const found = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, found);
    return pauseJobInTransaction(trx, found);
  });
  ctx.events.emit({ type: 'job.changed', jobId: job.id });
  return job;
}

export async function unpauseJob(ctx: MasterContext, principal: Principal, segment: string): Promise<Job> {
  const job = await transaction(ctx.db, async (trx) => {
    const found = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, found);
    return unpauseJobInTransaction(trx, found, ctx.clock.now());
  });
  ctx.events.emit({ type: 'job.changed', jobId: job.id });
  return job;
}

/**
 * Reruns the job and its children: every finished or paused task (or, with `failedOnly`, every failed
 * task) goes back to the queue; running and queued tasks are left alone. The completion mail may be sent
 * again. Returns the job as it is afterwards.
 */
export async function rerunJob(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  options: { failedOnly: boolean },
): Promise<Job> {
  const states: WorkStateValue[] = options.failedOnly ? [FAILED] : [DONE, FAILED, PAUSED];
  const now = ctx.clock.now();
  const { job, reruns } = await transaction(ctx.db, async (trx) => {
    const root = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, root);
    const ids = [root.id, ...(await listDescendantJobIds(trx, root.id))];
    const reruns: { jobId: number; queueId: number | null; tasks: number }[] = [];
    for (const id of ids) {
      const taskIds = await listTaskIdsOfJob(trx, id, states);
      await resetTasksForRerun(trx, taskIds, ctx.limits);
      const updated = await updateJob(trx, id, { completionNotifySent: false });
      await refreshJobState(trx, id, now);
      reruns.push({ jobId: id, queueId: updated.jobQueueId, tasks: taskIds.length });
    }
    return { job: await getJob(trx, root.id), reruns };
  });
  for (const rerun of reruns) {
    ctx.taskEvents.record(rerun.queueId, 'restarted', rerun.tasks);
    ctx.events.emit({ type: 'job.changed', jobId: rerun.jobId });
  }
  return job;
}

/**
 * Deletes the job and its children with their tasks, synchronously (spec §9). Agents still running one
 * of the tasks find it gone when they report (404); stopping them first is the scheduler's part.
 */
export async function deleteJobTree(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
): Promise<number[]> {
  const deleted = await transaction(ctx.db, async (trx) => {
    const root = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, root);
    const ids = [root.id, ...(await listDescendantJobIds(trx, root.id))];
    const jobs = await listJobs(trx, { ids });
    const counts = await countTasksByState(trx, ids);
    const held = await trx
      .selectFrom('tasks')
      .select(['id', 'job_id', 'agent_id'])
      .where('job_id', 'in', ids)
      .where('agent_id', 'is not', null)
      .where((eb) => eb.or([eb('state', 'is', null), eb('state', '=', WorkState.values.RUNNING)]))
      .execute();
    for (const id of ids) await deleteJob(trx, id);
    return jobs.map((job) => ({
      id: job.id,
      queueId: job.jobQueueId,
      tasks: counts.get(job.id)?.total ?? 0,
      heldTasks: held
        .filter((t) => t.job_id === job.id)
        .map((t) => ({ taskId: t.id, agentId: t.agent_id as string })),
    }));
  });
  for (const job of deleted) {
    ctx.taskEvents.record(job.queueId, 'deleted', job.tasks);
    ctx.events.emit({ type: 'job.deleted', jobId: job.id, heldTasks: job.heldTasks });
  }
  return deleted.map((job) => job.id);
}
