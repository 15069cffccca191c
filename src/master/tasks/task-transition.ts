/**
 * PyFarm's task state hooks (spec §2 "tasks"), as a pure function from (task, job facts, requested change,
 * now) to the values to store. Drover does the intended thing where PyFarm had bugs:
 * - `requeue` -1 means "retry forever" (PyFarm never retried it);
 * - the failure count, the blacklist and the requeue rule fire only on a real change to FAILED, and the
 *   agent's last success only on a real change to DONE, so a repeated (e.g. replayed) report of the same
 *   state changes nothing.
 *
 * Order of the hooks, as in PyFarm: DONE clears last_error; start/finish times; a real change to FAILED
 * counts a failure and blacklists the agent; DONE sets progress 1 and the agent's last success; last, a
 * failure within the retry budget sends the task back to the queue (agent and state cleared).
 * Assigning a task to a different agent counts an attempt.
 */
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Millis } from '../../db/database.js';
import type { Task, TaskFields } from '../../db/tasks/task.repository.js';
import type { TaskEventKind } from '../statistics/task-event-recorder.js';

const { RUNNING, PAUSED, DONE, FAILED } = WorkState.values;

export interface TaskChange {
  /** null sends the task back to the queue. */
  state?: WorkStateValue | null;
  agentId?: string | null;
  progress?: number;
  lastError?: string | null;
  /** Agents send "now" after the process started. */
  timeStarted?: Millis | 'now' | null;
  priority?: number;
  hidden?: boolean;
}

/** What the hooks need to know about the task's job. */
export interface TaskJobFacts {
  /** 0 = never retry, -1 = retry forever, N = N retries. */
  requeue: number;
  /** The job type version sets its own start times. */
  noAutomaticStartTime: boolean;
}

export interface TaskTransition {
  patch: TaskFields;
  /** The agent to blacklist for this task (a real change to FAILED while it held the task). */
  failedOnAgent: string | null;
  /** The agent whose last_success_on becomes now. */
  succeededOnAgent: string | null;
  /** The stored state differs from the old one (after the requeue rule). */
  stateChanged: boolean;
  /** The task failed and went back to the queue for another try. */
  requeued: boolean;
  events: TaskEventKind[];
}

export function planTaskTransition(
  task: Task,
  job: TaskJobFacts,
  change: TaskChange,
  now: Millis,
): TaskTransition {
  const patch: TaskFields = {};
  const events: TaskEventKind[] = [];
  let failedOnAgent: string | null = null;
  let succeededOnAgent: string | null = null;
  let requeued = false;

  if (change.priority !== undefined) patch.priority = change.priority;
  if (change.hidden !== undefined) patch.hidden = change.hidden;
  if (change.progress !== undefined) patch.progress = change.progress;
  if (change.lastError !== undefined) patch.lastError = change.lastError;

  let agentId = task.agentId;
  if (change.agentId !== undefined) {
    agentId = change.agentId;
    patch.agentId = agentId;
    if (agentId !== null && agentId !== task.agentId) patch.attempts = task.attempts + 1;
  }

  let state = task.state;
  if (change.state !== undefined) {
    state = change.state;
    patch.state = state;
    const realChange = state !== task.state;
    if (state === DONE) patch.lastError = null;

    if (
      state === RUNNING &&
      ((task.state !== RUNNING && task.state !== PAUSED) || task.timeStarted === null)
    ) {
      if (!job.noAutomaticStartTime) {
        patch.timeStarted = now;
        patch.timeFinished = null;
      }
    }
    if ((state === DONE || state === FAILED) && task.timeFinished === null) patch.timeFinished = now;

    if (state === FAILED && realChange) {
      const failures = task.failures + 1;
      patch.failures = failures;
      failedOnAgent = agentId;
      events.push('failed');
      if (job.requeue === -1 || failures <= job.requeue) {
        patch.agentId = null;
        patch.state = null;
        state = null;
        requeued = true;
      }
    }
    if (state === DONE) {
      patch.progress = 1;
      if (realChange) {
        succeededOnAgent = agentId;
        events.push('done');
      }
    }
    if (state === RUNNING && realChange) events.push('started');
    if (state === null && realChange && !requeued) events.push('restarted');
  }

  if (change.timeStarted !== undefined) {
    const started = change.timeStarted === 'now' ? now : change.timeStarted;
    patch.timeStarted = started;
    const finished = state === DONE || state === FAILED;
    if (!finished || started === null) patch.timeFinished = null;
    else patch.timeFinished = Math.max(patch.timeFinished ?? task.timeFinished ?? now, started);
  }

  return { patch, failedOnAgent, succeededOnAgent, stateChanged: state !== task.state, requeued, events };
}
