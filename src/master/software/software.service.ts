/**
 * Software workflows. Versions are addressed by their version string within a software (never by id:
 * "2014" is a version, not an id). Ranks are unique per software; a version used as a requirement's
 * minimum or maximum cannot be deleted, nor can a software that a job or job type requires. Each write is
 * one transaction.
 */
import type { Kysely } from 'kysely';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import {
  addSoftwareVersion,
  createSoftware,
  deleteSoftware,
  deleteSoftwareVersion,
  findSoftware,
  findSoftwareVersion,
  listSoftwareVersions,
  renameSoftware,
  updateSoftwareVersion,
  type NewSoftwareVersion,
  type Software,
  type SoftwareKey,
  type SoftwareVersion,
  type SoftwareWithVersions,
} from '../../db/software/software.repository.js';
import { transaction } from '../../db/transaction.js';
import type {
  SoftwareBody,
  SoftwareVersionInput,
  UpdateSoftwareVersionBody,
} from '../../api/schemas/software.js';
import type { MasterContext } from '../context.js';

export async function getSoftwareWithVersions(
  db: Kysely<Database>,
  key: SoftwareKey,
): Promise<SoftwareWithVersions> {
  const software = await requireSoftware(db, key);
  return { ...software, versions: await listSoftwareVersions(db, software.id) };
}

/** POST /software/: a new software with its versions (ranks 100, 200, ... where none is given). */
export async function createSoftwareWithVersions(
  ctx: MasterContext,
  body: SoftwareBody,
): Promise<SoftwareWithVersions> {
  return transaction(ctx.db, async (trx) => {
    if (await findSoftware(trx, body.software)) {
      throw new ConflictError(`software ${JSON.stringify(body.software)} already exists`, {
        entity: 'software',
      });
    }
    const software = await createSoftware(trx, { software: body.software });
    for (const [i, input] of (body.versions ?? []).entries()) {
      await addVersion(trx, software, input, `versions[${i}]`);
    }
    return getSoftwareWithVersions(trx, software.id);
  });
}

/**
 * PUT /software/<x>: creates the software (named as in the URL), or renames it (only when addressed by
 * id: a name in the URL must equal the body's). With `versions`, the software ends up with exactly those
 * versions: listed ones are added or changed, the others deleted (a bound of a requirement cannot be).
 */
export async function putSoftware(
  ctx: MasterContext,
  key: SoftwareKey,
  body: SoftwareBody,
): Promise<{ software: SoftwareWithVersions; created: boolean }> {
  if (typeof key === 'string' && body.software !== key) {
    throw new ValidationError(
      `software: must equal the name in the URL (${JSON.stringify(key)}), got ${JSON.stringify(body.software)}`,
      { field: 'software', value: body.software },
    );
  }
  return transaction(ctx.db, async (trx) => {
    const existing = await findSoftware(trx, key);
    if (!existing) {
      if (typeof key === 'number') throw new NotFoundError('software', key);
      return { software: await createSoftwareWithVersions({ ...ctx, db: trx }, body), created: true };
    }
    if (body.software !== existing.software) {
      if (await findSoftware(trx, body.software)) {
        throw new ConflictError(`software ${JSON.stringify(body.software)} already exists`, {
          entity: 'software',
        });
      }
      await renameSoftware(trx, existing.id, body.software);
    }
    if (body.versions !== undefined) await replaceVersions(trx, existing, body.versions);
    return { software: await getSoftwareWithVersions(trx, existing.id), created: false };
  });
}

async function replaceVersions(
  trx: Kysely<Database>,
  software: Software,
  inputs: readonly SoftwareVersionInput[],
): Promise<void> {
  const seen = new Set<string>();
  for (const [i, input] of inputs.entries()) {
    if (seen.has(input.version)) {
      throw new ValidationError(`versions[${i}].version: ${JSON.stringify(input.version)} is listed twice`, {
        field: `versions[${i}].version`,
        value: input.version,
      });
    }
    seen.add(input.version);
  }
  for (const version of await listSoftwareVersions(trx, software.id)) {
    if (!seen.has(version.version)) await removeVersionRow(trx, software, version);
  }
  for (const [i, input] of inputs.entries()) {
    const existing = await findSoftwareVersion(trx, software.id, input.version);
    if (existing) await changeVersionRow(trx, software, existing, input, `versions[${i}]`);
    else await addVersion(trx, software, input, `versions[${i}]`);
  }
}

/** Deletes a software and its versions; refused while a job or job type version requires it. */
export async function removeSoftware(ctx: MasterContext, key: SoftwareKey): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    const software = await findSoftware(trx, key);
    if (!software) return false;
    const byJob = await trx
      .selectFrom('job_software_requirements')
      .select('job_id')
      .where('software_id', '=', software.id)
      .limit(1)
      .executeTakeFirst();
    if (byJob)
      throw inUse(`software ${JSON.stringify(software.software)} is required by job ${byJob.job_id}`);
    const byJobType = await trx
      .selectFrom('jobtype_software_requirements')
      .innerJoin(
        'jobtype_versions',
        'jobtype_versions.id',
        'jobtype_software_requirements.jobtype_version_id',
      )
      .innerJoin('jobtypes', 'jobtypes.id', 'jobtype_versions.jobtype_id')
      .select(['jobtypes.name', 'jobtype_versions.version'])
      .where('jobtype_software_requirements.software_id', '=', software.id)
      .limit(1)
      .executeTakeFirst();
    if (byJobType) {
      throw inUse(
        `software ${JSON.stringify(software.software)} is required by version ${byJobType.version} of jobtype ${JSON.stringify(byJobType.name)}`,
      );
    }
    return deleteSoftware(trx, software.id);
  });
}

