/**
 * PyFarm's Job.update_state (spec §2), run inside the transaction that changed the job's tasks:
 * - no unfinished task left → DONE, or FAILED if any task failed;
 * - otherwise, unless the job is paused: RUNNING while some task is held by a live agent (not offline or
 *   disabled) and is assigned or running, else queued (NULL).
 * The job's own hooks apply: becoming RUNNING (from anything but RUNNING/PAUSED, or with no start time)
 * stamps time_started and clears time_finished; becoming DONE or FAILED stamps time_finished.
 *
 * Each question is a seek on tasks(job_id, state, agent_id) that stops at the first row, so this stays
 * cheap for jobs of 100,000 tasks.
 */
import type { Kysely } from 'kysely';
import { AgentState, WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, Millis } from '../../db/database.js';
import { getJob, updateJob, type Job, type JobFields } from '../../db/jobs/job.repository.js';

const { RUNNING, PAUSED, DONE, FAILED } = WorkState.values;
const { OFFLINE, DISABLED } = AgentState.values;

export interface JobStateChange {
  before: Job;
  after: Job;
  /** The job has just become DONE or FAILED: completion mail and autodelete follow. */
  finished: boolean;
}

export async function deriveJobState(db: Kysely<Database>, job: Job): Promise<WorkStateValue | null> {
  const unfinished =
    (await hasTask(db, job.id, null)) ||
    (await hasTask(db, job.id, RUNNING)) ||
    (await hasTask(db, job.id, PAUSED));
  if (!unfinished) return (await hasTask(db, job.id, FAILED)) ? FAILED : DONE;
  if (job.state === PAUSED) return PAUSED;
  const live = (await hasLiveTask(db, job.id, null)) || (await hasLiveTask(db, job.id, RUNNING));
  return live ? RUNNING : null;
}

/**
 * Whether the job has a task in `state` (null: queued or assigned). One state per query, so that each is a
 * seek on tasks(job_id, state, agent_id) that stops at the first row; an OR of states would make SQLite
 * walk all of a job's tasks, 100,000 for a big job.
 */
async function hasTask(db: Kysely<Database>, jobId: number, state: WorkStateValue | null): Promise<boolean> {
  const row = await db
    .selectFrom('tasks')
    .select('id')
    .where('job_id', '=', jobId)
    .where('state', state === null ? 'is' : '=', state)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Whether a task of the job in `state` is held by an agent that is up (not offline or disabled). */
async function hasLiveTask(
  db: Kysely<Database>,
  jobId: number,
  state: WorkStateValue | null,
): Promise<boolean> {
  const row = await db
    .selectFrom('tasks')
    .innerJoin('agents', 'agents.id', 'tasks.agent_id')
    .select('tasks.id')
    .where('tasks.job_id', '=', jobId)
    .where('tasks.state', state === null ? 'is' : '=', state)
    .where('tasks.agent_id', 'is not', null)
    .where('agents.state', 'not in', [OFFLINE, DISABLED])
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** The values to store when a job moves from `job.state` to `state` (the job hooks). */
export function jobStatePatch(job: Job, state: WorkStateValue | null, now: Millis): JobFields {
  if (state === job.state) return {};
  const patch: JobFields = { state };
  if (state === RUNNING && ((job.state !== RUNNING && job.state !== PAUSED) || job.timeStarted === null)) {
    patch.timeStarted = now;
    patch.timeFinished = null;
  }
  if (state === DONE || state === FAILED) patch.timeFinished = now;
  return patch;
}

export async function refreshJobState(
  db: Kysely<Database>,
  jobId: number,
  now: Millis,
): Promise<JobStateChange> {
  const before = await getJob(db, jobId);
  const state = await deriveJobState(db, before);
  const patch = jobStatePatch(before, state, now);
  if (Object.keys(patch).length === 0) return { before, after: before, finished: false };
  const after = await updateJob(db, jobId, patch);
  const finished = (state === DONE || state === FAILED) && before.state !== state;
  return { before, after, finished };
}
