/**
 * Software and its versions. Versions are ranked within their software (higher rank = newer); job and job
 * type requirements name a minimum and maximum version, compared by rank. A software is addressed by id
 * or name, a version by id or version string (within its software).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database, SoftwareVersionsTable } from '../database.js';
import { insertReturningId } from '../inserts.js';
import { checkBoolean, checkInteger, checkString, checkText } from '../rules/field-rules.js';
import { transaction } from '../transaction.js';

export interface Software {
  readonly id: number;
  readonly software: string;
}

export interface SoftwareVersion {
  readonly id: number;
  readonly softwareId: number;
  readonly version: string;
  readonly rank: number;
  /** Attached to newly registered agents. */
  readonly default: boolean;
  readonly discoveryCode: string | null;
  readonly discoveryFunctionName: string | null;
}

export interface SoftwareWithVersions extends Software {
  /** Ordered by rank. */
  readonly versions: readonly SoftwareVersion[];
}

export interface NewSoftwareVersion {
  version?: string;
  /** Default: the highest rank + 100, rounded up to a multiple of 100 (100 for the first version). */
  rank?: number;
  default?: boolean;
  /** Code that finds the version on an agent; given together with the function name, or not at all. */
  discoveryCode?: string | null;
  discoveryFunctionName?: string | null;
}

export type SoftwareVersionPatch = NewSoftwareVersion;

export type SoftwareKey = number | string;
export type SoftwareVersionKey = number | string;

const MAX_NAME = 64;

export async function createSoftware(
  db: Kysely<Database>,
  input: { software: string; versions?: readonly NewSoftwareVersion[] },
): Promise<SoftwareWithVersions> {
  const name = checkString('software', input.software, { maxLength: MAX_NAME });
  return transaction(db, async (trx) => {
    const id = await insertReturningId(trx, 'software', { software: name });
    const versions: SoftwareVersion[] = [];
    for (const [i, version] of (input.versions ?? []).entries()) {
      versions.push(await addSoftwareVersion(trx, id, version, `versions[${i}]`));
    }
    return { id, software: name, versions };
  });
}

export async function findSoftware(db: Kysely<Database>, key: SoftwareKey): Promise<Software | undefined> {
  return db
    .selectFrom('software')
    .select(['id', 'software'])
    .where(typeof key === 'number' ? 'id' : 'software', '=', key)
    .executeTakeFirst();
}

export async function getSoftware(db: Kysely<Database>, key: SoftwareKey): Promise<Software> {
  const software = await findSoftware(db, key);
  if (!software) throw new NotFoundError('software', key);
  return software;
}

/** Every software with its versions, by name. */
export async function listSoftware(db: Kysely<Database>): Promise<SoftwareWithVersions[]> {
  const [software, versions] = await Promise.all([
    db.selectFrom('software').select(['id', 'software']).orderBy('software').execute(),
    db.selectFrom('software_versions').selectAll().orderBy('software_id').orderBy('rank').execute(),
  ]);
  const bySoftware = new Map<number, SoftwareVersion[]>();
  for (const row of versions) {
    const list = bySoftware.get(row.software_id) ?? [];
    list.push(toSoftwareVersion(row));
    bySoftware.set(row.software_id, list);
  }
  return software.map((s) => ({ ...s, versions: bySoftware.get(s.id) ?? [] }));
}

export async function renameSoftware(
  db: Kysely<Database>,
  key: SoftwareKey,
  name: string,
): Promise<Software> {
  const software = checkString('software', name, { maxLength: MAX_NAME });
  const existing = await getSoftware(db, key);
  await db.updateTable('software').set({ software }).where('id', '=', existing.id).execute();
  return { id: existing.id, software };
}

/**
 * Deletes a software with its versions, agent links, and the job and job type requirements naming it.
 * False when it did not exist. (Deleting a single version that a requirement uses as its minimum or
 * maximum is refused instead: see deleteSoftwareVersion.)
 */
