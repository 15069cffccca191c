/**
 * Frame specifications for `drover submit --frames`: `1-100`, `1-100x5` (every 5th frame), `1,5,10-20`,
 * decimals (`1-2x0.25`) and negative frames (`-10--1`). A job holds one arithmetic range (start, end, by),
 * so a specification becomes the fewest ranges a left-to-right fold finds: `1,5,10-20` → `1-5x4` and
 * `10-20`, `1,3,5,7` → `1-7x2`. Each range is one job.
 *
 * Frames are handled as integers in units of 1/10000 (the master stores NUMERIC(10,4)), so steps such as
 * 0.1 never accumulate floating-point error, and every listed frame appears exactly once.
 */
import { ValidationError } from '../../core/errors.js';

export interface FrameRange {
  start: number;
  end: number;
  by: number;
}

const SCALE = 10_000;
/** Expanding more frames than this is almost surely a typo (`1-10000000`). */
export const MAX_FRAMES = 1_000_000;

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const ITEM = new RegExp(`^(${NUMBER})(?:-(${NUMBER})(?:[x:](\\d+(?:\\.\\d+)?))?)?$`);

function scaled(text: string, spec: string): number {
  const value = Math.round(Number(text) * SCALE);
  if (!Number.isSafeInteger(value) || Math.abs(value) >= 10 ** 10) {
    throw new ValidationError(`--frames ${spec}: ${text} is out of range`, { field: 'frames', value: spec });
  }
  return value;
}

/** The listed frames in units of 1/10000, sorted and without duplicates. */
function expand(spec: string): number[] {
  const frames = new Set<number>();
  const items = spec.split(',').map((item) => item.trim());
  for (const item of items) {
    const match = ITEM.exec(item);
    if (!match) {
      throw new ValidationError(
        `--frames ${spec}: "${item}" is not a frame, a range (1-100) or a stepped range (1-100x5)`,
        { field: 'frames', value: spec },
      );
    }
    const start = scaled(match[1]!, spec);
    const end = match[2] === undefined ? start : scaled(match[2], spec);
    const by = match[3] === undefined ? SCALE : scaled(match[3], spec);
    if (end < start) {
      throw new ValidationError(`--frames ${spec}: "${item}" ends before it starts`, {
        field: 'frames',
        value: spec,
      });
    }
    if (by <= 0) {
      throw new ValidationError(`--frames ${spec}: the step of "${item}" must be positive`, {
        field: 'frames',
        value: spec,
      });
    }
    if ((end - start) / by + frames.size >= MAX_FRAMES) {
      throw new ValidationError(`--frames ${spec}: more than ${MAX_FRAMES} frames`, {
        field: 'frames',
        value: spec,
      });
    }
    for (let frame = start; frame <= end; frame += by) frames.add(frame);
  }
  return [...frames].sort((a, b) => a - b);
}

/** Parses a specification into ranges ordered by their first frame. */
export function parseFrameSpec(spec: string): FrameRange[] {
  if (spec.trim() === '') {
    throw new ValidationError('--frames is empty', { field: 'frames', value: spec });
  }
  const frames = expand(spec);
  const ranges: FrameRange[] = [];
  let i = 0;
  while (i < frames.length) {
    const start = frames[i]!;
    const next = frames[i + 1];
    if (next === undefined) {
      ranges.push({ start, end: start, by: SCALE });
      break;
    }
    const by = next - start;
    let end = next;
    i += 2;
    while (i < frames.length && frames[i]! - end === by) end = frames[i++]!;
    ranges.push({ start, end, by });
  }
  return ranges.map((r) => ({ start: r.start / SCALE, end: r.end / SCALE, by: r.by / SCALE }));
}

/** The frames of a range, e.g. to test that a fold keeps every listed frame. */
export function framesOf(range: FrameRange): number[] {
  const start = Math.round(range.start * SCALE);
  const end = Math.round(range.end * SCALE);
  const by = Math.round(range.by * SCALE);
  const frames: number[] = [];
  for (let frame = start; frame <= end; frame += by) frames.push(frame / SCALE);
  return frames;
}

/** `1-100x5`, `10-20`, `7`: the short form of a range, as used in job titles. */
export function formatFrameRange(range: FrameRange): string {
  if (range.start === range.end) return String(range.start);
  return range.by === 1 ? `${range.start}-${range.end}` : `${range.start}-${range.end}x${range.by}`;
}
