/**
 * Stopping tasks on agents (`DELETE <agent api>/tasks/<id>`, spec §3 stop_task): for paused and deleted
 * jobs, and for tasks an agent runs that the record gives to someone else. 200/202/204/404 all mean the
 * agent no longer runs it. Best effort with a few retries: an agent that cannot be reached is handled by
 * the agent monitor, and a task report for a task that moved on is refused by the API.
 */
import type { Logger } from '../../core/logging.js';
import { AgentUnreachableError, type AgentClient, type AgentAddress } from './agent-client.js';

export interface TaskStopperOptions {
  client: AgentClient;
  log: Logger;
  retries: number;
  retryDelayMs: number;
}

export class TaskStopper {
  constructor(private readonly options: TaskStopperOptions) {}

  /** Resolves to the ids the agent confirmed it no longer runs. */
  async stop(agent: AgentAddress, taskIds: readonly number[]): Promise<number[]> {
    const stopped: number[] = [];
    for (const id of taskIds) if (await this.stopOne(agent, id)) stopped.push(id);
    return stopped;
  }

  private async stopOne(agent: AgentAddress, taskId: number): Promise<boolean> {
    const { client, log, retries, retryDelayMs } = this.options;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * attempt));
      try {
        const { status } = await client.call(agent, 'DELETE', `/tasks/${taskId}`);
        if ([200, 202, 204, 404].includes(status)) return true;
        if (status < 500) {
          log.warn({ agentId: agent.id, taskId, status }, 'agent refused to stop a task');
          return false;
        }
      } catch (err) {
        if (!(err instanceof AgentUnreachableError)) throw err;
      }
    }
    log.warn({ agentId: agent.id, taskId }, 'could not stop a task on its agent');
    return false;
  }
}
