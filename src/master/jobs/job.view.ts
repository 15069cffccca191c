/**
 * Jobs → wire objects: the full job dict (seed 003 / spec §9 "test_job_post"), the list entries and the
 * shown state. The full dict reads the job's associations with one query each, run concurrently (they
 * are small and indexed by job id).
 */
import type { Kysely } from 'kysely';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { JobListItem, JobStateName, JobView, NotifiedUserView } from '../../api/schemas/jobs.js';
import { isoTime } from '../../api/schemas/common.js';
import type { Database } from '../../db/database.js';
import { findJobGroup } from '../../db/groups/job-group.repository.js';
import {
  listJobChildren,
  listJobParents,
  listJobSoftwareRequirements,
  listJobTagRequirements,
  listJobTags,
  listNotifiedUsers,
  type NotifiedUser,
} from '../../db/jobs/job-associations.repository.js';
import type { RenderedJobField } from '../../db/jobs/job-list-json.repository.js';
import { findJobsWithHeldTasks, type JobSummary } from '../../db/jobs/job-listing.repository.js';
import type { Job } from '../../db/jobs/job.repository.js';
import { findJobType, findJobTypeVersionById } from '../../db/jobtypes/jobtype.repository.js';
import { findJobQueue } from '../../db/queues/job-queue.repository.js';
import type { SoftwareRequirement } from '../../db/software/software-requirement.js';
import type { TaskStateCounts } from '../../db/tasks/task.repository.js';
import { findFrameBounds } from '../../db/tasks/task.repository.js';
import { findUser } from '../../db/users/user.repository.js';

/**
 * The state a client sees: the stored state's name, or for a stored NULL "running" while an unfinished
 * task is held by an agent (`held`) and "queued" otherwise.
 */
export function shownJobState(state: WorkStateValue | null, held: boolean): JobStateName {
  if (state === null) return held ? 'running' : 'queued';
  return WorkState.name(state) ?? 'queued';
}

export function notifiedUserView(n: NotifiedUser): NotifiedUserView {
  return {
    id: n.userId,
    username: n.username,
    email: n.email,
    on_success: n.onSuccess,
    on_failure: n.onFailure,
    on_deletion: n.onDeletion,
  };
}

export function softwareRequirementView(r: SoftwareRequirement) {
  return {
    software_id: r.softwareId,
    software: r.software,
    min_version_id: r.minVersionId,
    min_version: r.minVersion,
    max_version_id: r.maxVersionId,
    max_version: r.maxVersion,
  };
}

export async function jobView(db: Kysely<Database>, job: Job): Promise<JobView> {
  const [
    version,
    user,
    queue,
    group,
    tags,
    tagRequirements,
    softwareRequirements,
    parents,
    children,
    notified,
    bounds,
    held,
  ] = await Promise.all([
    findJobTypeVersionById(db, job.jobtypeVersionId),
    job.userId === null ? undefined : findUser(db, job.userId),
    job.jobQueueId === null ? undefined : findJobQueue(db, job.jobQueueId),
    job.jobGroupId === null ? undefined : findJobGroup(db, job.jobGroupId),
    listJobTags(db, job.id),
    listJobTagRequirements(db, job.id),
    listJobSoftwareRequirements(db, job.id),
    listJobParents(db, job.id),
    listJobChildren(db, job.id),
    listNotifiedUsers(db, job.id),
    findFrameBounds(db, job.id),
    job.state === null ? findJobsWithHeldTasks(db, [job.id]) : Promise.resolve(new Set<number>()),
  ]);
  // The version is a non-null foreign key: it exists while the job does.
  const jobtype = version ? await findJobType(db, version.jobtypeId) : undefined;
  return {
    id: job.id,
    title: job.title,
    state: shownJobState(job.state, held.has(job.id)),
    priority: job.priority,
    weight: job.weight,
    minimum_agents: job.minimumAgents,
    maximum_agents: job.maximumAgents,
    time_submitted: isoTime(job.timeSubmitted),
    time_started: isoTime(job.timeStarted),
    time_finished: isoTime(job.timeFinished),
    jobtype: jobtype?.name ?? '',
    jobtype_version: version?.version ?? 0,
    start: bounds?.start ?? null,
    end: bounds?.end ?? null,
    by: job.by,
    num_tiles: job.numTiles,
    batch: job.batch,
    requeue: job.requeue,
    cpus: job.cpus,
    ram: job.ram,
    ram_warning: job.ramWarning,
    ram_max: job.ramMax,
    hidden: job.hidden,
    notes: job.notes,
    output_link: job.outputLink,
    project: job.project,
    environ: job.environ === null ? null : { ...job.environ },
    data: job.data === null ? null : { ...job.data },
    to_be_deleted: job.toBeDeleted,
    completion_notify_sent: job.completionNotifySent,
    autodelete_time: job.autodeleteTime,
    user: user?.username ?? null,
    jobqueue: queue?.fullpath ?? null,
    job_group_id: job.jobGroupId,
    jobgroup: group?.title ?? null,
    tags: tags.map((t) => t.tag),
    tag_requirements: tagRequirements.map((r) => ({ tag: r.tag, negate: r.negate })),
    software_requirements: softwareRequirements.map(softwareRequirementView),
    parents: parents.map((p) => ({ id: p.id, title: p.title })),
    children: children.map((c) => ({ id: c.id, title: c.title })),
    notified_users: notified.map(notifiedUserView),
  };
}

/**
 * The keys of a list entry without task counts, and the summary field each shows: what the database
 * renders when it can (job-list-json.repository.ts). `jobListItem` writes the same; a test holds them equal.
 */
export const JOB_LIST_ITEM_LAYOUT: ReadonlyArray<readonly [keyof JobListItem, RenderedJobField]> = [
  ['id', 'id'],
  ['title', 'title'],
  ['state', 'shownState'],
  ['priority', 'priority'],
  ['weight', 'weight'],
  ['user', 'username'],
  ['jobtype', 'jobtype'],
  ['jobtype_version', 'jobtypeVersion'],
  ['jobqueue', 'queuePath'],
  ['time_submitted', 'timeSubmitted'],
  ['time_started', 'timeStarted'],
  ['time_finished', 'timeFinished'],
  ['hidden', 'hidden'],
  ['to_be_deleted', 'toBeDeleted'],
];

export function jobListItem(
  summary: JobSummary,
  held: boolean,
  counts: TaskStateCounts | undefined,
): JobListItem {
  return {
    id: summary.id,
    title: summary.title,
    state: shownJobState(summary.state, held),
    priority: summary.priority,
    weight: summary.weight,
    user: summary.username,
    jobtype: summary.jobtype,
    jobtype_version: summary.jobtypeVersion,
    jobqueue: summary.queuePath,
    time_submitted: isoTime(summary.timeSubmitted),
    time_started: isoTime(summary.timeStarted),
    time_finished: isoTime(summary.timeFinished),
    hidden: summary.hidden,
    to_be_deleted: summary.toBeDeleted,
    ...(counts
      ? {
          tasks_queued: counts.queued + counts.assigned + counts.paused,
          tasks_running: counts.running,
          tasks_done: counts.done,
          tasks_failed: counts.failed,
          tasks_total: counts.total,
        }
      : {}),
  };
}
