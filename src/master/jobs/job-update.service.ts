/**
 * Job updates (POST /jobs/<x>): columns, owner, queue, job type version, requirements (replaced), tags,
 * parents and notified users (replaced), the frame range (re-framing the tasks), and pause/unpause via
 * `state`. One transaction; PyFarm's update bugs (§11.13) are fixed: parents can be changed, a wrong type
 * is a 400, and the response carries the queue path.
 */
import type { UpdateJobBody } from '../../api/schemas/jobs.js';
import { ValidationError } from '../../core/errors.js';
import { getJob, updateJob, type Job, type JobFields } from '../../db/jobs/job.repository.js';
import { findJobTypeVersion, findJobTypeVersionById } from '../../db/jobtypes/jobtype.repository.js';
import { transaction } from '../../db/transaction.js';
import { findUser } from '../../db/users/user.repository.js';
import { NotFoundError } from '../../core/errors.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { assertMayChangeJob } from './job-access.js';
import { pauseJobInTransaction, unpauseJobInTransaction } from './job-actions.service.js';
import { jobFieldsOf, resolveOwner, resolveQueueId } from './job-fields.js';
import { setJobLinks } from './job-links.js';
import { getJobByKey } from './job-lookup.js';
import { reframeJob, type Reframed } from './job-reframe.js';
import { refreshJobState } from './job-state.js';

export interface UpdatedJob {
  job: Job;
  reframed: Reframed | undefined;
}

export async function updateJobFromRequest(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  input: UpdateJobBody,
): Promise<UpdatedJob> {
  const now = ctx.clock.now();
  const options = { limits: ctx.limits, now };
  const result = await transaction(ctx.db, async (trx) => {
    const job = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, job);
    const fields: JobFields = jobFieldsOf(input);
    if (input.user !== undefined) {
      const owner = await resolveOwner(trx, ctx, principal, input.user, { autocreate: false });
      fields.userId = owner?.id ?? null;
    }
    if (input.jobqueue !== undefined) fields.jobQueueId = await resolveQueueId(trx, input.jobqueue);

    const current = await findJobTypeVersionById(trx, job.jobtypeVersionId);
    let version = current;
    if (input.jobtype_version !== undefined && current) {
      version = await findJobTypeVersion(trx, current.jobtypeId, input.jobtype_version);
      if (!version) {
        throw new ValidationError(`jobtype_version: the job type has no version ${input.jobtype_version}`, {
          field: 'jobtype_version',
          value: input.jobtype_version,
        });
      }
      fields.jobtypeVersionId = version.id;
    }
    const numTiles = input.num_tiles === undefined ? job.numTiles : input.num_tiles;
    if (numTiles !== null && version && !version.supportsTiling) {
      throw new ValidationError('num_tiles: the job type version does not support tiling', {
        field: 'num_tiles',
        value: numTiles,
      });
    }

    await updateJob(trx, job.id, fields, options);
    await setJobLinks(trx, job.id, input, {
      ...options,
      // No implicit users on update: PyFarm created them only when a job was submitted.
      resolveUser: async (username) => {
        const user = await findUser(trx, username);
        if (!user) throw new NotFoundError('user', username);
        return user;
      },
    });

    let reframed: Reframed | undefined;
    const rangeChanged = [input.start, input.end, input.by, input.num_tiles].some((v) => v !== undefined);
    if (rangeChanged) {
      reframed = await reframeJob(
        trx,
        job,
        {
          ...(input.start !== undefined ? { start: input.start } : {}),
          ...(input.end !== undefined ? { end: input.end } : {}),
          ...(input.by !== undefined ? { by: input.by } : {}),
          ...(input.num_tiles !== undefined ? { numTiles: input.num_tiles } : {}),
        },
        options,
      );
    }
    if (input.state === 'paused' || input.state === 100) {
      await pauseJobInTransaction(trx, await getJob(trx, job.id));
    } else if (input.state === 'queued') {
      await unpauseJobInTransaction(trx, await getJob(trx, job.id), now);
    }
    if (reframed) await refreshJobState(trx, job.id, now);
    return { job: await getJob(trx, job.id), reframed, queueBefore: job.jobQueueId };
  });
  if (result.reframed) {
    ctx.taskEvents.record(result.job.jobQueueId, 'new', result.reframed.created);
    ctx.taskEvents.record(result.queueBefore, 'deleted', result.reframed.deleted);
  }
  ctx.events.emit({ type: 'job.changed', jobId: result.job.id });
  return { job: result.job, reframed: result.reframed };
}
