/**
 * Job types and their versions. A job type is a name with mail templates; each change of its code makes
 * a new version (1, 2, ...), and jobs pin the version they were submitted with. Deleting a job type
 * deletes its versions, unless a job still uses one (ConflictError).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, JobTypesTable, JobTypeVersionsTable } from '../database.js';
import { dialectOf } from '../dialect-name.js';
import { insertReturningId } from '../inserts.js';
import { checkBoolean, checkString, checkText, nullable } from '../rules/field-rules.js';
import { checkPositive } from '../rules/work-rules.js';
import {
  describeRequirements,
  resolveSoftwareRequirements,
  type SoftwareRequirement,
  type SoftwareRequirementInput,
} from '../software/software-requirement.js';
import { transaction } from '../transaction.js';

export interface JobType {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  /** Mail template overrides; null = the defaults. */
  readonly successSubject: string | null;
  readonly successBody: string | null;
  readonly failSubject: string | null;
  readonly failBody: string | null;
}

export interface JobTypeVersion {
  readonly id: number;
  readonly jobtypeId: number;
  readonly version: number;
  /** null = no limit. */
  readonly maxBatch: number | null;
  readonly batchContiguous: boolean;
  readonly noAutomaticStartTime: boolean;
  readonly supportsTiling: boolean;
  readonly classname: string | null;
  readonly code: string;
}

export interface JobTypeFields {
  name?: string;
  description?: string | null;
  successSubject?: string | null;
  successBody?: string | null;
  failSubject?: string | null;
  failBody?: string | null;
}

export interface NewJobTypeVersion {
  code: string;
  classname?: string | null;
  /** Default 1; null = no limit. */
  maxBatch?: number | null;
  batchContiguous?: boolean;
  noAutomaticStartTime?: boolean;
  supportsTiling?: boolean;
  softwareRequirements?: readonly SoftwareRequirementInput[];
}

export type JobTypeKey = number | string;

export async function createJobType(
  db: Kysely<Database>,
  input: JobTypeFields & { name: string },
  firstVersion: NewJobTypeVersion,
): Promise<{ jobType: JobType; version: JobTypeVersion }> {
  const values = checkJobTypeFields(input);
  checkString('name', input.name, { maxLength: 64 });
  return transaction(db, async (trx) => {
    const row = {
      name: input.name,
      description: values.description ?? null,
      success_subject: values.success_subject ?? null,
      success_body: values.success_body ?? null,
      fail_subject: values.fail_subject ?? null,
      fail_body: values.fail_body ?? null,
    };
    const id = await insertReturningId(trx, 'jobtypes', row);
    const version = await createJobTypeVersion(trx, id, firstVersion);
    return { jobType: toJobType({ id, ...row }), version };
  });
}

export async function findJobType(db: Kysely<Database>, key: JobTypeKey): Promise<JobType | undefined> {
  const row = await db
    .selectFrom('jobtypes')
    .selectAll()
    .where(typeof key === 'number' ? 'id' : 'name', '=', key)
    .executeTakeFirst();
  return row && toJobType(row);
}

export async function getJobType(db: Kysely<Database>, key: JobTypeKey): Promise<JobType> {
  const jobType = await findJobType(db, key);
  if (!jobType) throw new NotFoundError('jobtype', key);
  return jobType;
}

export async function listJobTypes(db: Kysely<Database>): Promise<JobType[]> {
  const rows = await db.selectFrom('jobtypes').selectAll().orderBy('name').execute();
  return rows.map(toJobType);
}

export async function updateJobType(
  db: Kysely<Database>,
  key: JobTypeKey,
  patch: JobTypeFields,
): Promise<JobType> {
  const values = checkJobTypeFields(patch);
  return transaction(db, async (trx) => {
    const jobType = await getJobType(trx, key);
    if (Object.keys(values).length > 0) {
      await trx.updateTable('jobtypes').set(values).where('id', '=', jobType.id).execute();
    }
    return getJobType(trx, jobType.id);
  });
}

