import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { framesOf, MAX_TASKS_PER_JOB } from './frame-range.js';

describe('framesOf', () => {
  it.each([
    [{ start: 1, end: 5 }, [1, 2, 3, 4, 5]],
    [{ start: 1, end: 1 }, [1]],
    [{ start: 1, end: 10, by: 3 }, [1, 4, 7, 10]],
    [{ start: 1, end: 9, by: 3 }, [1, 4, 7]],
    [{ start: 0, end: 1, by: 0.25 }, [0, 0.25, 0.5, 0.75, 1]],
    [{ start: 0, end: 0.3, by: 0.1 }, [0, 0.1, 0.2, 0.3]],
    [{ start: -2, end: 2, by: 2 }, [-2, 0, 2]],
    [{ start: 1.5, end: 3 }, [1.5, 2.5]],
  ])('%j → %j', (range, frames) => {
    expect(framesOf(range)).toEqual(frames);
  });

  it('rejects an end before the start', () => {
    expect(() => framesOf({ start: 5, end: 4 })).toThrow(/end: must not be before start/);
  });

  it('rejects absurd ranges', () => {
    expect(() => framesOf({ start: 1, end: MAX_TASKS_PER_JOB + 1 })).toThrow(ValidationError);
    expect(() => framesOf({ start: 1, end: 10 }, MAX_TASKS_PER_JOB)).toThrow(/more than/);
  });

  it('always starts at start, steps by `by`, and never passes end', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -10_000, max: 10_000 }),
        fc.integer({ min: 0, max: 500 }),
        fc.integer({ min: 100, max: 50_000 }),
        (start, length, step) => {
          const by = step / 10_000;
          const frames = framesOf({ start, end: start + length, by });
          expect(frames[0]).toBe(start);
          expect(frames.at(-1)!).toBeLessThanOrEqual(start + length);
          expect(frames.at(-1)! + by).toBeGreaterThan(start + length - 1e-9);
          for (let i = 1; i < Math.min(frames.length, 50); i++) {
            expect(Math.round((frames[i]! - frames[i - 1]!) * 10_000)).toBe(step);
          }
        },
      ),
    );
  });
});
