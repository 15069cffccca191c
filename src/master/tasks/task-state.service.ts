/**
 * Applies a task change with PyFarm's hooks (./task-transition.ts) and re-derives the job's state, in the
 * caller's transaction. Everything that changes a task's state goes through here: agent reports, the
 * scheduler's assignments, reconciliation, reruns — so the counters, the blacklist and the job state stay
 * consistent whoever makes the change. Statistics events are returned for the caller to record after
 * commit.
 */
import type { Kysely } from 'kysely';
import { WorkState } from '../../core/enums.js';
import { NotFoundError } from '../../core/errors.js';
import type { Database, Millis } from '../../db/database.js';
import { addTaskFailedOnAgent } from '../../db/tasks/failed-task.repository.js';
import {
  findTask,
  lockTaskAndJob,
  updateReadTask,
  type Task,
  type TaskFields,
} from '../../db/tasks/task.repository.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { refreshJobState, type JobStateChange } from '../jobs/job-state.js';
import type { TaskEventKind } from '../statistics/task-event-recorder.js';
import {
  planTaskTransition,
  type TaskChange,
  type TaskJobFacts,
  type TaskTransition,
} from './task-transition.js';

const { RUNNING, PAUSED, FAILED } = WorkState.values;

export interface AppliedTaskChange {
  before: Task;
  after: Task;
  transition: TaskTransition;
  /** Present when the job's state was re-derived (the change could affect it). */
  job: JobStateChange | undefined;
  jobQueueId: number | null;
  events: TaskEventKind[];
}

export async function taskJobFacts(
  db: Kysely<Database>,
  jobId: number,
): Promise<TaskJobFacts & { jobQueueId: number | null }> {
  const row = await db
    .selectFrom('jobs')
    .innerJoin('jobtype_versions', 'jobtype_versions.id', 'jobs.jobtype_version_id')
    .select(['jobs.requeue', 'jobs.job_queue_id', 'jobtype_versions.no_automatic_start_time'])
    .where('jobs.id', '=', jobId)
    .executeTakeFirst();
  if (!row) throw new NotFoundError('job', jobId);
  return {
    requeue: row.requeue,
    noAutomaticStartTime: row.no_automatic_start_time,
    jobQueueId: row.job_queue_id,
  };
}

export async function applyTaskChange(
  db: Kysely<Database>,
  taskId: number,
  change: TaskChange,
  options: {
    now: Millis;
    limits: ModelLimits;
    /** The task as just read in this transaction (saves reading it again). */
    task?: Task;
    /** The job's facts as just read in this transaction. */
    facts?: TaskJobFacts & { jobQueueId: number | null };
    /** The caller took `lockTaskAndJob` before reading `task` and `facts`: they are current. */
    locked?: boolean;
  },
): Promise<AppliedTaskChange> {
  // Changes to tasks of one job are serialised on the job row, so that the job state derived at the end
  // sees the others' committed changes (two agents finishing the last two frames at once must not both
  // see the other frame unfinished and leave the job running forever).
  // What the caller read before these locks may be stale on PostgreSQL and MySQL: read it again there.
  const stale = !options.locked && (await lockTaskAndJob(db, taskId)) !== undefined;
  const before = (!stale && options.task) || (await findTask(db, taskId));
  if (!before) throw new NotFoundError('task', taskId);
  const facts = (!stale && options.facts) || (await taskJobFacts(db, before.jobId));
  const planned = planTaskTransition(before, facts, change, options.now);
  // Only what differs is written: a replayed report leaves the row (and the caller's events) untouched.
  const transition = { ...planned, patch: changedFields(before, planned.patch) };
  const after =
    Object.keys(transition.patch).length === 0
      ? before
      : await updateReadTask(db, before, transition.patch, { now: options.now, limits: options.limits });
  if (transition.failedOnAgent !== null) await addTaskFailedOnAgent(db, taskId, transition.failedOnAgent);
  if (transition.succeededOnAgent !== null) {
    await db
      .updateTable('agents')
      .set({ last_success_on: options.now })
      .where('id', '=', transition.succeededOnAgent)
      .execute();
  }
  // The job state is derived from which tasks are unfinished, failed, and held by which agent; a change
  // that leaves all of that as it was (e.g. assigned → running on the same agent) cannot change it.
  const job =
    derivationInputs(before) !== derivationInputs(after)
      ? await refreshJobState(db, before.jobId, options.now)
      : undefined;
  return { before, after, transition, job, jobQueueId: facts.jobQueueId, events: transition.events };
}

function changedFields(task: Task, patch: TaskFields): TaskFields {
  const changed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (task[key as keyof Task] !== value) changed[key] = value;
  }
  return changed as TaskFields;
}

/** What `deriveJobState` reads of one task, as a comparable key. */
function derivationInputs(task: Task): string {
  const unfinished = task.state === null || task.state === RUNNING || task.state === PAUSED;
  const held = task.agentId !== null && (task.state === null || task.state === RUNNING);
  return `${unfinished}/${task.state === FAILED}/${held ? task.agentId : ''}`;
}
