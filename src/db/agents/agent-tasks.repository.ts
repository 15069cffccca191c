/**
 * Questions about the tasks an agent holds: which jobs they belong to (with the job type, as the agent's
 * task list shows them) and which jobs' states depend on the agent being up.
 */
import type { Kysely } from 'kysely';
import { WorkState } from '../../core/enums.js';
import type { Database } from '../database.js';

export interface TaskJobSummary {
  readonly id: number;
  readonly title: string;
  readonly jobtype: string;
  readonly jobtypeId: number;
  readonly jobtypeVersion: number;
}

/** Title and job type of each job (missing ids are absent from the map). */
export async function listTaskJobSummaries(
  db: Kysely<Database>,
  jobIds: readonly number[],
): Promise<Map<number, TaskJobSummary>> {
  const unique = [...new Set(jobIds)];
  if (unique.length === 0) return new Map();
  const rows = await db
    .selectFrom('jobs')
    .innerJoin('jobtype_versions', 'jobtype_versions.id', 'jobs.jobtype_version_id')
    .innerJoin('jobtypes', 'jobtypes.id', 'jobtype_versions.jobtype_id')
    .select([
      'jobs.id',
      'jobs.title',
      'jobtypes.name',
      'jobtype_versions.jobtype_id',
      'jobtype_versions.version',
    ])
    .where('jobs.id', 'in', unique)
    .execute();
  return new Map(
    rows.map((row) => [
      row.id,
      {
        id: row.id,
        title: row.title,
        jobtype: row.name,
        jobtypeId: row.jobtype_id,
        jobtypeVersion: row.version,
      },
    ]),
  );
}

/**
 * Jobs with a task this agent holds that is assigned or running: their derived state ("running" while a
 * live agent works on them) changes when the agent goes up or down.
 */
export async function listJobIdsActiveOnAgent(db: Kysely<Database>, agentId: string): Promise<number[]> {
  const rows = await db
    .selectFrom('tasks')
    .select('job_id')
    .distinct()
    .where('agent_id', '=', agentId.toLowerCase())
    .where((eb) => eb.or([eb('state', 'is', null), eb('state', '=', WorkState.values.RUNNING)]))
    .orderBy('job_id')
    .execute();
  return rows.map((row) => row.job_id);
}
