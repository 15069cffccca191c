/**
 * Job type workflows. A job type's code and software requirements are never edited in place: every
 * change adds version max+1, so that jobs keep running the version they were submitted with. Each write
 * is one transaction.
 */
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import {
  createJobType,
  createJobTypeVersion,
  deleteJobTypeVersion,
  findJobType,
  findJobTypeVersion,
  findLatestJobTypeVersion,
  listJobTypeVersionRequirements,
  updateJobType,
  type JobType,
  type JobTypeFields,
  type JobTypeKey,
  type JobTypeVersion,
  type NewJobTypeVersion,
} from '../../db/jobtypes/jobtype.repository.js';
import { findSoftware } from '../../db/software/software.repository.js';
import type {
  SoftwareRequirement,
  SoftwareRequirementInput,
} from '../../db/software/software-requirement.js';
import { transaction } from '../../db/transaction.js';
import type { JobTypeBody, UpdateJobTypeBody } from '../../api/schemas/jobtypes.js';
import type { MasterContext } from '../context.js';

/** One version of a job type with its requirements: what the API shows as "a job type". */
export interface JobTypeDetail {
  readonly jobType: JobType;
  readonly version: JobTypeVersion;
  readonly requirements: readonly SoftwareRequirement[];
}

export type SoftwareKey = number | string;

/** The job type and one version of it (the latest when `versionNumber` is undefined). */
export async function getJobTypeDetail(
  db: Kysely<Database>,
  key: JobTypeKey,
  versionNumber?: number,
): Promise<JobTypeDetail> {
  const jobType = await findJobType(db, key);
  if (!jobType) throw new NotFoundError('jobtype', key);
  const version =
    versionNumber === undefined
      ? await findLatestJobTypeVersion(db, jobType.id)
      : await findJobTypeVersion(db, jobType.id, versionNumber);
  if (!version) {
    throw new NotFoundError(
      'jobtype version',
      `${jobType.name}/${versionNumber ?? 'latest'}`,
      versionNumber === undefined
        ? `jobtype ${JSON.stringify(jobType.name)} has no versions`
        : `jobtype ${JSON.stringify(jobType.name)} has no version ${versionNumber}`,
    );
  }
  return { jobType, version, requirements: await listJobTypeVersionRequirements(db, version.id) };
}

/** POST /jobtypes/: a new job type with version 1; an existing name is a conflict. */
export async function createJobTypeWithVersion(
  ctx: MasterContext,
  body: JobTypeBody,
): Promise<JobTypeDetail> {
  return transaction(ctx.db, async (trx) => {
    if (await findJobType(trx, body.name)) {
      throw new ConflictError(`jobtype ${JSON.stringify(body.name)} already exists`, { entity: 'jobtype' });
    }
    const { jobType, version } = await createJobType(
      trx,
      { ...jobTypeFields(body), name: body.name },
      versionFields(body, []),
    );
    return { jobType, version, requirements: await listJobTypeVersionRequirements(trx, version.id) };
  });
}

/**
 * PUT /jobtypes/<x>: creates the job type (only under its own name: ids cannot be reserved), or adds a
 * version. Without `software_requirements` the new version keeps those of the latest one. Job type
 * fields that are not given (description, mail templates) stay as they are.
 */
export async function putJobType(
  ctx: MasterContext,
  key: JobTypeKey,
  body: JobTypeBody,
): Promise<{ detail: JobTypeDetail; created: boolean }> {
  return transaction(ctx.db, async (trx) => {
    const existing = await findJobType(trx, key);
    if (!existing) {
      if (typeof key === 'number') throw new NotFoundError('jobtype', key);
      if (body.name !== key) {
        throw new ValidationError(
          `name: a new jobtype must be named as in the URL (${JSON.stringify(key)}), got ${JSON.stringify(body.name)}`,
          { field: 'name', value: body.name },
        );
      }
      const { jobType, version } = await createJobType(
        trx,
        { ...jobTypeFields(body), name: body.name },
        versionFields(body, []),
      );
      const requirements = await listJobTypeVersionRequirements(trx, version.id);
      return { detail: { jobType, version, requirements }, created: true };
    }
    if (body.name !== existing.name && (await findJobType(trx, body.name))) {
      throw new ConflictError(`jobtype ${JSON.stringify(body.name)} already exists`, { entity: 'jobtype' });
    }
    const jobType = await updateJobType(trx, existing.id, jobTypeFields(body));
    const latest = await findLatestJobTypeVersion(trx, existing.id);
    const kept = latest ? await listJobTypeVersionRequirements(trx, latest.id) : [];
    const version = await createJobTypeVersion(trx, existing.id, versionFields(body, kept));
    const requirements = await listJobTypeVersionRequirements(trx, version.id);
    return { detail: { jobType, version, requirements }, created: false };
  });
}