export async function deleteSoftware(db: Kysely<Database>, key: SoftwareKey): Promise<boolean> {
  const software = await findSoftware(db, key);
  if (!software) return false;
  const result = await db.deleteFrom('software').where('id', '=', software.id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function addSoftwareVersion(
  db: Kysely<Database>,
  softwareId: number,
  input: NewSoftwareVersion,
  field = 'version',
): Promise<SoftwareVersion> {
  const values = checkVersionFields(input, field);
  checkDiscoveryPair(values.discoveryCode ?? null, values.discoveryFunctionName ?? null, field);
  return transaction(db, async (trx) => {
    let rank = values.rank;
    if (rank === undefined) {
      const { max } = await trx
        .selectFrom('software_versions')
        .select((eb) => eb.fn.max('rank').as('max'))
        .where('software_id', '=', softwareId)
        .executeTakeFirstOrThrow();
      rank = nextRank(max === null ? null : Number(max));
    }
    const row = {
      software_id: softwareId,
      version: values.version ?? 'any',
      rank,
      default: values.default ?? false,
      discovery_code: values.discoveryCode ?? null,
      discovery_function_name: values.discoveryFunctionName ?? null,
    };
    const id = await insertReturningId(trx, 'software_versions', row);
    return toSoftwareVersion({ id, ...row });
  });
}

/** The next default rank: the highest + 100, rounded up to a multiple of 100. */
export function nextRank(highest: number | null): number {
  return highest === null ? 100 : Math.ceil((highest + 100) / 100) * 100;
}

export async function findSoftwareVersion(
  db: Kysely<Database>,
  softwareId: number,
  key: SoftwareVersionKey,
): Promise<SoftwareVersion | undefined> {
  const row = await db
    .selectFrom('software_versions')
    .selectAll()
    .where('software_id', '=', softwareId)
    .where(typeof key === 'number' ? 'id' : 'version', '=', key)
    .executeTakeFirst();
  return row && toSoftwareVersion(row);
}

export async function getSoftwareVersion(
  db: Kysely<Database>,
  softwareId: number,
  key: SoftwareVersionKey,
): Promise<SoftwareVersion> {
  const version = await findSoftwareVersion(db, softwareId, key);
  if (!version) throw new NotFoundError('software version', key);
  return version;
}

/** A version by its id alone. */
export async function findSoftwareVersionById(
  db: Kysely<Database>,
  id: number,
): Promise<SoftwareVersion | undefined> {
  const row = await db.selectFrom('software_versions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toSoftwareVersion(row);
}

export async function listSoftwareVersions(
  db: Kysely<Database>,
  softwareId: number,
): Promise<SoftwareVersion[]> {
  const rows = await db
    .selectFrom('software_versions')
    .selectAll()
    .where('software_id', '=', softwareId)
    .orderBy('rank')
    .execute();
  return rows.map(toSoftwareVersion);
}

/** Versions flagged `default`, which a newly registered agent gets. */
export async function listDefaultSoftwareVersions(db: Kysely<Database>): Promise<SoftwareVersion[]> {
  const rows = await db
    .selectFrom('software_versions')
    .selectAll()
    .where('default', '=', true)
    .orderBy('software_id')
    .orderBy('rank')
    .execute();
  return rows.map(toSoftwareVersion);
}

export async function updateSoftwareVersion(
  db: Kysely<Database>,
  id: number,
  patch: SoftwareVersionPatch,
): Promise<SoftwareVersion> {
  const values = checkVersionFields(patch, 'version');
  return transaction(db, async (trx) => {
    const existing = await findSoftwareVersionById(trx, id);
    if (!existing) throw new NotFoundError('software version', id);
    const code = values.discoveryCode !== undefined ? values.discoveryCode : existing.discoveryCode;
    const fn =
      values.discoveryFunctionName !== undefined
        ? values.discoveryFunctionName
        : existing.discoveryFunctionName;
    checkDiscoveryPair(code, fn, 'version');
    const set = {
      ...(values.version !== undefined ? { version: values.version } : {}),
      ...(values.rank !== undefined ? { rank: values.rank } : {}),
      ...(values.default !== undefined ? { default: values.default } : {}),
      discovery_code: code,
      discovery_function_name: fn,
    };
    await trx.updateTable('software_versions').set(set).where('id', '=', id).execute();
    return (await findSoftwareVersionById(trx, id))!;
  });
}

/** Deletes a version (ConflictError while a job or job type requires it as min/max). False if absent. */
export async function deleteSoftwareVersion(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('software_versions').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

function checkVersionFields(input: NewSoftwareVersion, field: string): NewSoftwareVersion {
  const version =
    input.version === undefined
      ? undefined
      : checkString(`${field}.version`, input.version, { maxLength: MAX_NAME });
  const rank =
    input.rank === undefined
      ? undefined
      : checkInteger(`${field}.rank`, input.rank, { min: -2147483648, max: 2147483647 });
  const isDefault = input.default === undefined ? undefined : checkBoolean(`${field}.default`, input.default);
  const code =
    input.discoveryCode === undefined || input.discoveryCode === null
      ? input.discoveryCode
      : checkText(`${field}.discovery_code`, input.discoveryCode, { long: true });
  const fn =
    input.discoveryFunctionName === undefined || input.discoveryFunctionName === null
      ? input.discoveryFunctionName
      : checkString(`${field}.discovery_function_name`, input.discoveryFunctionName, { maxLength: 255 });
  return { version, rank, default: isDefault, discoveryCode: code, discoveryFunctionName: fn };
}

function checkDiscoveryPair(code: string | null, fn: string | null, field: string): void {
  if ((code === null) !== (fn === null)) {
    throw new ValidationError(
      `${field}: discovery_code and discovery_function_name must be given together (or neither)`,
      { field: `${field}.${code === null ? 'discovery_code' : 'discovery_function_name'}`, value: null },
    );
  }
}

function toSoftwareVersion(row: Selectable<SoftwareVersionsTable>): SoftwareVersion {
  return {
    id: row.id,
    softwareId: row.software_id,
    version: row.version,
    rank: row.rank,
    default: row.default,
    discoveryCode: row.discovery_code,
    discoveryFunctionName: row.discovery_function_name,
  };
}
