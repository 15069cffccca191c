/** Tasks → wire objects: states as strings ("queued"/"assigned" for a stored NULL), ISO times. */
import { isoTime } from '../../api/schemas/common.js';
import type { TaskDetailView, TaskView } from '../../api/schemas/tasks.js';
import { taskStateName } from '../../core/enums.js';
import type { Agent } from '../../db/agents/agent.repository.js';
import type { Task } from '../../db/tasks/task.repository.js';

export function taskView(task: Task): TaskView {
  return {
    id: task.id,
    job_id: task.jobId,
    state: taskStateName(task.state, task.agentId !== null),
    priority: task.priority,
    frame: task.frame,
    tile: task.tile,
    agent_id: task.agentId,
    attempts: task.attempts,
    failures: task.failures,
    progress: task.progress,
    last_error: task.lastError,
    sent_to_agent: task.sentToAgent,
    hidden: task.hidden,
    time_submitted: isoTime(task.timeSubmitted),
    time_started: isoTime(task.timeStarted),
    time_finished: isoTime(task.timeFinished),
  };
}

/** What the task dict shows of its agent. */
export type TaskAgent = Pick<Agent, 'id' | 'hostname' | 'remoteIp' | 'port'>;

export function taskDetailView(
  task: Task,
  job: { id: number; title: string },
  agent: TaskAgent | undefined,
): TaskDetailView {
  return {
    ...taskView(task),
    job: { id: job.id, title: job.title },
    agent: agent
      ? { id: agent.id, hostname: agent.hostname, remote_ip: agent.remoteIp, port: agent.port }
      : null,
  };
}
