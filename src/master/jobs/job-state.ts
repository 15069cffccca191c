/**
 * PyFarm's Job.update_state (spec §2), run inside the transaction that changed the job's tasks:
 * - no unfinished task left → DONE, or FAILED if any task failed;
 * - otherwise, unless the job is paused: RUNNING while some task is held by a live agent (not offline or
 *   disabled) and is assigned or running, else queued (NULL).
 * The job's own hooks apply: becoming RUNNING (from anything but RUNNING/PAUSED, or with no start time)
 * stamps time_started and clears time_finished; becoming DONE or FAILED stamps time_finished.
 *
 * The job and what its tasks look like are read in one statement (findJobWithTaskFlags), each question a
 * seek that stops at the first row, so this stays cheap for jobs of 100,000 tasks.
 */
import type { Kysely } from 'kysely';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import { NotFoundError } from '../../core/errors.js';
import type { Database, Millis } from '../../db/database.js';
import { findJobWithTaskFlags, type JobTaskFlags } from '../../db/jobs/job-state-facts.repository.js';
import { updateJob, type Job, type JobFields } from '../../db/jobs/job.repository.js';

const { RUNNING, PAUSED, DONE, FAILED } = WorkState.values;

export interface JobStateChange {
  before: Job;
  after: Job;
  /** The job has just become DONE or FAILED: completion mail and autodelete follow. */
  finished: boolean;
}

/** The state the job's tasks call for (see the module comment). */
export function deriveJobState(job: Job, tasks: JobTaskFlags): WorkStateValue | null {
  const unfinished = tasks.queued || tasks.running || tasks.paused;
  if (!unfinished) return tasks.failed ? FAILED : DONE;
  if (job.state === PAUSED) return PAUSED;
  return tasks.heldQueued || tasks.heldRunning ? RUNNING : null;
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
  const read = await findJobWithTaskFlags(db, jobId);
  if (!read) throw new NotFoundError('job', jobId);
  const before = read.job;
  const state = deriveJobState(before, read.flags);
  const patch = jobStatePatch(before, state, now);
  if (Object.keys(patch).length === 0) return { before, after: before, finished: false };
  const after = await updateJob(db, jobId, patch);
  const finished = (state === DONE || state === FAILED) && before.state !== state;
  return { before, after, finished };
}
