/**
 * Registers the job types Drover ships (`jobtypes/builtin/*.js`) at master start-up, idempotently:
 * - a name that does not exist yet → the job type with version 1;
 * - an existing job type none of whose versions has the shipped code (by SHA-256) → a new version,
 *   keeping the latest version's software requirements (an admin may have added some);
 * - otherwise nothing, so an admin's own newer version stays current until Drover ships new code.
 * A file that cannot be read as a job type is reported and skipped: the master still starts.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { ConflictError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import type { Database } from '../../db/database.js';
import {
  createJobType,
  createJobTypeVersion,
  findJobType,
  findLatestJobTypeVersion,
  listJobTypeVersionRequirements,
  type NewJobTypeVersion,
} from '../../db/jobtypes/jobtype.repository.js';
import { transaction } from '../../db/transaction.js';
import { parseBuiltinJobType, type BuiltinJobType } from './builtin-jobtype-file.js';
import { requirementKeys } from './jobtype.service.js';

/** `jobtypes/builtin` at the root of the installation (the same depth from src/ and dist/). */
export const DEFAULT_BUILTIN_JOBTYPES_DIR = fileURLToPath(
  new URL('../../../jobtypes/builtin/', import.meta.url),
);

export type BuiltinOutcome = 'created' | 'updated' | 'unchanged';

export interface BuiltinRegistration {
  readonly registered: readonly { name: string; file: string; outcome: BuiltinOutcome; version: number }[];
  readonly skipped: readonly { file: string; problem: string }[];
}

export async function registerBuiltinJobTypes(
  db: Kysely<Database>,
  log: Logger,
  dir: string = DEFAULT_BUILTIN_JOBTYPES_DIR,
): Promise<BuiltinRegistration> {
  const registered: BuiltinRegistration['registered'][number][] = [];
  const skipped: BuiltinRegistration['skipped'][number][] = [];
  let files: string[];
  try {
    files = (await readdir(dir)).filter((f) => /\.m?js$/.test(f)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    log.debug({ dir }, 'no built-in job types');
    return { registered, skipped };
  }
  const names = new Map<string, string>();
  for (const file of files) {
    let builtin: BuiltinJobType;
    try {
      builtin = parseBuiltinJobType(file, await readFile(join(dir, file), 'utf8'));
      const other = names.get(builtin.name);
      if (other !== undefined)
        throw new Error(`${file}: job type ${builtin.name} is already defined by ${other}`);
      names.set(builtin.name, file);
    } catch (err) {
      const problem = err instanceof Error ? err.message : String(err);
      log.error({ dir, file, problem }, 'built-in job type skipped');
      skipped.push({ file, problem });
      continue;
    }
    const result = await registerWithRetry(db, builtin);
    if (result.outcome !== 'unchanged')
      log.info({ jobtype: builtin.name, ...result }, 'built-in job type registered');
    registered.push({ name: builtin.name, file, ...result });
  }
  return { registered, skipped };
}

/** Two masters starting together may both try to create a job type; the loser re-reads. */
async function registerWithRetry(
  db: Kysely<Database>,
  builtin: BuiltinJobType,
): Promise<{ outcome: BuiltinOutcome; version: number }> {
  try {
    return await registerOne(db, builtin);
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return registerOne(db, builtin);
  }
}

async function registerOne(
  db: Kysely<Database>,
  builtin: BuiltinJobType,
): Promise<{ outcome: BuiltinOutcome; version: number }> {
  return transaction(db, async (trx) => {
    const existing = await findJobType(trx, builtin.name);
    if (!existing) {
      const { version } = await createJobType(
        trx,
        { name: builtin.name, description: builtin.description },
        versionOf(builtin),
      );
      return { outcome: 'created', version: version.version };
    }
    const versions = await trx
      .selectFrom('jobtype_versions')
      .select(['version', 'code'])
      .where('jobtype_id', '=', existing.id)
      .execute();
    const shipped = versions.find((v) => sha256(v.code) === builtin.sha256);
    if (shipped) return { outcome: 'unchanged', version: shipped.version };
    const latest = await findLatestJobTypeVersion(trx, existing.id);
    const requirements = latest ? await listJobTypeVersionRequirements(trx, latest.id) : [];
    const version = await createJobTypeVersion(trx, existing.id, {
      ...versionOf(builtin),
      softwareRequirements: requirements.map(requirementKeys),
    });
    return { outcome: 'updated', version: version.version };
  });
}

function versionOf(builtin: BuiltinJobType): NewJobTypeVersion {
  return {
    code: builtin.code,
    classname: builtin.classname,
    maxBatch: builtin.maxBatch,
    batchContiguous: builtin.batchContiguous,
    supportsTiling: builtin.supportsTiling,
    noAutomaticStartTime: builtin.noAutomaticStartTime,
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