/** POST /software/<x>/versions/: an existing version string or rank is a conflict. */
export async function createSoftwareVersion(
  ctx: MasterContext,
  key: SoftwareKey,
  input: SoftwareVersionInput,
): Promise<SoftwareVersion> {
  return transaction(ctx.db, async (trx) =>
    addVersion(trx, await requireSoftware(trx, key), input, 'version'),
  );
}

export async function getSoftwareVersion(
  db: Kysely<Database>,
  key: SoftwareKey,
  version: string,
): Promise<{ software: Software; version: SoftwareVersion }> {
  const software = await requireSoftware(db, key);
  const found = await findSoftwareVersion(db, software.id, version);
  if (!found) throw new NotFoundError('software version', `${software.software} ${version}`);
  return { software, version: found };
}

/** POST /software/<x>/versions/<v>: changes the given fields of one version. */
export async function changeSoftwareVersion(
  ctx: MasterContext,
  key: SoftwareKey,
  version: string,
  patch: UpdateSoftwareVersionBody,
): Promise<SoftwareVersion> {
  return transaction(ctx.db, async (trx) => {
    const found = await getSoftwareVersion(trx, key, version);
    return changeVersionRow(trx, found.software, found.version, patch, 'version');
  });
}

/** False when the version does not exist; NotFoundError when the software does not. */
export async function removeSoftwareVersion(
  ctx: MasterContext,
  key: SoftwareKey,
  version: string,
): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    const software = await requireSoftware(trx, key);
    const found = await findSoftwareVersion(trx, software.id, version);
    if (!found) return false;
    await removeVersionRow(trx, software, found);
    return true;
  });
}

async function requireSoftware(db: Kysely<Database>, key: SoftwareKey): Promise<Software> {
  const software = await findSoftware(db, key);
  if (!software) throw new NotFoundError('software', key);
  return software;
}

async function addVersion(
  trx: Kysely<Database>,
  software: Software,
  input: SoftwareVersionInput,
  field: string,
): Promise<SoftwareVersion> {
  if (await findSoftwareVersion(trx, software.id, input.version)) {
    throw new ConflictError(`${field}: ${software.software} ${input.version} already exists`, {
      entity: 'software version',
    });
  }
  if (input.rank !== undefined) await requireFreeRank(trx, software, input.rank, undefined, field);
  return addSoftwareVersion(trx, software.id, versionFields(input), field);
}

async function changeVersionRow(
  trx: Kysely<Database>,
  software: Software,
  existing: SoftwareVersion,
  patch: UpdateSoftwareVersionBody,
  field: string,
): Promise<SoftwareVersion> {
  if (patch.version !== undefined && patch.version !== existing.version) {
    if (await findSoftwareVersion(trx, software.id, patch.version)) {
      throw new ConflictError(`${field}: ${software.software} ${patch.version} already exists`, {
        entity: 'software version',
      });
    }
  }
  if (patch.rank !== undefined && patch.rank !== existing.rank) {
    await requireFreeRank(trx, software, patch.rank, existing.id, field);
  }
  return updateSoftwareVersion(trx, existing.id, versionFields(patch));
}

async function removeVersionRow(
  trx: Kysely<Database>,
  software: Software,
  version: SoftwareVersion,
): Promise<void> {
  const bound = (column: 'min_version_id' | 'max_version_id') =>
    Promise.all([
      trx
        .selectFrom('job_software_requirements')
        .select('job_id as owner')
        .where(column, '=', version.id)
        .limit(1)
        .executeTakeFirst(),
      trx
        .selectFrom('jobtype_software_requirements')
        .select('jobtype_version_id as owner')
        .where(column, '=', version.id)
        .limit(1)
        .executeTakeFirst(),
    ]);
  for (const column of ['min_version_id', 'max_version_id'] as const) {
    const [byJob, byJobType] = await bound(column);
    const what = column === 'min_version_id' ? 'minimum' : 'maximum';
    if (byJob)
      throw inUse(
        `${software.software} ${version.version} is the ${what} version required by job ${byJob.owner}`,
      );
    if (byJobType) {
      throw inUse(
        `${software.software} ${version.version} is the ${what} version required by a jobtype version`,
      );
    }
  }
  await deleteSoftwareVersion(trx, version.id);
}

async function requireFreeRank(
  trx: Kysely<Database>,
  software: Software,
  rank: number,
  exceptId: number | undefined,
  field: string,
): Promise<void> {
  const taken = (await listSoftwareVersions(trx, software.id)).find(
    (v) => v.rank === rank && v.id !== exceptId,
  );
  if (taken) {
    throw new ConflictError(
      `${field}.rank: ${rank} is already the rank of ${software.software} ${taken.version}`,
      {
        entity: 'software version',
        columns: ['software_id', 'rank'],
      },
    );
  }
}

function inUse(message: string): ConflictError {
  return new ConflictError(message, { entity: 'software' });
}

function versionFields(input: UpdateSoftwareVersionBody): NewSoftwareVersion {
  return {
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(input.rank !== undefined ? { rank: input.rank } : {}),
    ...(input.default !== undefined ? { default: input.default } : {}),
    ...(input.discovery_code !== undefined ? { discoveryCode: input.discovery_code } : {}),
    ...(input.discovery_function_name !== undefined
      ? { discoveryFunctionName: input.discovery_function_name }
      : {}),
  };
}
