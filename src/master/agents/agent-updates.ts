/**
 * Agent update packages: zip files under `agent_updates_dir`, one per version, named as PyFarm named them
 * (`pyfarm-agent-<version>.zip`). The version is checked against PyFarm's pattern before it becomes part of
 * a path, so no request can name a file outside the directory.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_UPDATE_VERSION } from '../../api/schemas/agents.js';
import { ValidationError } from '../../core/errors.js';

export function checkUpdateVersion(version: string): string {
  if (!AGENT_UPDATE_VERSION.test(version)) {
    throw new ValidationError(
      `version: ${JSON.stringify(version.slice(0, 64))} is not an acceptable version number (e.g. 1.2.3 or 1.2.3-rc1)`,
      { field: 'version', value: version },
    );
  }
  return version;
}

export function updateFileName(version: string): string {
  return `pyfarm-agent-${checkUpdateVersion(version)}.zip`;
}

/** A zip archive starts with a local file header, or with the end record when it is empty. */
export function looksLikeZip(data: Buffer): boolean {
  return data.length >= 4 && data[0] === 0x50 && data[1] === 0x4b && (data[2] === 3 || data[2] === 5);
}

/** Stores the package atomically (a reader never sees half a file); replaces an earlier upload. */
export async function storeUpdate(dir: string, version: string, data: Buffer): Promise<string> {
  const path = join(dir, updateFileName(version));
  if (!looksLikeZip(data)) {
    throw new ValidationError('body: the update is not a zip file', { field: 'body' });
  }
  await mkdir(dir, { recursive: true });
  const partial = `${path}.${randomBytes(6).toString('hex')}.part`;
  try {
    await writeFile(partial, data);
    await rename(partial, path);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return path;
}

/** The stored package and its size, or undefined. */
export async function findUpdate(
  dir: string,
  version: string,
): Promise<{ path: string; size: number } | undefined> {
  const path = join(dir, updateFileName(version));
  try {
    const info = await stat(path);
    return info.isFile() ? { path, size: info.size } : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Where `agent_updates_webdir` serves the package. */
export function updateWebUrl(webdir: string, version: string): string {
  return `${webdir.replace(/\/+$/, '')}/${updateFileName(version)}`;
}
