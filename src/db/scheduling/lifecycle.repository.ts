/**
 * What the job lifecycle services (deletion, autodelete, pause, completion mail, statistics) read and
 * write (spec §3 "Other tasks", §6).
 */
import { sql, type Kysely } from 'kysely';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, Millis } from '../database.js';

const { RUNNING, PAUSED, DONE, FAILED } = WorkState.values;

export interface LifecycleJobState {
  readonly id: number;
  readonly state: WorkStateValue | null;
  readonly toBeDeleted: boolean;
  readonly completionNotifySent: boolean;
}

/** The lifecycle-relevant facts of the given jobs (absent ones are gone). */
export async function listLifecycleStates(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<LifecycleJobState[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('jobs')
    .select(['id', 'state', 'to_be_deleted', 'completion_notify_sent'])
    .where('id', 'in', ids)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    state: row.state as WorkStateValue | null,
    toBeDeleted: row.to_be_deleted,
    completionNotifySent: row.completion_notify_sent,
  }));
}

export async function listJobsMarkedForDeletion(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('to_be_deleted', '=', true)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

/** Paused jobs whose tasks are still held by agents (their tasks must be stopped). */
export async function listPausedJobsWithHeldTasks(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', PAUSED)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('tasks')
          .select('tasks.id')
          .whereRef('tasks.job_id', '=', 'jobs.id')
          .where('tasks.agent_id', 'is not', null)
          .where((t) => t.or([t('tasks.state', 'is', null), t('tasks.state', 'in', [RUNNING, PAUSED])])),
      ),
    )
    .execute();
  return rows.map((row) => row.id);
}

/** Unfinished tasks of a job that an agent holds. */
export async function listHeldTasksOfJob(
  db: Kysely<Database>,
  jobId: number,
): Promise<{ id: number; agentId: string; state: WorkStateValue | null }[]> {
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'agent_id', 'state'])
    .where('job_id', '=', jobId)
    .where('agent_id', 'is not', null)
    .where((eb) => eb.or([eb('state', 'is', null), eb('state', 'in', [RUNNING, PAUSED])]))
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    agentId: row.agent_id!,
    state: row.state as WorkStateValue | null,
  }));
}

/** DONE jobs whose autodelete time has passed (spec §3 autodelete_old_jobs; FAILED jobs are kept). */
export async function listJobsDueForAutodelete(db: Kysely<Database>, now: Millis): Promise<number[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('state', '=', DONE)
    .where('to_be_deleted', '=', false)
    .where('autodelete_time', 'is not', null)
    .where('time_finished', 'is not', null)
    .where(sql<boolean>`${sql.ref('time_finished')} + ${sql.ref('autodelete_time')} * 1000 <= ${now}`)
    .execute();
  return rows.map((row) => row.id);
}

export async function markJobsForDeletion(db: Kysely<Database>, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('jobs').set({ to_be_deleted: true }).where('id', 'in', ids).execute();
}

/** Finished jobs whose completion mail has not gone out. */
export async function listUnnotifiedFinishedJobs(db: Kysely<Database>): Promise<number[]> {
  const rows = await db
    .selectFrom('jobs')
    .select('id')
    .where('state', 'in', [DONE, FAILED])
    .where('completion_notify_sent', '=', false)
    .execute();
  return rows.map((row) => row.id);
}

/**
 * Sets completion_notify_sent if it was not set and the job is still finished; false when another
 * process did it first or the job was rerun.
 */
export async function claimCompletionNotice(db: Kysely<Database>, jobId: number): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ completion_notify_sent: true })
    .where('id', '=', jobId)
    .where('completion_notify_sent', '=', false)
    .where('state', 'in', [DONE, FAILED])
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function releaseCompletionNotice(db: Kysely<Database>, jobId: number): Promise<void> {
  await db.updateTable('jobs').set({ completion_notify_sent: false }).where('id', '=', jobId).execute();
}

export interface JobMailFacts {
  readonly id: number;
  readonly title: string;
  readonly state: WorkStateValue | null;
  readonly outputLink: string | null;
  readonly timeFinished: Millis | null;
  readonly jobQueueId: number | null;
  readonly jobtype: string;
  readonly templates: {
    successSubject: string | null;
    successBody: string | null;
    failSubject: string | null;
    failBody: string | null;
  };
  readonly recipients: {
    username: string;
    email: string | null;
    onSuccess: boolean;
    onFailure: boolean;
    onDeletion: boolean;
  }[];
  /** FAILED tasks, frame descending, with the identifier and attempt of their latest log. */
  readonly failedTaskLogs: { taskId: number; attempt: number; identifier: string }[];
  readonly taskCount: number;
}

