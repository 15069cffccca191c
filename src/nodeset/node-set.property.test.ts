/**
 * Properties of node sets checked on random inputs against a naive model (a JavaScript Set of names):
 * folding loses nothing, expansion has no duplicates, the set algebra matches the model, and element
 * order is ClusterShell's (string length, then string; negatives first).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NodeSet, RangeSet } from './index.js';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const positiveItem = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 120 }), fc.constantFrom(0, 0, 2, 3)).map(([n, w]) => pad(n, w)),
  fc
    .tuple(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 0, max: 15 }), fc.constantFrom(0, 0, 2, 3))
    .map(([lo, span, w]) => `${pad(lo, w)}-${pad(lo + span, w)}`),
  fc
    .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 2, max: 4 }))
    .map(([lo, span, step]) => `${lo}-${lo + span}/${step}`),
);
// Negative indexes exist only inside brackets: `n[-1]` expands to `n-1`, a different pattern, so they
// take part in the algebra properties but not in the expand/fold round trips.
const rangeItem = fc.oneof(
  positiveItem,
  positiveItem,
  fc.integer({ min: 1, max: 12 }).map((n) => `-${n}`),
);
const rangeSetString = fc.array(rangeItem, { minLength: 1, maxLength: 4 }).map((items) => items.join(','));
const positiveRangeSet = fc
  .array(positiveItem, { minLength: 1, maxLength: 4 })
  .map((items) => items.join(','));
const prefix = fc.constantFrom('n', 'node', 'a', '');
function nodeSets(ranges: fc.Arbitrary<string>) {
  const oneDim = fc.tuple(prefix, ranges).map(([p, r]) => `${p}[${r}]`);
  const twoDim = fc
    .tuple(fc.constantFrom('x', 'r'), ranges, fc.constantFrom('y', 'n'), ranges)
    .map(([p, a, q, b]) => `${p}[${a}]${q}[${b}]`);
  const items = fc.array(fc.oneof(oneDim, oneDim, twoDim, fc.constantFrom('solo', 'a1b')), {
    minLength: 1,
    maxLength: 3,
  });
  const oneDimSet = fc.array(oneDim, { minLength: 1, maxLength: 3 }).map((list) => list.join(','));
  return { items, oneDimSet };
}
const anyIndexes = nodeSets(rangeSetString);
const positiveIndexes = nodeSets(positiveRangeSet);
const nodeSetString = anyIndexes.items;

const names = (ns: NodeSet): Set<string> => new Set(ns);

describe('node set properties', () => {
  it('folding loses nothing and expansion has no duplicates', () => {
    fc.assert(
      fc.property(positiveIndexes.items, (items) => {
        const ns = NodeSet.fromList(items);
        const expanded = [...ns];
        expect(new Set(expanded).size).toBe(expanded.length);
        expect(ns.length).toBe(expanded.length);
        expect(NodeSet.parse(ns.toString()).equals(ns)).toBe(true);
        expect(NodeSet.fromList(expanded).equals(ns)).toBe(true);
        const model = new Set(items.flatMap((item) => [...NodeSet.parse(item)]));
        expect(names(ns)).toEqual(model);
      }),
      { numRuns: 300 },
    );
  });

  it('fold(expand(s)) == fold(s) for one-dimensional sets', () => {
    fc.assert(
      fc.property(positiveIndexes.oneDimSet, (s) => {
        const folded = NodeSet.parse(s).toString();
        expect(NodeSet.fromList(NodeSet.parse(s)).toString()).toBe(folded);
        expect(NodeSet.parse([...NodeSet.parse(folded)].join(',')).toString()).toBe(folded);
      }),
      { numRuns: 300 },
    );
  });

  it('set algebra matches the model and its laws', () => {
    fc.assert(
      fc.property(nodeSetString, nodeSetString, nodeSetString, (a, b, c) => {
        const A = NodeSet.fromList(a);
        const B = NodeSet.fromList(b);
        const C = NodeSet.fromList(c);
        const ma = names(A);
        const mb = names(B);
        expect(names(A.union(B))).toEqual(new Set([...ma, ...mb]));
        expect(names(A.intersection(B))).toEqual(new Set([...ma].filter((x) => mb.has(x))));
        expect(names(A.difference(B))).toEqual(new Set([...ma].filter((x) => !mb.has(x))));
        expect(names(A.symmetricDifference(B))).toEqual(
          new Set([...[...ma].filter((x) => !mb.has(x)), ...[...mb].filter((x) => !ma.has(x))]),
        );
        expect(A.union(B).equals(B.union(A))).toBe(true);
        expect(A.intersection(B).equals(B.intersection(A))).toBe(true);
        expect(A.union(B).length).toBe(A.length + B.length - A.intersection(B).length);
        expect(
          A.union(B)
            .intersection(C)
            .equals(A.intersection(C).union(B.intersection(C))),
        ).toBe(true);
        expect(A.symmetricDifference(B).equals(A.difference(B).union(B.difference(A)))).toBe(true);
        // the string operators (left to right, no precedence) agree with the methods
        const [a1, b1, c1] = [NodeSet.parse(a[0]!), NodeSet.parse(b[0]!), NodeSet.parse(c[0]!)];
        expect(NodeSet.parse(`${a[0]}!${b[0]}`).equals(a1.difference(b1))).toBe(true);
        expect(NodeSet.parse(`${a[0]},${b[0]}&${c[0]}`).equals(a1.union(b1).intersection(c1))).toBe(true);
        expect(NodeSet.parse(`${a[0]}^${b[0]}`).equals(a1.symmetricDifference(b1))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('orders elements by length then string, negatives first, like ClusterShell', () => {
    fc.assert(
      fc.property(rangeSetString, (s) => {
        const elements = [...RangeSet.parse(s)];
        const key = (e: string): [number, string | number] =>
          e.startsWith('-') ? [-e.length, Number(e)] : [e.length, e];
        const sorted = [...elements].sort((x, y) => {
          const [a0, a1] = key(x);
          const [b0, b1] = key(y);
          return a0 !== b0 ? a0 - b0 : a1 < b1 ? -1 : a1 > b1 ? 1 : 0;
        });
        expect(elements).toEqual(sorted);
      }),
      { numRuns: 300 },
    );
  });

  it('splits into parts that differ by at most one, larger first, covering the set', () => {
    fc.assert(
      fc.property(positiveIndexes.items, fc.integer({ min: 1, max: 7 }), (items, n) => {
        const ns = NodeSet.fromList(items);
        const parts = ns.split(n);
        const sizes = parts.map((p) => p.length);
        expect(parts.length).toBe(Math.min(n, ns.length));
        if (sizes.length) expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
        expect([...sizes].sort((x, y) => y - x)).toEqual(sizes);
        // Parts are taken in iteration order; an nD part is re-folded, so its own order may differ.
        const covered = parts.flatMap((p) => [...p]);
        expect(covered.sort()).toEqual([...ns].sort());
        expect(NodeSet.fromList(parts.map(String)).equals(ns)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
