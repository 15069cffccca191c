import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { durationMs, type Duration } from './duration.js';

describe('durationMs', () => {
  it.each<[Duration, number]>([
    [10, 10_000],
    [0.5, 500],
    [{ seconds: 30 }, 30_000],
    [{ minutes: 4 }, 240_000],
    [{ hours: 16 }, 57_600_000],
    [{ days: 1, hours: 1 }, 90_000_000],
    [{ weeks: 1 }, 604_800_000],
    [{ minutes: 1, seconds: 30, milliseconds: 250 }, 90_250],
    [{ microseconds: 1500 }, 1.5],
  ])('%j is %d ms', (value, ms) => {
    expect(durationMs(value)).toBe(ms);
  });

  it.each([[-1], [{}], [{ secs: 3 }], [{ seconds: -1 }], ['10'], [null]])('rejects %j', (value) => {
    expect(() => durationMs(value as Duration)).toThrow(ValidationError);
  });
});
