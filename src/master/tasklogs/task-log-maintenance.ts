/**
 * The periodic services of spec §3 "Logs", for the scheduler's service loop to call (PyFarm ran the cleanup
 * hourly and the compression every 10 minutes):
 *
 *   const store = configuredTaskLogStore(ctx.config);
 *   await cleanUpOrphanedTaskLogs(ctx, store);
 *   await compressTaskLogs(ctx, store);
 *
 * Both are safe to run while the API serves uploads: files are only ever replaced by rename, and a log's
 * file is written only while its row exists.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logging.js';
import type { Database } from '../../db/database.js';
import {
  deleteOrphanedTaskLogs,
  findExistingTaskLogIdentifiers,
} from '../../db/tasklogs/task-log.repository.js';
import { logIdentifierProblem } from './log-identifier.js';
import type { StoreEntry, TaskLogStore } from './task-log-store.js';

export interface MaintenanceContext {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly log: Logger;
}

export interface OrphanCleanup {
  /** Log rows linked to no task attempt. */
  logsDeleted: number;
  /** Files of no log row, and upload temporaries left behind by a crash. */
  filesDeleted: number;
}

export interface CleanupOptions {
  /** Upload temporaries younger than this may belong to an upload in progress. Default: one hour. */
  temporaryGraceMs?: number;
}

const ENTRIES_PER_BATCH = 500;

/**
 * Deletes log rows without task attempts (their tasks are gone), then every file under the directory
 * that belongs to no log row (its plain and `.gz` forms alike).
 */
export async function cleanUpOrphanedTaskLogs(
  ctx: MaintenanceContext,
  store: TaskLogStore,
  options: CleanupOptions = {},
): Promise<OrphanCleanup> {
  const graceMs = options.temporaryGraceMs ?? 60 * 60 * 1000;
  const logsDeleted = await deleteOrphanedTaskLogs(ctx.db);
  let filesDeleted = 0;
  let batch: StoreEntry[] = [];
  const flush = async () => {
    const known = await findExistingTaskLogIdentifiers(
      ctx.db,
      batch.map((entry) => entry.identifier!),
    );
    for (const entry of batch) {
      if (known.has(entry.identifier!)) continue;
      await store.removeEntry(entry.name);
      filesDeleted += 1;
    }
    batch = [];
  };
  const now = ctx.clock.now();
  for await (const entry of store.entries()) {
    if (entry.identifier === undefined) {
      if (now - entry.modifiedMs > graceMs) {
        await store.removeEntry(entry.name);
        filesDeleted += 1;
      }
      continue;
    }
    batch.push(entry);
    if (batch.length >= ENTRIES_PER_BATCH) await flush();
  }
  if (batch.length > 0) await flush();
  if (logsDeleted + filesDeleted > 0) {
    ctx.log.info({ logsDeleted, filesDeleted }, 'orphaned task logs cleaned up');
  }
  return { logsDeleted, filesDeleted };
}

export interface CompressOptions {
  /** Plain files modified more recently than this may still be being written. Default: one minute. */
  settleMs?: number;
}

/** Gzips every plain log file to `<name>.gz` and removes the original. A file that fails is left as it is. */
export async function compressTaskLogs(
  ctx: MaintenanceContext,
  store: TaskLogStore,
  options: CompressOptions = {},
): Promise<{ compressed: number; failed: number }> {
  const settleMs = options.settleMs ?? 60 * 1000;
  const now = ctx.clock.now();
  const plain: string[] = [];
  for await (const entry of store.entries()) {
    const { identifier } = entry;
    if (identifier === undefined || entry.compressed || logIdentifierProblem(identifier) !== undefined)
      continue;
    if (now - entry.modifiedMs >= settleMs) plain.push(identifier);
  }
  let compressed = 0;
  let failed = 0;
  for (const identifier of plain) {
    try {
      await store.compress(identifier);
      compressed += 1;
    } catch (err) {
      // Vanished meanwhile or unreadable: the next run retries.
      failed += 1;
      ctx.log.warn({ err, identifier }, 'task log not compressed');
    }
  }
  if (compressed > 0) ctx.log.info({ compressed, failed }, 'task logs compressed');
  return { compressed, failed };
}
