/**
 * GET /jobs/: PyFarm's filters (jobtype, user, title substring, queue path; unknown jobtype, user or
 * queue → 404) plus state and hidden filters, sorting and paging. Without `page`/`per_page` every job is
 * listed, as the seed documents; with them one page comes back and `total` says how many match.
 */
import type { JobListItem, JobListQuery } from '../../api/schemas/jobs.js';
import { NotFoundError } from '../../core/errors.js';
import {
  countJobSummaries,
  findJobsWithHeldTasks,
  listJobsWithHeldTasks,
  listJobSummaries,
  type JobSummaryFilter,
} from '../../db/jobs/job-listing.repository.js';
import { renderJobSummaries } from '../../db/jobs/job-list-json.repository.js';
import { findJobType } from '../../db/jobtypes/jobtype.repository.js';
import { findJobQueueByPath } from '../../db/queues/job-queue.repository.js';
import { countTasksByState } from '../../db/tasks/task.repository.js';
import { findUser } from '../../db/users/user.repository.js';
import type { MasterContext } from '../context.js';
import { JOB_LIST_ITEM_LAYOUT, jobListItem } from './job.view.js';

export const DEFAULT_PER_PAGE = 100;
/**
 * Up to this many queued jobs in a list, each is checked for held tasks with index seeks; beyond it, the
 * held tasks of the whole farm (bounded by what the agents hold) are read once instead.
 */
const PER_JOB_HELD_CHECKS = 50;

export interface JobList {
  /**
   * The entries: as objects, or as the JSON text (UTF-8) of the array when the database rendered them
   * (job-list-json.repository.ts), to be sent as it is.
   */
  jobs: { objects: JobListItem[] } | { json: Buffer };
  /** Set for a paged request: how many jobs match the filters. */
  total: number | undefined;
}

export async function listJobsForRequest(ctx: MasterContext, query: JobListQuery): Promise<JobList> {
  const { db } = ctx;
  const filter: JobSummaryFilter = {};
  if (query.jobtype !== undefined) {
    const jobType = await findJobType(db, query.jobtype);
    if (!jobType) throw new NotFoundError('jobtype', query.jobtype);
    filter.jobtypeId = jobType.id;
  }
  if (query.user !== undefined) {
    const user = await findUser(db, query.user);
    if (!user) throw new NotFoundError('user', query.user);
    filter.userId = user.id;
  }
  if (query.jobqueue !== undefined) {
    const queue = await findJobQueueByPath(db, query.jobqueue);
    if (!queue) throw new NotFoundError('job queue', query.jobqueue);
    filter.jobQueueId = queue.id;
  }
  if (query.no_user) filter.noUser = true;
  if (query.no_queue) filter.noQueue = true;
  if (query.tag !== undefined) filter.tags = query.tag;
  if (query.priority !== undefined) filter.priorities = query.priority;
  if (query.blocked !== undefined) filter.blocked = query.blocked;
  if (query.title !== undefined) filter.titleContains = query.title;
  if (query.state !== undefined) filter.states = query.state;
  if (query.hidden !== undefined) filter.hidden = query.hidden;

  const paged = query.page !== undefined || query.per_page !== undefined;
  const perPage = query.per_page ?? DEFAULT_PER_PAGE;
  const order = {
    by: query.order_by ?? 'id',
    direction: query.order_dir ?? 'asc',
    ...(paged ? { limit: perPage, offset: ((query.page ?? 1) - 1) * perPage } : {}),
  } as const;
  const total = paged ? await countJobSummaries(db, filter) : undefined;
  if (!query.task_counts) {
    const rendered = await renderJobSummaries(db, filter, order, JOB_LIST_ITEM_LAYOUT);
    if (rendered) return { jobs: { json: Buffer.from(`[${rendered.join(',')}]`) }, total };
  }
  const summaries = await listJobSummaries(db, filter, order);
  const queuedIds = summaries.filter((s) => s.state === null).map((s) => s.id);
  const held =
    queuedIds.length === 0
      ? new Set<number>()
      : queuedIds.length > PER_JOB_HELD_CHECKS
        ? await listJobsWithHeldTasks(db)
        : await findJobsWithHeldTasks(db, queuedIds);
  const counts = query.task_counts
    ? await countTasksByState(
        db,
        summaries.map((s) => s.id),
      )
    : undefined;
  return {
    jobs: { objects: summaries.map((s) => jobListItem(s, held.has(s.id), counts?.get(s.id))) },
    total,
  };
}
