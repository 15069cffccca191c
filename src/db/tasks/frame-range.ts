/**
 * The frames of a job: start, start + by, ... up to and including end. Computed on integers scaled by
 * 10^4 (the NUMERIC(10,4) resolution), so 0.1 steps do not drift and the last frame is never lost to
 * rounding.
 */
import { ValidationError } from '../../core/errors.js';
import { checkFrame, checkFrameStep } from '../rules/work-rules.js';

const SCALE = 10_000;
/** More tasks than this in one job is almost certainly a typo in the frame range. */
export const MAX_TASKS_PER_JOB = 1_000_000;

export interface FrameRange {
  start: number;
  end: number;
  by?: number;
}

export function framesOf(range: FrameRange, tilesPerFrame = 1): number[] {
  const start = checkFrame(range.start, 'start');
  const end = checkFrame(range.end, 'end');
  const by = checkFrameStep(range.by ?? 1);
  if (end < start)
    throw new ValidationError(`end: must not be before start (${start})`, { field: 'end', value: range.end });
  const first = Math.round(start * SCALE);
  const last = Math.round(end * SCALE);
  const step = Math.round(by * SCALE);
  const count = Math.floor((last - first) / step) + 1;
  if (count * tilesPerFrame > MAX_TASKS_PER_JOB) {
    throw new ValidationError(
      `the frame range ${start}-${end} by ${by} makes ${count * tilesPerFrame} tasks, more than ${MAX_TASKS_PER_JOB}`,
      { field: 'end', value: range.end },
    );
  }
  const frames = new Array<number>(count);
  for (let i = 0; i < count; i++) frames[i] = (first + i * step) / SCALE;
  return frames;
}
