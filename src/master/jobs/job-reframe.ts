/**
 * Re-framing a job (spec §2 alter_frame_range): the tasks become exactly start..end by `by` (times
 * `numTiles` tiles). Tasks of frames or tiles no longer wanted are deleted, missing ones created; tasks
 * that stay keep their state and history. Frames are compared on the NUMERIC(10,4) grid, so 0.1 + 0.2 is
 * frame 0.3. PyFarm created one tile too few (§11.12); here tiles are 0..numTiles-1.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { framesOf, type FrameRange } from '../../db/tasks/frame-range.js';
import { listTaskFrames } from '../../db/tasks/job-tasks.repository.js';
import { createTasks, deleteTasks, type NewTask } from '../../db/tasks/task.repository.js';
import type { WriteOptions } from '../../db/write-options.js';

export interface Reframed {
  created: number;
  deleted: number;
}

const SCALE = 10_000;

function frameKey(frame: number, tile: number | null): string {
  return `${Math.round(frame * SCALE)}/${tile ?? ''}`;
}

/**
 * `range` fields left out keep their current value: start and end the job's first and last frame, `by`
 * and `numTiles` the job's.
 */
export async function reframeJob(
  db: Kysely<Database>,
  job: { id: number; by: number; numTiles: number | null },
  range: Partial<FrameRange> & { numTiles?: number | null },
  options: WriteOptions,
): Promise<Reframed> {
  const existing = await listTaskFrames(db, job.id);
  const start = range.start ?? existing[0]?.frame ?? 1;
  const end = range.end ?? existing[existing.length - 1]?.frame ?? start;
  const by = range.by ?? job.by;
  const tiles = range.numTiles === undefined ? job.numTiles : range.numTiles;
  const wanted = new Map<string, NewTask>();
  for (const frame of framesOf({ start, end, by }, tiles ?? 1)) {
    if (tiles === null) wanted.set(frameKey(frame, null), { frame });
    else for (let tile = 0; tile < tiles; tile++) wanted.set(frameKey(frame, tile), { frame, tile });
  }
  const obsolete: number[] = [];
  for (const task of existing) {
    const key = frameKey(task.frame, task.tile);
    if (wanted.has(key)) wanted.delete(key);
    else obsolete.push(task.id);
  }
  const deleted = await deleteTasks(db, obsolete);
  const created = await createTasks(db, job.id, [...wanted.values()], options);
  return { created, deleted };
}
