/**
 * Queries over the tasks of one job that the jobs API needs: a page of tasks in frame order, the frames
 * alone (re-framing 100,000 tasks without loading whole rows), and the ids of tasks in given states
 * (reruns). All of them walk the index tasks(job_id, frame, tile) or tasks(job_id, state, agent_id).
 */
import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { WorkStateValue } from '../../core/enums.js';
import type { Database, TasksTable } from '../database.js';
import { preparedQuery } from '../prepared-query.js';
import { dialectOf } from '../dialect-name.js';
import { listTasks, lockTaskAndJob, toTask, type Task } from './task.repository.js';

/** A task with what a report on it needs to know about its job and its agent, read in one statement. */
export interface TaskContext {
  readonly task: Task;
  readonly job: {
    readonly id: number;
    readonly title: string;
    readonly userId: number | null;
    readonly jobQueueId: number | null;
    /** 0 = never retry, -1 = retry forever. */
    readonly requeue: number;
    readonly noAutomaticStartTime: boolean;
  };
  /** The agent holding the task, if any. */
  readonly agent:
    | {
        readonly id: string;
        readonly hostname: string;
        readonly remoteIp: string | null;
        readonly port: number;
        readonly tokenId: number | null;
      }
    | undefined;
}

interface TaskContextRow extends Selectable<TasksTable> {
  job_title: string;
  job_user_id: number | null;
  job_queue_id: number | null;
  job_requeue: number;
  no_automatic_start_time: boolean;
  agent_hostname: string | null;
  agent_remote_ip: string | null;
  agent_port: number | null;
  agent_token_id: number | null;
}

const selectTaskContext = preparedQuery((db: Kysely<Database>, taskId: number) =>
  taskContextQuery(taskId, sql``).compile(db),
);

// PostgreSQL locks the rows of the tables named after OF once the join has produced them, in the order of
// FROM (the task, then its job) — the order lockTaskAndJob takes them in — and answers with their
// current values: locking and reading the context is one round trip instead of two.
const selectTaskContextForUpdate = preparedQuery((db: Kysely<Database>, taskId: number) =>
  taskContextQuery(taskId, sql`for update of ${sql.table('tasks')}, ${sql.table('jobs')}`).compile(db),
);

function taskContextQuery(taskId: number, locking: RawBuilder<unknown>): RawBuilder<TaskContextRow> {
  const t = (column: string) => sql.ref(column);
  return sql<TaskContextRow>`
    select ${sql.table('tasks')}.*,
      ${t('jobs.title')} as job_title, ${t('jobs.user_id')} as job_user_id,
      ${t('jobs.job_queue_id')} as job_queue_id, ${t('jobs.requeue')} as job_requeue,
      ${t('jobtype_versions.no_automatic_start_time')} as no_automatic_start_time,
      ${t('agents.hostname')} as agent_hostname, ${t('agents.remote_ip')} as agent_remote_ip,
      ${t('agents.port')} as agent_port, ${t('agents.token_id')} as agent_token_id
    from ${sql.table('tasks')}
    inner join ${sql.table('jobs')} on ${t('jobs.id')} = ${t('tasks.job_id')}
    inner join ${sql.table('jobtype_versions')} on ${t('jobtype_versions.id')} = ${t('jobs.jobtype_version_id')}
    left join ${sql.table('agents')} on ${t('agents.id')} = ${t('tasks.agent_id')}
    where ${t('tasks.id')} = ${taskId}
    ${locking}`;
}

/**
 * Every agent report reads this first, so it is written as one SQL template (Kysely's builder took three
 * times as long to assemble these joins as the database took to answer them) and compiled once.
 */
export async function findTaskContext(
  db: Kysely<Database>,
  taskId: number,
): Promise<TaskContext | undefined> {
  return taskContextOf((await selectTaskContext(db, taskId))[0]);
}

/**
 * The task context read after locking the task and its job for the rest of the transaction (see
 * lockTaskAndJob): what is read is current and stays so until the commit.
 */
export async function lockTaskContext(
  db: Kysely<Database>,
  taskId: number,
): Promise<TaskContext | undefined> {
  if (dialectOf(db as Kysely<unknown>) === 'postgres') {
    return taskContextOf((await selectTaskContextForUpdate(db, taskId))[0]);
  }
  await lockTaskAndJob(db, taskId);
  return findTaskContext(db, taskId);
}

function taskContextOf(row: TaskContextRow | undefined): TaskContext | undefined {
  if (!row) return undefined;
  const {
    job_title,
    job_user_id,
    job_queue_id,
    job_requeue,
    no_automatic_start_time,
    agent_hostname,
    agent_remote_ip,
    agent_port,
    agent_token_id,
    ...task
  } = row;
  return {
    task: toTask(task),
    job: {
      id: task.job_id,
      title: job_title,
      userId: job_user_id,
      jobQueueId: job_queue_id,
      requeue: job_requeue,
      noAutomaticStartTime: no_automatic_start_time,
    },
    agent:
      task.agent_id === null || agent_hostname === null || agent_port === null
        ? undefined
        : {
            id: task.agent_id,
            hostname: agent_hostname,
            remoteIp: agent_remote_ip,
            port: agent_port,
            tokenId: agent_token_id,
          },
  };
}

export interface TaskPage {
  limit: number;
  offset: number;
}

/** The job's tasks by frame, then tile; one page of them when `page` is given. */
export async function listTasksOfJob(db: Kysely<Database>, jobId: number, page?: TaskPage): Promise<Task[]> {
  if (page === undefined) return listTasks(db, { jobId });
  const rows = await db
    .selectFrom('tasks')
    .select('id')
    .where('job_id', '=', jobId)
    .orderBy('frame')
    .orderBy('tile')
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return listTasks(db, { ids: rows.map((row) => row.id) });
}

export async function countTasksOfJob(db: Kysely<Database>, jobId: number): Promise<number> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => eb.fn.countAll<number | string | bigint>().as('count'))
    .where('job_id', '=', jobId)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The frame and tile of every task of a job. */
export async function listTaskFrames(
  db: Kysely<Database>,
  jobId: number,
): Promise<{ id: number; frame: number; tile: number | null }[]> {
  return db
    .selectFrom('tasks')
    .select(['id', 'frame', 'tile'])
    .where('job_id', '=', jobId)
    .orderBy('frame')
    .orderBy('tile')
    .orderBy('id')
    .execute();
}

/** Ids of a job's tasks in the given states (null = queued or assigned). */
export async function listTaskIdsOfJob(
  db: Kysely<Database>,
  jobId: number,
  states: readonly (WorkStateValue | null)[],
): Promise<number[]> {
  const stored = states.filter((s): s is WorkStateValue => s !== null);
  const open = states.includes(null);
  if (stored.length === 0 && !open) return [];
  const rows = await db
    .selectFrom('tasks')
    .select('id')
    .where('job_id', '=', jobId)
    .where((eb) =>
      eb.or([
        ...(stored.length > 0 ? [eb('state', 'in', stored)] : []),
        ...(open ? [eb('state', 'is', null)] : []),
      ]),
    )
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}