/** Deletes the job type and all its versions (ConflictError while a job uses one). False if absent. */
export async function deleteJobType(db: Kysely<Database>, key: JobTypeKey): Promise<boolean> {
  const jobType = await findJobType(db, key);
  if (!jobType) return false;
  const result = await db.deleteFrom('jobtypes').where('id', '=', jobType.id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- versions ---------------------------------------------------------------------------------------

/** Adds version max+1 (1 for the first) with its software requirements. */
export async function createJobTypeVersion(
  db: Kysely<Database>,
  jobtypeId: number,
  input: NewJobTypeVersion,
): Promise<JobTypeVersion> {
  const row = {
    max_batch:
      input.maxBatch === undefined ? 1 : nullable(input.maxBatch, (v) => checkPositive('max_batch', v)),
    batch_contiguous:
      input.batchContiguous === undefined ? true : checkBoolean('batch_contiguous', input.batchContiguous),
    no_automatic_start_time:
      input.noAutomaticStartTime === undefined
        ? false
        : checkBoolean('no_automatic_start_time', input.noAutomaticStartTime),
    supports_tiling:
      input.supportsTiling === undefined ? false : checkBoolean('supports_tiling', input.supportsTiling),
    classname: nullable(input.classname ?? null, (v) => checkString('classname', v, { maxLength: 64 })),
    code: checkText('code', input.code, { long: true }),
  };
  return transaction(db, async (trx) => {
    // Lock the job type row so that two concurrent new versions cannot both take max+1 (SQLite
    // serialises writers anyway and has no FOR UPDATE).
    let lock = trx.selectFrom('jobtypes').select('id').where('id', '=', jobtypeId);
    if (dialectOf(trx as Kysely<unknown>) !== 'sqlite') lock = lock.forUpdate();
    if (!(await lock.executeTakeFirst())) throw new NotFoundError('jobtype', jobtypeId);
    const requirements = await resolveSoftwareRequirements(trx, input.softwareRequirements ?? []);
    const { max } = await trx
      .selectFrom('jobtype_versions')
      .select((eb) => eb.fn.max('version').as('max'))
      .where('jobtype_id', '=', jobtypeId)
      .executeTakeFirstOrThrow();
    const version = (max === null ? 0 : Number(max)) + 1;
    const id = await insertReturningId(trx, 'jobtype_versions', { jobtype_id: jobtypeId, version, ...row });
    await replaceRequirements(trx, id, requirements);
    return toVersion({ id, jobtype_id: jobtypeId, version, ...row });
  });
}

/** A version by its number within the job type. */
export async function findJobTypeVersion(
  db: Kysely<Database>,
  jobtypeId: number,
  version: number,
): Promise<JobTypeVersion | undefined> {
  const row = await db
    .selectFrom('jobtype_versions')
    .selectAll()
    .where('jobtype_id', '=', jobtypeId)
    .where('version', '=', version)
    .executeTakeFirst();
  return row && toVersion(row);
}

export async function getJobTypeVersion(
  db: Kysely<Database>,
  jobtypeId: number,
  version: number,
): Promise<JobTypeVersion> {
  const found = await findJobTypeVersion(db, jobtypeId, version);
  if (!found) throw new NotFoundError('jobtype version', `${jobtypeId}/${version}`);
  return found;
}

export async function findJobTypeVersionById(
  db: Kysely<Database>,
  id: number,
): Promise<JobTypeVersion | undefined> {
  const row = await db.selectFrom('jobtype_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toVersion(row);
}

/** The highest version of the job type; undefined when it has none. */
export async function findLatestJobTypeVersion(
  db: Kysely<Database>,
  jobtypeId: number,
): Promise<JobTypeVersion | undefined> {
  const row = await db
    .selectFrom('jobtype_versions')
    .selectAll()
    .where('jobtype_id', '=', jobtypeId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && toVersion(row);
}

/** Version numbers, ascending. */
export async function listJobTypeVersionNumbers(db: Kysely<Database>, jobtypeId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('jobtype_versions')
    .select('version')
    .where('jobtype_id', '=', jobtypeId)
    .orderBy('version')
    .execute();
  return rows.map((row) => row.version);
}

/** Deletes one version (ConflictError while a job uses it). False if absent. */
export async function deleteJobTypeVersion(db: Kysely<Database>, versionId: number): Promise<boolean> {
  const result = await db.deleteFrom('jobtype_versions').where('id', '=', versionId).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function listJobTypeVersionRequirements(
  db: Kysely<Database>,
  versionId: number,
): Promise<SoftwareRequirement[]> {
  const rows = await db
    .selectFrom('jobtype_software_requirements')
    .select(['software_id', 'min_version_id', 'max_version_id'])
    .where('jobtype_version_id', '=', versionId)
    .execute();
  return describeRequirements(db, rows);
}

/** Replaces the version's requirements. */
export async function setJobTypeVersionRequirements(
  db: Kysely<Database>,
  versionId: number,
  inputs: readonly SoftwareRequirementInput[],
): Promise<SoftwareRequirement[]> {
  return transaction(db, async (trx) => {
    if (!(await findJobTypeVersionById(trx, versionId)))
      throw new NotFoundError('jobtype version', versionId);
    await replaceRequirements(trx, versionId, await resolveSoftwareRequirements(trx, inputs));
    return listJobTypeVersionRequirements(trx, versionId);
  });
}

async function replaceRequirements(
  trx: Kysely<Database>,
  versionId: number,
  requirements: readonly { softwareId: number; minVersionId: number | null; maxVersionId: number | null }[],
): Promise<void> {
  await trx.deleteFrom('jobtype_software_requirements').where('jobtype_version_id', '=', versionId).execute();
  if (requirements.length === 0) return;
  await trx
    .insertInto('jobtype_software_requirements')
    .values(
      requirements.map((r) => ({
        jobtype_version_id: versionId,
        software_id: r.softwareId,
        min_version_id: r.minVersionId,
        max_version_id: r.maxVersionId,
      })),
    )
    .execute();
}

function checkJobTypeFields(input: JobTypeFields): Partial<Omit<Selectable<JobTypesTable>, 'id'>> {
  const values: Partial<Omit<Selectable<JobTypesTable>, 'id'>> = {};
  if (input.name !== undefined) values.name = checkString('name', input.name, { maxLength: 64 });
  const texts = [
    ['description', 'description'],
    ['successSubject', 'success_subject'],
    ['successBody', 'success_body'],
    ['failSubject', 'fail_subject'],
    ['failBody', 'fail_body'],
  ] as const;
  for (const [key, column] of texts) {
    const value = input[key];
    if (value !== undefined) values[column] = nullable(value, (v) => checkText(column, v));
  }
  return values;
}

function toJobType(row: Selectable<JobTypesTable>): JobType {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    successSubject: row.success_subject,
    successBody: row.success_body,
    failSubject: row.fail_subject,
    failBody: row.fail_body,
  };
}

function toVersion(row: Selectable<JobTypeVersionsTable>): JobTypeVersion {
  return {
    id: row.id,
    jobtypeId: row.jobtype_id,
    version: row.version,
    maxBatch: row.max_batch,
    batchContiguous: row.batch_contiguous,
    noAutomaticStartTime: row.no_automatic_start_time,
    supportsTiling: row.supports_tiling,
    classname: row.classname,
    code: row.code,
  };
}
