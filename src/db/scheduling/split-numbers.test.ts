import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitNumbers } from './scheduling-snapshot.repository.js';

describe('splitNumbers', () => {
  it.each([
    ['', []],
    ['7', [7]],
    ['1,2,3', [1, 2, 3]],
    ['1.0000,2.5000,-1', [1, 2.5, -1]],
    ['0.1250,-0.5', [0.125, -0.5]],
    ['1e3,2', [1000, 2]],
  ])('%j', (text, expected) => {
    expect(splitNumbers(text)).toEqual(expected);
  });

  it('agrees with Number() on NUMERIC(10,4) values', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -99_999_999, max: 99_999_999 }), { minLength: 1 }), (ints) => {
        const texts = ints.map((n) => (n / 10_000).toFixed(4));
        expect(splitNumbers(texts.join(','))).toEqual(texts.map(Number));
      }),
    );
  });
});
