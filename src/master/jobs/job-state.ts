/**
 * PyFarm's Job.update_state (spec §2), run inside the transaction that changed the job's tasks:
 * - no unfinished task left → DONE, or FAILED if any task failed;
 * - otherwise, unless the job is paused: RUNNING while some task is held by a live agent (not offline or
 *   disabled) and is assigned or running, else queued (NULL).
 * The job's own hooks apply: becoming RUNNING (from anything but RUNNING/PAUSED, or with no start time)
 * stamps time_started and clears time_finished; becoming DONE or FAILED stamps time_finished.
 *
 * Each question is an EXISTS query on indexed columns, so this stays cheap for jobs of 100,000 tasks.
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
  const unfinished = await db
    .selectFrom('tasks')
    .select('id')
    .where('job_id', '=', job.id)
    .where((eb) => eb.or([eb('state', 'is', null), eb('state', 'in', [RUNNING, PAUSED])]))
    .limit(1)
    .executeTakeFirst();
  if (!unfinished) {
    const failed = await db
      .selectFrom('tasks')
      .select('id')
      .where('job_id', '=', job.id)
      .where('state', '=', FAILED)
      .limit(1)
      .executeTakeFirst();
    return failed ? FAILED : DONE;
  }
  if (job.state === PAUSED) return PAUSED;
  const live = await db
    .selectFrom('tasks')
    .innerJoin('agents', 'agents.id', 'tasks.agent_id')
    .select('tasks.id')
    .where('tasks.job_id', '=', job.id)
    .where((eb) => eb.or([eb('tasks.state', 'is', null), eb('tasks.state', '=', RUNNING)]))
    .where('agents.state', 'not in', [OFFLINE, DISABLED])
    .limit(1)
    .executeTakeFirst();
  return live ? RUNNING : null;
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
