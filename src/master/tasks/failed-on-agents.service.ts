/**
 * The per-task blacklist over HTTP (/jobs/<x>/tasks/<t>/failed_on_agents/). Agents add themselves when a
 * task must not come back to them without failing it (e.g. not enough disk space); wranglers and the
 * job's owner may add and remove any agent. Removal really commits (PyFarm's never did, §11.14).
 */
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import { findAgent, type Agent } from '../../db/agents/agent.repository.js';
import { addTaskFailedOnAgent, removeTaskFailedOnAgent } from '../../db/tasks/failed-task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { assertMayChangeJob, mayChangeAnyJob, ownsJob } from '../jobs/job-access.js';
import { getJobTask, speaksFor } from './task-report.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function addFailedOnAgent(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  taskId: number,
  agentId: string,
): Promise<Agent> {
  const id = agentId.toLowerCase();
  const { jobId, agent } = await transaction(ctx.db, async (trx) => {
    const { job, task } = await getJobTask(trx, segment, taskId);
    const agent = await findAgent(trx, id);
    const allowed = mayChangeAnyJob(principal) || ownsJob(principal, job) || speaksFor(principal, agent);
    if (!allowed) {
      throw new ForbiddenError(
        principal.roles.has('agent')
          ? `agent ${id} was not registered with this token`
          : `task ${task.id} belongs to a job of another user`,
      );
    }
    if (!agent) throw new NotFoundError('agent', id);
    await addTaskFailedOnAgent(trx, task.id, agent.id);
    return { jobId: job.id, agent };
  });
  ctx.events.emit({ type: 'task.changed', jobId, taskId, agentId: null });
  return agent;
}

export async function deleteFailedOnAgent(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  taskId: number,
  agentId: string,
): Promise<void> {
  const jobId = await transaction(ctx.db, async (trx) => {
    const { job, task } = await getJobTask(trx, segment, taskId);
    assertMayChangeJob(principal, job);
    const agent = UUID.test(agentId) ? await findAgent(trx, agentId.toLowerCase()) : undefined;
    if (!agent) throw new NotFoundError('agent', agentId);
    await removeTaskFailedOnAgent(trx, task.id, agent.id);
    return job.id;
  });
  ctx.events.emit({ type: 'task.changed', jobId, taskId, agentId: null });
}
