/**
 * What happened since the last round, accumulated from farm events: which rows to re-read before the
 * next decisions, which agents to consider, and whether new work may have appeared. Events arriving in a
 * burst (a job of 1,000 tasks finishing frame after frame) collapse into one set, read in one query.
 */
import type { FarmEvent } from '../events/farm-events.js';

export class PendingChanges {
  tasks = new Set<number>();
  jobs = new Set<number>();
  agents = new Set<string>();
  deletedJobs = new Set<number>();
  deletedAgents = new Set<string>();
  queues = false;
  /** Rebuild the whole index (leadership gained, the periodic sweep, or after an error). */
  full = false;
  /** Agents whose situation changed: they are offered work even when nothing new appeared. */
  touchedAgents = new Set<string>();
  /** Work may have appeared (a job changed, a queue changed): every agent with room is offered work. */
  workOpened = false;

  get empty(): boolean {
    return (
      !this.full &&
      !this.queues &&
      !this.workOpened &&
      this.tasks.size === 0 &&
      this.jobs.size === 0 &&
      this.agents.size === 0 &&
      this.deletedJobs.size === 0 &&
      this.deletedAgents.size === 0 &&
      this.touchedAgents.size === 0
    );
  }

  record(event: FarmEvent): void {
    switch (event.type) {
      case 'job.changed':
        this.jobs.add(event.jobId);
        this.workOpened = true;
        break;
      case 'job.deleted':
        this.deletedJobs.add(event.jobId);
        break;
      case 'task.changed':
        this.tasks.add(event.taskId);
        if (event.agentId !== null) this.touchedAgents.add(event.agentId);
        break;
      case 'agent.changed':
        this.agents.add(event.agentId);
        this.touchedAgents.add(event.agentId);
        break;
      case 'agent.deleted':
        this.deletedAgents.add(event.agentId);
        break;
      case 'queue.changed':
        this.queues = true;
        this.workOpened = true;
        break;
    }
  }

  /** Hands over what accumulated and starts afresh. */
  take(): PendingChanges {
    const taken = new PendingChanges();
    Object.assign(taken, this);
    Object.assign(this, new PendingChanges());
    return taken;
  }
}
