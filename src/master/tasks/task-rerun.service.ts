/**
 * Rerun of one task (the web UI's task rerun, POST /jobs/<x>/tasks/<t>/rerun): refused while the task
 * runs (400, as PyFarm's UI answered); otherwise the task goes back to the queue with a clean slate (see
 * ./task-reset.ts), the job may send its completion mail again and its state is derived anew.
 */
import { WorkState } from '../../core/enums.js';
import { ValidationError } from '../../core/errors.js';
import { updateJob, type Job } from '../../db/jobs/job.repository.js';
import { getTask, type Task } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { assertMayChangeJob } from '../jobs/job-access.js';
import { refreshJobState } from '../jobs/job-state.js';
import { resetTasksForRerun } from './task-reset.js';
import { getJobTask } from './task-report.service.js';

export async function rerunTask(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  taskId: number,
): Promise<{ job: Job; task: Task }> {
  const { job, before, after } = await transaction(ctx.db, async (trx) => {
    const { job, task } = await getJobTask(trx, segment, taskId);
    assertMayChangeJob(principal, job);
    if (task.state === WorkState.values.RUNNING) {
      throw new ValidationError(`task ${task.id} is running; it can be rerun once it has stopped`, {
        field: 'state',
        value: 'running',
      });
    }
    await resetTasksForRerun(trx, [task.id], ctx.limits);
    await updateJob(trx, job.id, { completionNotifySent: false });
    const refreshed = await refreshJobState(trx, job.id, ctx.clock.now());
    return { job: refreshed.after, before: task, after: await getTask(trx, task.id) };
  });
  ctx.taskEvents.record(job.jobQueueId, 'restarted');
  ctx.events.emit({ type: 'task.changed', jobId: job.id, taskId: after.id, agentId: before.agentId });
  ctx.events.emit({ type: 'job.changed', jobId: job.id });
  return { job, task: after };
}
