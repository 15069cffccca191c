/**
 * What happens to jobs outside the scheduling decisions (spec §3):
 * - deleting a job marked for deletion: its running tasks are stopped on their agents first, then the job
 *   and everything hanging off it goes (its group too when it was the last job), the deletion mail is sent
 *   and the deleted tasks are counted in the statistics;
 * - stopping a paused job: its tasks are stopped on their agents and handed back to the queue (agent and
 *   state cleared), so they run again after the job is resumed.
 */
import { UseAgentAddress, WorkState } from '../../core/enums.js';

const { PAUSED, DONE, FAILED } = WorkState.values;
import { deleteJob } from '../../db/jobs/job.repository.js';
import { listAgentAddresses } from '../../db/scheduling/assignment-payload.repository.js';
import { listHeldTasksOfJob } from '../../db/scheduling/lifecycle.repository.js';
import { transaction } from '../../db/transaction.js';
import type { FarmWriter } from '../agents-monitor/agent-loss.service.js';
import type { AgentAddress } from '../dispatch/agent-client.js';
import type { TaskStopper } from '../dispatch/task-stopper.js';
import { applyTaskChange } from '../tasks/task-state.service.js';
import type { TaskEventKind } from '../statistics/task-event-recorder.js';
import type { Notifier } from './notifier.js';

export class JobActions {
  constructor(
    private readonly ctx: FarmWriter,
    private readonly stopper: TaskStopper,
    private readonly notifier: Notifier,
  ) {}

  /** Deletes a job marked for deletion. False when it is gone or no longer marked. */
  async deleteMarkedJob(jobId: number): Promise<boolean> {
    const { db, log } = this.ctx;
    const marked = await db
      .selectFrom('jobs')
      .select(['to_be_deleted', 'job_queue_id'])
      .where('id', '=', jobId)
      .executeTakeFirst();
    if (!marked?.to_be_deleted) return false;
    await this.stopOnAgents(jobId);
    const mail = await this.notifier.prepareDeletion(jobId).catch((err: unknown) => {
      log.error({ err, jobId }, 'deletion mail not prepared');
      return undefined;
    });
    const tasks = await db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('job_id', '=', jobId)
      .executeTakeFirst();
    if (!(await deleteJob(db, jobId))) return false;
    log.info({ jobId }, 'job deleted');
    this.ctx.taskEvents.record(marked.job_queue_id, 'deleted', Number(tasks?.n ?? 0));
    // Its tasks were stopped on their agents above.
    this.ctx.events.emit({ type: 'job.deleted', jobId, heldTasks: [] });
    if (mail)
      await this.notifier
        .send(mail)
        .catch((err: unknown) => log.error({ err, jobId }, 'deletion mail not sent'));
    return true;
  }

  /** Stops a paused job's tasks on their agents and queues them again. Returns how many. */
  async stopPausedJob(jobId: number): Promise<number> {
    const held = await this.stopOnAgents(jobId);
    if (held.length === 0) return 0;
    const now = this.ctx.clock.now();
    const changed = await transaction(this.ctx.db, async (trx) => {
      const changed: { taskId: number; agentId: string; queueId: number | null; kinds: TaskEventKind[] }[] =
        [];
      const lock = this.ctx.dialect !== 'sqlite';
      // Locking reads: on MySQL they also keep the transaction's snapshot from being taken too early.
      let jobQuery = trx.selectFrom('jobs').select('state').where('id', '=', jobId);
      if (lock) jobQuery = jobQuery.forUpdate();
      // Resumed meanwhile: its tasks keep running.
      if ((await jobQuery.executeTakeFirst())?.state !== PAUSED) return changed;
      for (const task of held) {
        let taskQuery = trx.selectFrom('tasks').select(['state', 'agent_id']).where('id', '=', task.id);
        if (lock) taskQuery = taskQuery.forUpdate();
        const current = await taskQuery.executeTakeFirst();
        // Finished or moved on since it was read: nothing to take back.
        if (
          !current ||
          current.agent_id !== task.agentId ||
          current.state === DONE ||
          current.state === FAILED
        )
          continue;
        const applied = await applyTaskChange(
          trx,
          task.id,
          { agentId: null, state: null },
          // The job and the task are locked above, in that order.
          { now, limits: this.ctx.limits, locked: true },
        );
        changed.push({
          taskId: task.id,
          agentId: task.agentId,
          queueId: applied.jobQueueId,
          kinds: applied.events,
        });
      }
      return changed;
    });
    for (const change of changed) {
      for (const kind of change.kinds) this.ctx.taskEvents.record(change.queueId, kind);
      this.ctx.events.emit({ type: 'task.changed', jobId, taskId: change.taskId, agentId: change.agentId });
    }
    return changed.length;
  }

  /** Asks the agents holding the job's unfinished tasks to stop them; returns those tasks. */
  private async stopOnAgents(jobId: number) {
    const held = await listHeldTasksOfJob(this.ctx.db, jobId);
    await this.stopHeldTasks(held.map((task) => ({ taskId: task.id, agentId: task.agentId })));
    return held;
  }

  /** Tells each agent to stop the given tasks of its own (passive agents learn it from their next poll). */
  async stopHeldTasks(held: readonly { taskId: number; agentId: string }[]): Promise<void> {
    const byAgent = new Map<string, number[]>();
    for (const task of held) byAgent.set(task.agentId, [...(byAgent.get(task.agentId) ?? []), task.taskId]);
    const addresses = await listAgentAddresses(this.ctx.db, [...byAgent.keys()]);
    await Promise.all(
      [...byAgent].map(async ([agentId, taskIds]) => {
        const agent = addresses.get(agentId);
        if (!agent || agent.useAddress === UseAgentAddress.values.PASSIVE) return;
        await this.stopper.stop(
          { ...agent, useAddress: agent.useAddress as AgentAddress['useAddress'] },
          taskIds,
        );
      }),
    );
  }
}