/** POST /jobtypes/<x>: the job type's own fields (name, description, templates); no new version. */
export async function changeJobType(
  ctx: MasterContext,
  key: JobTypeKey,
  body: UpdateJobTypeBody,
): Promise<JobTypeDetail> {
  return transaction(ctx.db, async (trx) => {
    const existing = await findJobType(trx, key);
    if (!existing) throw new NotFoundError('jobtype', key);
    if (body.name !== undefined && body.name !== existing.name && (await findJobType(trx, body.name))) {
      throw new ConflictError(`jobtype ${JSON.stringify(body.name)} already exists`, { entity: 'jobtype' });
    }
    await updateJobType(trx, existing.id, jobTypeFields(body));
    return getJobTypeDetail(trx, existing.id);
  });
}

/** Deletes the job type with all its versions; refused while a job or job group uses it. */
export async function removeJobType(ctx: MasterContext, key: JobTypeKey): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    const jobType = await findJobType(trx, key);
    if (!jobType) return false;
    const job = await trx
      .selectFrom('jobs')
      .innerJoin('jobtype_versions', 'jobtype_versions.id', 'jobs.jobtype_version_id')
      .select('jobs.id')
      .where('jobtype_versions.jobtype_id', '=', jobType.id)
      .limit(1)
      .executeTakeFirst();
    if (job) {
      throw new ConflictError(`jobtype ${JSON.stringify(jobType.name)} is used by job ${job.id}`, {
        entity: 'jobtype',
      });
    }
    const group = await trx
      .selectFrom('job_groups')
      .select('id')
      .where('main_jobtype_id', '=', jobType.id)
      .limit(1)
      .executeTakeFirst();
    if (group) {
      throw new ConflictError(
        `jobtype ${JSON.stringify(jobType.name)} is the main jobtype of job group ${group.id}`,
        {
          entity: 'jobtype',
        },
      );
    }
    await trx.deleteFrom('jobtypes').where('id', '=', jobType.id).execute();
    return true;
  });
}

/** Deletes one version (ConflictError while a job uses it). False when the job type or version is unknown. */
export async function removeJobTypeVersion(
  ctx: MasterContext,
  key: JobTypeKey,
  versionNumber: number,
): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    const jobType = await findJobType(trx, key);
    const version = jobType && (await findJobTypeVersion(trx, jobType.id, versionNumber));
    if (!jobType || !version) return false;
    const job = await trx
      .selectFrom('jobs')
      .select('id')
      .where('jobtype_version_id', '=', version.id)
      .limit(1)
      .executeTakeFirst();
    if (job) {
      throw new ConflictError(
        `version ${versionNumber} of jobtype ${JSON.stringify(jobType.name)} is used by job ${job.id}`,
        { entity: 'jobtype version' },
      );
    }
    return deleteJobTypeVersion(trx, version.id);
  });
}

/**
 * POST /jobtypes/<x>/software_requirements/: a new version with the latest one's requirements plus this
 * one. A software the latest version already requires is a conflict. Bounds are looked up among the
 * versions of that software only.
 */
export async function addJobTypeRequirement(
  ctx: MasterContext,
  key: JobTypeKey,
  input: { software: string; min_version?: string | null; max_version?: string | null },
): Promise<{ detail: JobTypeDetail; requirement: SoftwareRequirement }> {
  return transaction(ctx.db, async (trx) => {
    const latest = await getJobTypeDetail(trx, key);
    const software = await findSoftware(trx, input.software);
    if (!software) throw new NotFoundError('software', input.software);
    if (latest.requirements.some((r) => r.softwareId === software.id)) {
      throw new ConflictError(
        `jobtype ${JSON.stringify(latest.jobType.name)} already requires ${JSON.stringify(software.software)}`,
        { entity: 'jobtype software requirement' },
      );
    }
    const requirements = [
      ...latest.requirements.map(requirementKeys),
      { software: software.id, minVersion: input.min_version ?? null, maxVersion: input.max_version ?? null },
    ];
    const detail = await addVersionLike(trx, latest, requirements);
    return { detail, requirement: detail.requirements.find((r) => r.softwareId === software.id)! };
  });
}

