/**
 * Queries over the tasks of one job that the jobs API needs: a page of tasks in frame order, the frames
 * alone (re-framing 100,000 tasks without loading whole rows), and the ids of tasks in given states
 * (reruns). All of them walk the index tasks(job_id, frame, tile) or tasks(job_id, state, agent_id).
 */
import type { Kysely } from 'kysely';
import type { WorkStateValue } from '../../core/enums.js';
import type { Database } from '../database.js';
import { listTasks, toTask, type Task } from './task.repository.js';

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

export async function findTaskContext(
  db: Kysely<Database>,
  taskId: number,
): Promise<TaskContext | undefined> {
  const row = await db
    .selectFrom('tasks')
    .innerJoin('jobs', 'jobs.id', 'tasks.job_id')
    .innerJoin('jobtype_versions', 'jobtype_versions.id', 'jobs.jobtype_version_id')
    .leftJoin('agents', 'agents.id', 'tasks.agent_id')
    .selectAll('tasks')
    .select([
      'jobs.title as job_title',
      'jobs.user_id as job_user_id',
      'jobs.job_queue_id as job_queue_id',
      'jobs.requeue as job_requeue',
      'jobtype_versions.no_automatic_start_time as no_automatic_start_time',
      'agents.hostname as agent_hostname',
      'agents.remote_ip as agent_remote_ip',
      'agents.port as agent_port',
      'agents.token_id as agent_token_id',
    ])
    .where('tasks.id', '=', taskId)
    .executeTakeFirst();
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
