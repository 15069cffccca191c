/**
 * Software requirements of jobs and job type versions: a software, optionally bounded by a minimum and a
 * maximum version (compared by rank, inclusive). Inputs name the software and versions by id or name;
 * they are resolved and checked here (unknown → NotFoundError, a version of another software or
 * min above max → ValidationError).
 */
import type { Kysely } from 'kysely';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { Database } from '../database.js';
import {
  findSoftware,
  findSoftwareVersion,
  type SoftwareKey,
  type SoftwareVersionKey,
} from './software.repository.js';

export interface SoftwareRequirementInput {
  software: SoftwareKey;
  minVersion?: SoftwareVersionKey | null;
  maxVersion?: SoftwareVersionKey | null;
}

/** A requirement resolved to ids, as stored. */
export interface ResolvedSoftwareRequirement {
  readonly softwareId: number;
  readonly minVersionId: number | null;
  readonly maxVersionId: number | null;
}

/** A requirement with names, as read back. */
export interface SoftwareRequirement extends ResolvedSoftwareRequirement {
  readonly software: string;
  readonly minVersion: string | null;
  readonly minRank: number | null;
  readonly maxVersion: string | null;
  readonly maxRank: number | null;
}

export async function resolveSoftwareRequirements(
  db: Kysely<Database>,
  inputs: readonly SoftwareRequirementInput[],
  field = 'software_requirements',
): Promise<ResolvedSoftwareRequirement[]> {
  const resolved: ResolvedSoftwareRequirement[] = [];
  for (const [i, input] of inputs.entries()) {
    const at = `${field}[${i}]`;
    if (typeof input !== 'object' || input === null) {
      throw new ValidationError(`${at}: must be an object`, { field: at, value: input });
    }
    const software = await findSoftware(db, input.software);
    if (!software) throw new NotFoundError('software', input.software);
    if (resolved.some((r) => r.softwareId === software.id)) {
      throw new ValidationError(`${at}: ${software.software} is required twice`, {
        field: at,
        value: input.software,
      });
    }
    const version = async (key: SoftwareVersionKey | null | undefined) => {
      if (key === null || key === undefined) return undefined;
      const found = await findSoftwareVersion(db, software.id, key);
      if (!found) throw new NotFoundError('software version', `${software.software} ${key}`);
      return found;
    };
    const min = await version(input.minVersion);
    const max = await version(input.maxVersion);
    if (min && max && min.rank > max.rank) {
      throw new ValidationError(
        `${at}: min_version ${min.version} is newer than max_version ${max.version}`,
        {
          field: `${at}.min_version`,
          value: input.minVersion,
        },
      );
    }
    resolved.push({ softwareId: software.id, minVersionId: min?.id ?? null, maxVersionId: max?.id ?? null });
  }
  return resolved;
}

/** Row shape shared by job and job type version requirement tables. */
export interface RequirementRow {
  software_id: number;
  min_version_id: number | null;
  max_version_id: number | null;
}

/** Adds names and ranks to stored requirements, ordered by software name. */
export async function describeRequirements(
  db: Kysely<Database>,
  rows: readonly RequirementRow[],
): Promise<SoftwareRequirement[]> {
  if (rows.length === 0) return [];
  const softwareIds = [...new Set(rows.map((r) => r.software_id))];
  const versionIds = [
    ...new Set(
      rows.flatMap((r) => [r.min_version_id, r.max_version_id]).filter((id): id is number => id !== null),
    ),
  ];
  const [software, versions] = await Promise.all([
    db.selectFrom('software').select(['id', 'software']).where('id', 'in', softwareIds).execute(),
    versionIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('software_versions')
          .select(['id', 'version', 'rank'])
          .where('id', 'in', versionIds)
          .execute(),
  ]);
  const names = new Map(software.map((s) => [s.id, s.software]));
  const byId = new Map(versions.map((v) => [v.id, v]));
  return rows
    .map((row) => {
      const min = row.min_version_id === null ? undefined : byId.get(row.min_version_id);
      const max = row.max_version_id === null ? undefined : byId.get(row.max_version_id);
      return {
        softwareId: row.software_id,
        software: names.get(row.software_id) ?? '',
        minVersionId: row.min_version_id,
        minVersion: min?.version ?? null,
        minRank: min?.rank ?? null,
        maxVersionId: row.max_version_id,
        maxVersion: max?.version ?? null,
        maxRank: max?.rank ?? null,
      };
    })
    .sort((a, b) => (a.software < b.software ? -1 : a.software > b.software ? 1 : 0));
}
