/** Job groups on the wire. */
import type { JobGroupJob, JobGroupSummary, JobGroupView } from '../../api/schemas/jobgroups.js';
import { WorkState } from '../../core/enums.js';
import type { GroupJob, JobGroupDetail, NamedJobGroup } from './job-group.service.js';

export function jobGroupSummary({ group, mainJobtype, user }: NamedJobGroup): JobGroupSummary {
  return { id: group.id, title: group.title, main_jobtype: mainJobtype, user };
}

export function jobGroupView(detail: JobGroupDetail): JobGroupView {
  return { ...jobGroupSummary(detail), jobs: [...detail.jobs] };
}

/** A row of `/jobgroups/<id>/jobs`. A queued job (stored state NULL) reads "queued", not PyFarm's "None". */
export function groupJobView({ job, jobtypeId, jobtype, jobtypeVersion, counts }: GroupJob): JobGroupJob {
  return {
    id: job.id,
    title: job.title,
    state: job.state === null ? 'queued' : (WorkState.name(job.state) ?? 'queued'),
    jobtype_id: jobtypeId,
    jobtype,
    jobtype_version: jobtypeVersion,
    tasks_queued: counts.queued + counts.assigned,
    tasks_running: counts.running,
    tasks_done: counts.done,
    tasks_failed: counts.failed,
  };
}

/** GET /jobgroups/schema. */
export const JOBGROUP_COLUMNS: Readonly<Record<string, string>> = {
  id: 'INTEGER',
  title: 'VARCHAR(255)',
  main_jobtype: 'VARCHAR(64)',
  user: 'VARCHAR(255)',
};
