import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { formatFrameRange, framesOf, parseFrameSpec } from './frame-spec.js';

describe('parseFrameSpec', () => {
  it.each([
    ['1-100', [{ start: 1, end: 100, by: 1 }]],
    ['1-100x5', [{ start: 1, end: 96, by: 5 }]],
    ['1-100:5', [{ start: 1, end: 96, by: 5 }]],
    ['7', [{ start: 7, end: 7, by: 1 }]],
    [
      '1,5,10-20',
      [
        { start: 1, end: 5, by: 4 },
        { start: 10, end: 20, by: 1 },
      ],
    ],
    ['1,3,5,7', [{ start: 1, end: 7, by: 2 }]],
    ['10-20, 1-9', [{ start: 1, end: 20, by: 1 }]],
    ['1-10,5', [{ start: 1, end: 10, by: 1 }]],
    ['1-9x2,2-10x2', [{ start: 1, end: 10, by: 1 }]],
    ['-10--8', [{ start: -10, end: -8, by: 1 }]],
    ['1-2x0.25', [{ start: 1, end: 2, by: 0.25 }]],
    ['0.1-0.3x0.1', [{ start: 0.1, end: 0.3, by: 0.1 }]],
    [
      '1,2,4',
      [
        { start: 1, end: 2, by: 1 },
        { start: 4, end: 4, by: 1 },
      ],
    ],
  ])('%s', (spec, ranges) => {
    expect(parseFrameSpec(spec)).toEqual(ranges);
  });

  it.each([
    ['', /empty/],
    ['a-b', /"a-b" is not a frame/],
    ['1-', /"1-" is not a frame/],
    ['1-10x', /is not a frame/],
    ['10-1', /"10-1" ends before it starts/],
    ['1-10x0', /step of "1-10x0" must be positive/],
    ['1-10x-1', /is not a frame/],
    ['1,,2', /"" is not a frame/],
    ['-600000-600000', /more than 1000000 frames/],
    ['1e3', /is not a frame/],
    ['99999999999', /out of range/],
  ])('rejects %j', (spec, message) => {
    expect(() => parseFrameSpec(spec)).toThrow(ValidationError);
    expect(() => parseFrameSpec(spec)).toThrow(message);
  });

  it('keeps exactly the listed frames, once each, in as few ranges as the items given', () => {
    const item = fc
      .tuple(
        fc.integer({ min: -50, max: 200 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 1, max: 7 }),
      )
      .map(([start, length, by]) => ({ start, end: start + length, by }));
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 6 }), (items) => {
        const spec = items.map((r) => `${r.start}-${r.end}x${r.by}`).join(',');
        const ranges = parseFrameSpec(spec);
        const expected = [...new Set(items.flatMap(framesOf))].sort((a, b) => a - b);
        const got = ranges.flatMap(framesOf);
        expect(got).toEqual(expected);
        for (const r of ranges) expect(framesOf(r).at(-1)).toBe(r.end);
        // Disjoint, ordered ranges; never more than one per listed item plus the items' frames alone.
        expect(ranges.length).toBeLessThanOrEqual(expected.length);
      }),
    );
  });
});

describe('formatFrameRange', () => {
  it.each([
    [{ start: 1, end: 100, by: 1 }, '1-100'],
    [{ start: 1, end: 96, by: 5 }, '1-96x5'],
    [{ start: 3, end: 3, by: 1 }, '3'],
  ])('%j → %s', (range, text) => {
    expect(formatFrameRange(range)).toBe(text);
  });
});