export async function findJobMailFacts(
  db: Kysely<Database>,
  jobId: number,
): Promise<JobMailFacts | undefined> {
  const job = await db
    .selectFrom('jobs')
    .innerJoin('jobtype_versions as v', 'v.id', 'jobs.jobtype_version_id')
    .innerJoin('jobtypes as t', 't.id', 'v.jobtype_id')
    .select([
      'jobs.id',
      'jobs.title',
      'jobs.state',
      'jobs.output_link',
      'jobs.time_finished',
      'jobs.job_queue_id',
      't.name',
      't.success_subject',
      't.success_body',
      't.fail_subject',
      't.fail_body',
    ])
    .where('jobs.id', '=', jobId)
    .executeTakeFirst();
  if (!job) return undefined;
  const recipients = await db
    .selectFrom('notified_users as n')
    .innerJoin('users as u', 'u.id', 'n.user_id')
    .select(['u.username', 'u.email', 'n.on_success', 'n.on_failure', 'n.on_deletion'])
    .where('n.job_id', '=', jobId)
    .orderBy('u.username')
    .execute();
  const failed = await db
    .selectFrom('tasks')
    .innerJoin('task_log_associations as a', 'a.task_id', 'tasks.id')
    .innerJoin('task_logs as l', 'l.id', 'a.task_log_id')
    .select(['tasks.id', 'tasks.frame', 'a.attempt', 'l.identifier', 'l.created_on'])
    .where('tasks.job_id', '=', jobId)
    .where('tasks.state', '=', FAILED)
    .orderBy('tasks.frame', 'desc')
    .orderBy('a.attempt', 'desc')
    .orderBy('l.created_on', 'desc')
    .execute();
  const latest = new Map<number, { taskId: number; attempt: number; identifier: string }>();
  for (const row of failed)
    if (!latest.has(row.id))
      latest.set(row.id, { taskId: row.id, attempt: row.attempt, identifier: row.identifier });
  const count = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  return {
    id: job.id,
    title: job.title,
    state: job.state as WorkStateValue | null,
    outputLink: job.output_link,
    timeFinished: job.time_finished,
    jobQueueId: job.job_queue_id,
    jobtype: job.name,
    templates: {
      successSubject: job.success_subject,
      successBody: job.success_body,
      failSubject: job.fail_subject,
      failBody: job.fail_body,
    },
    recipients: recipients.map((r) => ({
      username: r.username,
      email: r.email,
      onSuccess: r.on_success,
      onFailure: r.on_failure,
      onDeletion: r.on_deletion,
    })),
    failedTaskLogs: [...latest.values()],
    taskCount: Number(count?.n ?? 0),
  };
}

/** Task totals per queue (null = jobs without a queue) for the statistics (spec §6 count_tasks). */
export async function countTasksPerQueue(
  db: Kysely<Database>,
): Promise<{ queueId: number | null; queued: number; running: number; done: number; failed: number }[]> {
  const rows = await db
    .selectFrom('tasks')
    .innerJoin('jobs', 'jobs.id', 'tasks.job_id')
    .select((eb) => ['jobs.job_queue_id', 'tasks.state', eb.fn.countAll().as('n')])
    .groupBy(['jobs.job_queue_id', 'tasks.state'])
    .execute();
  const byQueue = new Map<
    number | null,
    { queueId: number | null; queued: number; running: number; done: number; failed: number }
  >();
  byQueue.set(null, { queueId: null, queued: 0, running: 0, done: 0, failed: 0 });
  for (const row of rows) {
    const key = row.job_queue_id;
    let entry = byQueue.get(key);
    if (!entry) {
      entry = { queueId: key, queued: 0, running: 0, done: 0, failed: 0 };
      byQueue.set(key, entry);
    }
    const n = Number(row.n);
    if (row.state === null) entry.queued += n;
    else if (row.state === RUNNING) entry.running += n;
    else if (row.state === DONE) entry.done += n;
    else if (row.state === FAILED) entry.failed += n;
  }
  return [...byQueue.values()];
}
