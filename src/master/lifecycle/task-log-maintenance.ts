/**
 * Task log files under `tasklogs_dir` (spec §3): orphans are removed (rows no task attempt links to, and
 * files no row names), and logs are gzipped at rest (`<identifier>.gz`). A file is compressed only once it
 * has not changed for `settleMs`, so an upload in progress is left alone.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import {
  deleteUnlinkedTaskLogs,
  findKnownTaskLogIdentifiers,
} from '../../db/tasklogs/task-log-maintenance.repository.js';

const GZ = '.gz';

/** Returns the files removed. */
export async function cleanUpOrphanedTaskLogs(db: Kysely<Database>, dir: string): Promise<string[]> {
  await deleteUnlinkedTaskLogs(db);
  const files = await listFiles(dir);
  const identifiers = files.map((f) => (f.endsWith(GZ) ? f.slice(0, -GZ.length) : f));
  const known = await findKnownTaskLogIdentifiers(db, [...new Set(identifiers)]);
  const removed: string[] = [];
  for (const [i, file] of files.entries()) {
    if (known.has(identifiers[i]!)) continue;
    await rm(join(dir, file), { force: true });
    removed.push(file);
  }
  return removed;
}

/** Returns the files compressed. */
export async function compressTaskLogs(dir: string, now: number, settleMs: number): Promise<string[]> {
  const compressed: string[] = [];
  for (const file of await listFiles(dir)) {
    if (file.endsWith(GZ) || file.endsWith('.tmp')) continue;
    const path = join(dir, file);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || now - info.mtimeMs < settleMs) continue;
    const target = `${path}${GZ}`;
    const partial = `${target}.tmp`;
    await pipeline(createReadStream(path), createGzip(), createWriteStream(partial));
    await rename(partial, target);
    await rm(path, { force: true });
    compressed.push(file);
  }
  return compressed;
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => e.name);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
