/**
 * Job submission (POST /jobs/): the job row, its tasks (start..end by `by`, times `num_tiles` tiles),
 * tags, tag and software requirements, parents and notified users — all in one transaction, so a
 * rejected submission leaves nothing behind. Defaults come from the configuration (models.yml
 * job_default_*, job_requeue_default, queue_default_weight; master.yml default_job_delete_time).
 */
import type { SubmitJobBody } from '../../api/schemas/jobs.js';
import { durationMs } from '../../core/config/index.js';
import { WorkState } from '../../core/enums.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { createJob, type Job } from '../../db/jobs/job.repository.js';
import {
  findJobType,
  findJobTypeVersion,
  findLatestJobTypeVersion,
  type JobTypeVersion,
} from '../../db/jobtypes/jobtype.repository.js';
import { createTasksForFrameRange } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { findOrAutocreateUser } from '../users/autocreate-user.js';
import { jobFieldsOf, resolveOwner, resolveQueueId, submittedFrameRange } from './job-fields.js';
import { setJobLinks } from './job-links.js';

export interface SubmittedJob {
  job: Job;
  taskCount: number;
}

export async function submitJob(
  ctx: MasterContext,
  principal: Principal,
  input: SubmitJobBody,
): Promise<SubmittedJob> {
  const range = submittedFrameRange(input);
  const now = ctx.clock.now();
  const options = { limits: ctx.limits, now };
  const submitted = await transaction(ctx.db, async (trx) => {
    const version = await resolveJobTypeVersion(trx, input.jobtype, input.jobtype_version);
    const numTiles = input.num_tiles ?? null;
    if (numTiles !== null && !version.supportsTiling) {
      throw new ValidationError(`num_tiles: job type ${input.jobtype} does not support tiling`, {
        field: 'num_tiles',
        value: numTiles,
      });
    }
    const owner = await resolveOwner(
      trx,
      ctx,
      principal,
      input.user === undefined ? principal.username : input.user,
      { autocreate: true },
    );
    const jobQueueId = input.jobqueue === undefined ? null : await resolveQueueId(trx, input.jobqueue);
    const job = await createJob(
      trx,
      {
        ...configuredDefaults(ctx),
        ...jobFieldsOf(input),
        title: input.title,
        by: range.by ?? 1,
        jobtypeVersionId: version.id,
        jobQueueId,
        userId: owner?.id ?? null,
        state: input.state === 'paused' || input.state === 100 ? WorkState.values.PAUSED : null,
        timeSubmitted: now,
      },
      options,
    );
    await setJobLinks(trx, job.id, input, {
      ...options,
      resolveUser: (username) => findOrAutocreateUser(trx, ctx.config, username),
    });
    const taskCount = await createTasksForFrameRange(trx, job.id, { ...range, numTiles }, options);
    return { job, taskCount };
  });
  ctx.taskEvents.record(submitted.job.jobQueueId, 'new', submitted.taskCount);
  ctx.events.emit({ type: 'job.changed', jobId: submitted.job.id });
  return submitted;
}

/** The named job type at the given version, or its latest. */
export async function resolveJobTypeVersion(
  db: Kysely<Database>,
  name: string,
  versionNumber: number | undefined,
): Promise<JobTypeVersion> {
  const jobType = await findJobType(db, name);
  if (!jobType) throw new NotFoundError('jobtype', name);
  const version =
    versionNumber === undefined
      ? await findLatestJobTypeVersion(db, jobType.id)
      : await findJobTypeVersion(db, jobType.id, versionNumber);
  if (!version) {
    throw new NotFoundError(
      'jobtype version',
      versionNumber,
      versionNumber === undefined
        ? `job type ${JSON.stringify(name)} has no versions`
        : `job type ${JSON.stringify(name)} has no version ${versionNumber}`,
    );
  }
  return version;
}

function configuredDefaults(ctx: MasterContext) {
  const { config } = ctx;
  return {
    batch: config.job_default_batch,
    requeue: config.job_requeue_default,
    cpus: config.job_default_cpus,
    ram: config.job_default_ram,
    weight: config.queue_default_weight,
    autodeleteTime:
      config.default_job_delete_time === null
        ? null
        : Math.round(durationMs(config.default_job_delete_time) / 1000),
  };
}
