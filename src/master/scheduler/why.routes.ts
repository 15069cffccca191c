/**
 * `GET /api/v1/jobs/<job>/why` — the scheduler explains itself: for a job with waiting tasks, the first
 * constraint that keeps it from each agent now, and how many agents each reason holds back. Read from the
 * record (a fresh snapshot; the job's own tasks one by one, the others counted), so any master answers.
 * `?agent=<id>` asks about one agent; `?summary=true` leaves the per-agent list out.
 */
import { errors } from '../../api/schemas/common.js';
import { WhyParams, WhyQuery, WhyView } from '../../api/schemas/why.js';
import { NotFoundError } from '../../core/errors.js';
import { WorkState } from '../../core/enums.js';
import { findJob, listJobs, type Job } from '../../db/jobs/job.repository.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import { explainJob } from './explain.js';
import { schedulingPolicy } from './farm-index.js';
import { loadFarmIndex } from './index-loader.js';

export function whyRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/jobs/:job/why',
      {
        schema: {
          tags: ['scheduler'],
          summary: 'Why the waiting tasks of a job are not running: the first obstacle per agent',
          params: WhyParams,
          querystring: WhyQuery,
          response: { 200: WhyView, ...errors },
        },
      },
      async (req) => {
        const job = await jobByIdOrTitle(ctx, req.params.job);
        const index = await loadFarmIndex(ctx.db, schedulingPolicy(ctx.config), { onlyTasksOf: job.id });
        const agent = req.query.agent?.toLowerCase();
        if (agent !== undefined && !index.agents.has(agent))
          throw new NotFoundError('agent', req.query.agent);
        const why = explainJob(index, job.id, {
          ...(agent ? { agentIds: [agent] } : {}),
          now: ctx.clock.now(),
        });
        const running = (index.jobs.get(job.id)?.assigned ?? 0) > 0;
        return {
          job: {
            id: job.id,
            title: job.title,
            state: job.state === null ? (running ? 'running' : 'queued') : WorkState.name(job.state)!,
          },
          waiting_tasks: why.waitingTasks,
          reason: why.jobReason,
          summary: why.summary,
          agents: req.query.summary
            ? []
            : why.agents.map((a) => ({
                id: a.agentId,
                hostname: a.hostname,
                reason: a.reason,
                detail: a.detail,
              })),
        };
      },
    );
  };
}

async function jobByIdOrTitle(ctx: MasterContext, segment: string): Promise<Job> {
  const key = idOrName(segment);
  const job =
    typeof key === 'number'
      ? await findJob(ctx.db, key)
      : (await listJobs(ctx.db, { title: key, limit: 1 }))[0];
  if (!job) throw new NotFoundError('job', segment);
  return job;
}
