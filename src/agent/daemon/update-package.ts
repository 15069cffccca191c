/**
 * Applying an agent update (what the supervisor does before it restarts the agent): the archive the agent
 * downloaded into the drop directory replaces the contents of the agent package directory. Entries that
 * would land outside the directory (absolute paths, `..`) make the whole archive invalid; nothing is
 * wiped before the archive has been read and checked.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { unzipSync } from 'fflate';
import { DroverError } from '../../core/errors.js';

/** The file name the agent downloads an update to and the supervisor looks for in the drop directory. */
export const UPDATE_ARCHIVE = 'drover-agent.zip';

export class UpdateArchiveError extends DroverError {
  readonly code = 'update_archive';
}

export function applyUpdate(archive: string, packageDir: string): number {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(readFileSync(archive)));
  } catch (err) {
    throw new UpdateArchiveError(`${archive} is not a readable zip archive: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const files = Object.entries(entries).filter(([name]) => !name.endsWith('/'));
  for (const [name] of files) {
    const clean = normalize(name);
    if (isAbsolute(name) || clean.startsWith(`..${sep}`) || clean === '..') {
      throw new UpdateArchiveError(`${archive} holds an entry outside the package: ${JSON.stringify(name)}`);
    }
  }
  if (files.length === 0) throw new UpdateArchiveError(`${archive} is empty`);
  mkdirSync(packageDir, { recursive: true });
  for (const entry of readdirSync(packageDir))
    rmSync(join(packageDir, entry), { recursive: true, force: true });
  for (const [name, data] of files) {
    const target = join(packageDir, normalize(name));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, data);
    if (/^bin\//.test(name)) chmodSync(target, 0o755);
  }
  rmSync(archive, { force: true });
  return files.length;
}
