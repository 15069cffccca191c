/**
 * What a write to agents set in motion, collected inside the transaction and announced only after it
 * committed (FarmEvents' invariant): farm events for the scheduler and the UI, and task event counts for the
 * statistics. A rolled-back write publishes nothing, because `publish` is never reached.
 */
import type { FarmEvent } from '../events/farm-events.js';
import type { MasterContext } from '../context.js';
import type { JobStateChange } from '../jobs/job-state.js';
import type { TaskEventKind } from '../statistics/task-event-recorder.js';
import type { AppliedTaskChange } from '../tasks/task-state.service.js';

export class Aftermath {
  private readonly events = new Map<string, FarmEvent>();
  private readonly taskEvents: { queueId: number | null; kind: TaskEventKind }[] = [];

  agentChanged(agentId: string): void {
    this.add({ type: 'agent.changed', agentId });
  }

  agentDeleted(agentId: string): void {
    this.events.delete(`agent.changed:${agentId}`);
    this.add({ type: 'agent.deleted', agentId });
  }

  jobChanged(change: JobStateChange | undefined): void {
    if (change && change.before.state !== change.after.state) {
      this.add({ type: 'job.changed', jobId: change.after.id });
    }
  }

  taskChanged(applied: AppliedTaskChange): void {
    const { before } = applied;
    this.add({ type: 'task.changed', jobId: before.jobId, taskId: before.id, agentId: before.agentId });
    this.jobChanged(applied.job);
    for (const kind of applied.events) this.taskEvents.push({ queueId: applied.jobQueueId, kind });
  }

  /** Call after the transaction committed. */
  publish(ctx: Pick<MasterContext, 'events' | 'taskEvents'>): void {
    for (const { queueId, kind } of this.taskEvents) ctx.taskEvents.record(queueId, kind);
    for (const event of this.events.values()) ctx.events.emit(event);
  }

  private add(event: FarmEvent): void {
    const key =
      event.type === 'task.changed'
        ? `${event.type}:${event.taskId}`
        : `${event.type}:${'agentId' in event ? event.agentId : 'jobId' in event ? event.jobId : event.queueId}`;
    // The first note wins: for a task it names the agent it had before this write.
    if (!this.events.has(key)) this.events.set(key, event);
  }
}
