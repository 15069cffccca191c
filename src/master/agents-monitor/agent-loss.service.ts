/**
 * Losing an agent (silent past `agent_offline_timeout`, unreachable by the dispatcher or a poll): it goes
 * OFFLINE (a disabled agent stays disabled), and its unfinished tasks go back to the queue through the
 * task hooks (agent and state cleared, job state re-derived). Tasks that were assigned but never
 * delivered also get their attempt back. One transaction; events after the commit.
 */
import { AgentState, WorkState } from '../../core/enums.js';
import { listTasks } from '../../db/tasks/task.repository.js';
import { unassignUndelivered } from '../../db/scheduling/task-assignment.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import { refreshJobState } from '../jobs/job-state.js';
import { applyTaskChange } from '../tasks/task-state.service.js';
import type { TaskEventKind } from '../statistics/task-event-recorder.js';

const { OFFLINE, DISABLED } = AgentState.values;
const { RUNNING, PAUSED } = WorkState.values;

export type FarmWriter = Pick<
  MasterContext,
  'db' | 'dialect' | 'events' | 'clock' | 'limits' | 'taskEvents' | 'log'
>;

export interface AgentLoss {
  /** The agent changed state (it was not offline or disabled already). */
  wentOffline: boolean;
  requeued: number;
}

export async function markAgentLost(
  ctx: FarmWriter,
  agentId: string,
  options: { undelivered?: readonly number[]; reason: string },
): Promise<AgentLoss> {
  const now = ctx.clock.now();
  const { taskEvents, ...outcome } = await transaction(ctx.db, async (trx) => {
    const taskEvents: { jobId: number; taskId: number; queueId: number | null; kinds: TaskEventKind[] }[] =
      [];
    const agent = await trx
      .selectFrom('agents')
      .select(['id', 'state'])
      .where('id', '=', agentId)
      .executeTakeFirst();
    if (!agent) return { wentOffline: false, requeued: 0, taskEvents };
    const wentOffline = agent.state !== OFFLINE && agent.state !== DISABLED;
    if (wentOffline)
      await trx.updateTable('agents').set({ state: OFFLINE }).where('id', '=', agentId).execute();

    const undelivered = await unassignUndelivered(trx, agentId, options.undelivered ?? []);
    for (const jobId of new Set(undelivered.map((t) => t.jobId))) await refreshJobState(trx, jobId, now);
    for (const task of undelivered)
      taskEvents.push({ jobId: task.jobId, taskId: task.id, queueId: null, kinds: [] });

    const held = await listTasks(trx, { agentId, states: [null, RUNNING, PAUSED] });
    for (const task of held) {
      const applied = await applyTaskChange(
        trx,
        task.id,
        { agentId: null, state: null },
        { now, limits: ctx.limits, task },
      );
      taskEvents.push({
        jobId: task.jobId,
        taskId: task.id,
        queueId: applied.jobQueueId,
        kinds: applied.events,
      });
    }
    return { wentOffline, requeued: undelivered.length + held.length, taskEvents };
  });
  if (outcome.wentOffline || outcome.requeued > 0) {
    ctx.log.warn(
      { agentId, reason: options.reason, requeued: outcome.requeued },
      'agent lost; its tasks are queued again',
    );
  }
  if (outcome.wentOffline) ctx.events.emit({ type: 'agent.changed', agentId });
  for (const event of taskEvents) {
    for (const kind of event.kinds) ctx.taskEvents.record(event.queueId, kind);
    ctx.events.emit({ type: 'task.changed', jobId: event.jobId, taskId: event.taskId, agentId });
  }
  return outcome;
}

/** Takes back tasks an agent refused or never received (attempt undone), with the job states. */
export async function releaseUndelivered(
  ctx: FarmWriter,
  agentId: string,
  taskIds: readonly number[],
): Promise<number> {
  if (taskIds.length === 0) return 0;
  const now = ctx.clock.now();
  const released = await transaction(ctx.db, async (trx) => {
    const tasks = await unassignUndelivered(trx, agentId, taskIds);
    for (const jobId of new Set(tasks.map((t) => t.jobId))) await refreshJobState(trx, jobId, now);
    return tasks;
  });
  for (const task of released)
    ctx.events.emit({ type: 'task.changed', jobId: task.jobId, taskId: task.id, agentId });
  return released.length;
}
