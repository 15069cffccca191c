/**
 * Queries over the tasks of one job that the jobs API needs: a page of tasks in frame order, the frames
 * alone (re-framing 100,000 tasks without loading whole rows), and the ids of tasks in given states
 * (reruns). All of them walk the index tasks(job_id, frame, tile) or tasks(job_id, state, agent_id).
 */
import type { Kysely } from 'kysely';
import type { WorkStateValue } from '../../core/enums.js';
import type { Database } from '../database.js';
import { listTasks, type Task } from './task.repository.js';

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
