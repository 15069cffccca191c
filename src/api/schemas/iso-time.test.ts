import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatIsoTime } from './iso-time.js';

// The whole range Date accepts: ±8.64e15 ms around the epoch.
const DATE_LIMIT = 8_640_000_000_000_000;

describe('formatIsoTime', () => {
  it('writes what Date#toISOString writes, for any time Date accepts', () => {
    fc.assert(
      fc.property(fc.integer({ min: -DATE_LIMIT, max: DATE_LIMIT }), (ms) => {
        expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 5000 },
    );
  });

  it('stays right when consecutive times cross day, year and era boundaries', () => {
    const times = [0, -1, 86_399_999, 86_400_000, 951_782_400_000, 253_402_300_799_999, 253_402_300_800_000];
    for (const ms of [...times, ...times.map((t) => t + 1), ...times.reverse()]) {
      expect(formatIsoTime(ms)).toBe(new Date(ms).toISOString());
    }
  });

  it('refuses an invalid time as Date does', () => {
    expect(() => formatIsoTime(Number.NaN)).toThrow(RangeError);
    expect(() => formatIsoTime(DATE_LIMIT + 1)).toThrow(RangeError);
  });
});
