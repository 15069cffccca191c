/** Job types on the wire: PyFarm's merged "version + job type" dict, whose `id` is the job type's. */
import type { JobTypeRequirementView, JobTypeView } from '../../api/schemas/jobtypes.js';
import type { SoftwareRequirement } from '../../db/software/software-requirement.js';
import type { JobTypeDetail } from './jobtype.service.js';

export function jobTypeView({ jobType, version, requirements }: JobTypeDetail): JobTypeView {
  return {
    id: jobType.id,
    name: jobType.name,
    description: jobType.description,
    version: version.version,
    code: version.code,
    classname: version.classname,
    max_batch: version.maxBatch,
    batch_contiguous: version.batchContiguous,
    no_automatic_start_time: version.noAutomaticStartTime,
    supports_tiling: version.supportsTiling,
    success_subject: jobType.successSubject,
    success_body: jobType.successBody,
    fail_subject: jobType.failSubject,
    fail_body: jobType.failBody,
    software_requirements: requirements.map((r) => ({
      software_id: r.softwareId,
      software: r.software,
      min_version_id: r.minVersionId,
      min_version: r.minVersion,
      max_version_id: r.maxVersionId,
      max_version: r.maxVersion,
    })),
  };
}

export function jobTypeRequirementView(
  { jobType, version }: JobTypeDetail,
  r: SoftwareRequirement,
): JobTypeRequirementView {
  return {
    software: { id: r.softwareId, software: r.software },
    min_version: r.minVersionId === null ? null : { id: r.minVersionId, version: r.minVersion ?? '' },
    max_version: r.maxVersionId === null ? null : { id: r.maxVersionId, version: r.maxVersion ?? '' },
    jobtype_version: { id: version.id, jobtype: jobType.name, version: version.version },
  };
}

/** GET /jobtypes/schema: the columns of a job type as PyFarm described them, plus Drover's. */
export const JOBTYPE_COLUMNS: Readonly<Record<string, string>> = {
  id: 'INTEGER',
  name: 'VARCHAR(64)',
  description: 'TEXT',
  version: 'INTEGER',
  code: 'TEXT',
  classname: 'VARCHAR(64)',
  max_batch: 'INTEGER',
  batch_contiguous: 'BOOLEAN',
  no_automatic_start_time: 'BOOLEAN',
  supports_tiling: 'BOOLEAN',
  success_subject: 'TEXT',
  success_body: 'TEXT',
  fail_subject: 'TEXT',
  fail_body: 'TEXT',
};