/** The requirement on `softwareKey` (id or name) of the job type's latest version. */
export async function getJobTypeRequirement(
  db: Kysely<Database>,
  key: JobTypeKey,
  softwareKey: SoftwareKey,
): Promise<{ detail: JobTypeDetail; requirement: SoftwareRequirement }> {
  const detail = await getJobTypeDetail(db, key);
  const requirement = findRequirement(detail, softwareKey);
  if (!requirement) {
    throw new NotFoundError(
      'jobtype software requirement',
      softwareKey,
      `jobtype ${JSON.stringify(detail.jobType.name)} does not require software ${JSON.stringify(softwareKey)}`,
    );
  }
  return { detail, requirement };
}

/**
 * DELETE /jobtypes/<x>/software_requirements/<s>: a new version without that requirement. False (and no
 * new version) when the latest version does not have it.
 */
export async function removeJobTypeRequirement(
  ctx: MasterContext,
  key: JobTypeKey,
  softwareKey: SoftwareKey,
): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    const latest = await getJobTypeDetail(trx, key);
    const requirement = findRequirement(latest, softwareKey);
    if (!requirement) return false;
    const kept = latest.requirements.filter((r) => r !== requirement).map(requirementKeys);
    await addVersionLike(trx, latest, kept);
    return true;
  });
}

function findRequirement(detail: JobTypeDetail, softwareKey: SoftwareKey): SoftwareRequirement | undefined {
  return detail.requirements.find((r) =>
    typeof softwareKey === 'number' ? r.softwareId === softwareKey : r.software === softwareKey,
  );
}

/** A copy of `source`'s version with other requirements, as the next version. */
async function addVersionLike(
  trx: Kysely<Database>,
  source: JobTypeDetail,
  requirements: readonly SoftwareRequirementInput[],
): Promise<JobTypeDetail> {
  const { version: v } = source;
  const version = await createJobTypeVersion(trx, source.jobType.id, {
    code: v.code,
    classname: v.classname,
    maxBatch: v.maxBatch,
    batchContiguous: v.batchContiguous,
    noAutomaticStartTime: v.noAutomaticStartTime,
    supportsTiling: v.supportsTiling,
    softwareRequirements: requirements,
  });
  return {
    jobType: source.jobType,
    version,
    requirements: await listJobTypeVersionRequirements(trx, version.id),
  };
}

/** A stored requirement as input for a new version (by ids, so that renames cannot break the copy). */
export function requirementKeys(r: SoftwareRequirement): SoftwareRequirementInput {
  return { software: r.softwareId, minVersion: r.minVersionId, maxVersion: r.maxVersionId };
}

function jobTypeFields(body: UpdateJobTypeBody): JobTypeFields {
  return {
    ...(body.name !== undefined ? { name: body.name } : {}),
    ...(body.description !== undefined ? { description: body.description } : {}),
    ...(body.success_subject !== undefined ? { successSubject: body.success_subject } : {}),
    ...(body.success_body !== undefined ? { successBody: body.success_body } : {}),
    ...(body.fail_subject !== undefined ? { failSubject: body.fail_subject } : {}),
    ...(body.fail_body !== undefined ? { failBody: body.fail_body } : {}),
  };
}

/** The new version's fields; `kept` are used when the body names no requirements. */
function versionFields(body: JobTypeBody, kept: readonly SoftwareRequirement[]): NewJobTypeVersion {
  return {
    code: body.code,
    ...(body.classname !== undefined ? { classname: body.classname } : {}),
    ...(body.max_batch !== undefined ? { maxBatch: body.max_batch } : {}),
    ...(body.batch_contiguous !== undefined ? { batchContiguous: body.batch_contiguous } : {}),
    ...(body.no_automatic_start_time !== undefined
      ? { noAutomaticStartTime: body.no_automatic_start_time }
      : {}),
    ...(body.supports_tiling !== undefined ? { supportsTiling: body.supports_tiling } : {}),
    softwareRequirements:
      body.software_requirements === undefined
        ? kept.map(requirementKeys)
        : body.software_requirements.map((r) => ({
            software: r.software,
            minVersion: r.min_version ?? null,
            maxVersion: r.max_version ?? null,
          })),
  };
}
