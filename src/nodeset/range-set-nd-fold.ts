/**
 * ClusterShell's multivariate folding of nD vectors (RangeSetND._fold_multivariate), ported so that the
 * shape of the result — which vectors, in which order — is the one ClusterShell prints:
 *   1. expand every vector into single points (duplicates removed);
 *   2. repeat passes: sort the vectors (more elements first, then per axis: more elements, lower first
 *      element string, lower last element string) and greedily merge each vector with the ones after
 *      it that differ on exactly one axis, where the two range sets are disjoint (union) or nested
 *      (the larger is kept). "Easy" passes stop scanning at the first vector that does not merge; when
 *      an easy pass changes nothing, one full pass compares every pair.
 * ClusterShell removes merged vectors with list.pop(), which is quadratic on 10^5..10^6 points; here they
 * are unlinked from a linked list over the sorted array instead, with the same visiting order.
 */
import { elementOf } from './range-element.js';
import { RangeSet } from './range-set.js';

export type Vector = RangeSet[];

/** Every distinct point of `vectors`, each as a vector of single-element range sets. */
export function expandToPoints(vectors: readonly Vector[], autostepRaw: number): Vector[] {
  const seen = new Set<string>();
  const points: Vector[] = [];
  for (const vec of vectors) {
    const axes = vec.map((rg) => {
      const ords: number[] = [];
      const ivs = rg.intervals();
      for (let i = 0; i < ivs.length; i += 2) for (let o = ivs[i]!; o <= ivs[i + 1]!; o++) ords.push(o);
      return ords;
    });
    if (axes.some((a) => a.length === 0)) continue;
    const idx = new Array<number>(axes.length).fill(0);
    for (;;) {
      let key = '';
      for (let d = 0; d < axes.length; d++) key += `${axes[d]![idx[d]!]},`;
      if (!seen.has(key)) {
        seen.add(key);
        points.push(
          axes.map((a, d) => {
            const o = a[idx[d]!]!;
            return RangeSet.fromIntervals([o, o], autostepRaw);
          }),
        );
      }
      let d = axes.length - 1;
      while (d >= 0 && ++idx[d]! === axes[d]!.length) idx[d--] = 0;
      if (d < 0) break;
    }
  }
  return points;
}

interface SortKey {
  vec: Vector;
  count: number;
  lens: number[];
  firsts: string[];
  lasts: string[];
}

/** RangeSetND._sort: a stable sort on (-count, per axis (-len, first, last)). */
export function sortVectors(vectors: Vector[]): Vector[] {
  const keys: SortKey[] = vectors.map((vec) => {
    let count = 1;
    const lens: number[] = [];
    const firsts: string[] = [];
    const lasts: string[] = [];
    for (const rg of vec) {
      const ivs = rg.intervals();
      const n = rg.length;
      count *= n;
      lens.push(n);
      firsts.push(n ? elementOf(ivs[0]!) : '');
      lasts.push(n ? elementOf(ivs[ivs.length - 1]!) : '');
    }
    return { vec, count, lens, firsts, lasts };
  });
  keys.sort((a, b) => {
    if (a.count !== b.count) return b.count - a.count;
    for (let d = 0; d < a.lens.length; d++) {
      if (a.lens[d] !== b.lens[d]) return b.lens[d]! - a.lens[d]!;
      if (a.firsts[d] !== b.firsts[d]) return a.firsts[d]! < b.firsts[d]! ? -1 : 1;
      if (a.lasts[d] !== b.lasts[d]) return a.lasts[d]! < b.lasts[d]! ? -1 : 1;
    }
    return 0;
  });
  return keys.map((k) => k.vec);
}

/** The merge of two vectors, or undefined when they differ on more than one axis (or overlap badly). */
function mergeVectors(item1: Vector, item2: Vector): Vector | undefined {
  let diffAxis = -1;
  let keepSecond = false;
  let disjoint = false;
  for (let pos = 0; pos < item1.length; pos++) {
    const rg1 = item1[pos]!;
    const rg2 = item2[pos]!;
    if (rg1.equals(rg2)) continue;
    if (diffAxis >= 0) return undefined;
    if (!rg1.intersects(rg2)) {
      diffAxis = pos;
      disjoint = true;
    } else if (rg1.isProperSuperset(rg2)) {
      diffAxis = pos;
    } else if (rg2.isProperSuperset(rg1)) {
      diffAxis = pos;
      keepSecond = true;
    } else return undefined;
  }
  const merged = item1.slice();
  if (diffAxis >= 0) {
    const rg1 = item1[diffAxis]!;
    const rg2 = item2[diffAxis]!;
    merged[diffAxis] = disjoint ? rg1.union(rg2) : keepSecond ? rg2 : rg1;
  }
  return merged;
}

/** RangeSetND._fold_multivariate_merge on already expanded vectors. */
export function mergeVectorsGreedily(input: Vector[]): Vector[] {
  let vectors = input;
  let full = false;
  let changed = true;
  while (changed) {
    changed = false;
    vectors = sortVectors(vectors);
    const n = vectors.length;
    const list: (Vector | undefined)[] = vectors;
    // next[i]: index of the next live vector after i (n when none).
    const next = new Int32Array(n);
    for (let i = 0; i < n; i++) next[i] = i + 1;
    let p1 = 0;
    while (p1 < n && next[p1]! < n) {
      let item1 = list[p1]!;
      let prev = p1;
      let p2 = next[p1]!;
      while (p2 < n) {
        const merged = mergeVectors(item1, list[p2]!);
        if (merged) {
          changed = true;
          item1 = list[p1] = merged;
          list[p2] = undefined;
          next[prev] = next[p2]!;
          p2 = next[p2]!;
        } else if (!full) break;
        else {
          prev = p2;
          p2 = next[p2]!;
        }
      }
      p1 = next[p1]!;
    }
    vectors = list.filter((v): v is Vector => v !== undefined);
    if (!changed && !full) changed = full = true;
  }
  return vectors;
}
