/**
 * RangeSet: a set of node indexes with ClusterShell's semantics (elements are decimal strings, so `01`
 * and `1` differ; see range-element.ts) kept as ordinal intervals, so `1-1000000` costs a few numbers and
 * set algebra is a linear merge. Elements added one by one (100,000 parsed names) are buffered and
 * merged with one sort when the set is next read, so building is O(n log n), never quadratic.
 *
 * Each RangeSet carries its own autostep threshold, like ClusterShell's objects do: results of
 * operations inherit it from the left operand, and a few ClusterShell paths drop it. The node set code
 * relies on this to print exactly what ClusterShell prints.
 */
import { NodeSetValueError } from './errors.js';
import {
  countIntervals,
  intersectIntervals,
  intervalsEqual,
  intervalsIntersect,
  intervalsWithin,
  normaliseIntervals,
  subtractIntervals,
  unionIntervals,
  xorIntervals,
  type IntervalList,
} from './interval-list.js';
import {
  classEnd,
  elementOf,
  formatPadded,
  lengthOf,
  ordinalOfString,
  rangeOrdinals,
} from './range-element.js';
import { foldSlices, type FoldedSlice } from './range-set-fold.js';
import { parseRangeSet } from './range-set-parse.js';

/** ClusterShell's "autostep off" marker (a threshold no run can reach). */
export const AUTOSTEP_DISABLED = 1e100;

/** Resolves Python-style slice bounds against a length (negative counts from the end, clamped). */
export function sliceBounds(length: number, start?: number, stop?: number): [number, number] {
  const clamp = (v: number): number => (v < 0 ? Math.max(0, length + v) : Math.min(v, length));
  return [start === undefined ? 0 : clamp(start), stop === undefined ? length : clamp(stop)];
}

export class RangeSet implements Iterable<string> {
  private ivs: IntervalList = [];
  private pending: number[] | undefined;
  private size = 0;
  /**
   * ClusterShell's `_autostep`: the step threshold minus one (a run of n elements folds as `a-b/s` when
   * n - 1 >= this), or AUTOSTEP_DISABLED.
   */
  autostepRaw = AUTOSTEP_DISABLED;

  /** Parses `1-5,7,010-012/2`; throws RangeSetParseError naming the faulty item. */
  static parse(pattern: string, autostep?: number | null): RangeSet {
    const rs = new RangeSet(autostep);
    const raw: number[] = [];
    parseRangeSet(pattern, (lo, hi) => raw.push(lo, hi));
    rs.setIntervals(normaliseIntervals(raw));
    return rs;
  }

  /** A set of element strings (each made of ASCII digits, optionally negative). */
  static fromElements(elements: Iterable<string>, autostep?: number | null): RangeSet {
    const rs = new RangeSet(autostep);
    const raw: number[] = [];
    for (const e of elements) {
      const ord = ordinalOfString(e);
      raw.push(ord, ord);
    }
    rs.setIntervals(normaliseIntervals(raw));
    return rs;
  }

  /** @internal A set from normalised ordinal intervals (taken, not copied). */
  static fromIntervals(ivs: IntervalList, autostepRaw = AUTOSTEP_DISABLED): RangeSet {
    const rs = new RangeSet();
    rs.autostepRaw = autostepRaw;
    rs.setIntervals(ivs);
    return rs;
  }

  constructor(autostep?: number | null) {
    this.autostep = autostep ?? null;
  }

  /** Minimum number of equally spaced elements written as `a-b/step`; null when off. */
  get autostep(): number | null {
    return this.autostepRaw >= AUTOSTEP_DISABLED ? null : this.autostepRaw + 1;
  }

  set autostep(value: number | null) {
    this.autostepRaw = value === null ? AUTOSTEP_DISABLED : Math.trunc(value) - 1;
  }

  private setIntervals(ivs: IntervalList): void {
    this.ivs = ivs;
    this.pending = undefined;
    this.size = countIntervals(ivs);
  }

  /** @internal The normalised ordinal intervals. */
  intervals(): readonly number[] {
    if (this.pending) this.setIntervals(normaliseIntervals(this.ivs.concat(this.pending)));
    return this.ivs;
  }

  get length(): number {
    this.intervals();
    return this.size;
  }

  isEmpty(): boolean {
    return this.ivs.length === 0 && !this.pending;
  }

  copy(): RangeSet {
    return RangeSet.fromIntervals(this.intervals().slice(), this.autostepRaw);
  }

  // ---- elements -------------------------------------------------------------------------------------

  /** Calls `fn` with every element string, in ClusterShell's order. */
  forEach(fn: (element: string) => void): void {
    const ivs = this.intervals();
    for (let i = 0; i < ivs.length; i += 2) {
      const hi = ivs[i + 1]!;
      let ord = ivs[i]!;
      while (ord <= hi) {
        if (ord < 0) {
          const end = Math.min(hi, -1);
          for (; ord <= end; ord++) fn(String(ord));
          continue;
        }
        // One length class at a time: values count up, padded with zeros to the class length.
        const length = lengthOf(ord);
        const base = classEnd(ord) - 10 ** length;
        const end = Math.min(hi, classEnd(ord) - 1);
        const unpaddedFrom = length === 1 ? 0 : 10 ** (length - 1);
        for (let v = ord - base; ord <= end; ord++, v++) {
          fn(v >= unpaddedFrom ? String(v) : formatPadded(v, length));
        }
      }
    }
  }

  *[Symbol.iterator](): Iterator<string> {
    const all: string[] = [];
    this.forEach((e) => all.push(e));
    yield* all;
  }

  /** The element at `index` (negative counts from the end); undefined when out of range. */
  at(index: number): string | undefined {
    const ivs = this.intervals();
    let i = index < 0 ? this.size + index : index;
    if (i < 0 || i >= this.size) return undefined;
    if (i === 0) return elementOf(ivs[0]!);
    if (i === this.size - 1) return elementOf(ivs[ivs.length - 1]!);
    for (let k = 0; k < ivs.length; k += 2) {
      const n = ivs[k + 1]! - ivs[k]! + 1;
      if (i < n) return elementOf(ivs[k]! + i);
      i -= n;
    }
    return undefined;
  }

  has(element: string): boolean {
    if (!/^(-[1-9][0-9]*|[0-9]+)$/.test(element) || element.length > 16) return false;
    const ord = ordinalOfString(element);
    const ivs = this.intervals();
    let lo = 0;
    let hi = ivs.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (ivs[2 * mid + 1]! < ord) lo = mid + 1;
      else if (ivs[2 * mid]! > ord) hi = mid - 1;
      else return true;
    }
    return false;
  }

  /** Python slicing of the sorted elements (`rs[start:stop:step]`); keeps the autostep. */
  slice(start?: number, stop?: number, step = 1): RangeSet {
    const ivs = this.intervals();
    const [from, to] = sliceBounds(this.size, start, stop);
    const out: number[] = [];
    let pos = 0;
    let next = from;
    for (let k = 0; k < ivs.length && next < to; k += 2) {
      const lo = ivs[k]!;
      const n = ivs[k + 1]! - lo + 1;
      if (next < pos + n) {
        if (step === 1) {
          const last = Math.min(pos + n, to) - 1;
          out.push(lo + (next - pos), lo + (last - pos));
          next = last + 1;
        } else {
          for (; next < pos + n && next < to; next += step) out.push(lo + (next - pos), lo + (next - pos));
        }
      }
      pos += n;
    }
    return RangeSet.fromIntervals(normaliseIntervals(out), this.autostepRaw);
  }

  /** `n` parts in order, sizes differing by at most one, larger first (ClusterShell's split). */
  split(n: number): RangeSet[] {
    if (n <= 0) throw new NodeSetValueError('split: number of parts must be positive');
    const size = this.length;
    const base = Math.floor(size / n);
    const left = size % n;
    const parts: RangeSet[] = [];
    let begin = 0;
    for (let i = 0; i < Math.min(n, size); i++) {
      const length = base + (i < left ? 1 : 0);
      parts.push(this.slice(begin, begin + length));
      begin += length;
    }
    return parts;
  }

  /**
   * Runs of contiguous elements of one padding class, each as a RangeSet without autostep. As in
   * ClusterShell, a last stepped run that meets this set's autostep comes out as one piece, and a run
   * ending at -1 is refused ("Invalid range upper limit (0)").
   */
  *contiguous(): Generator<RangeSet> {
    for (const s of foldSlices(this.intervals(), AUTOSTEP_DISABLED, this.autostepRaw)) {
      if (s.stop === 0) throw new NodeSetValueError('Invalid range upper limit (0)');
      const raw: number[] = [];
      rangeOrdinals(s.start, s.stop, s.step, s.pad, '', (lo, hi) => raw.push(lo, hi));
      yield RangeSet.fromIntervals(normaliseIntervals(raw));
    }
  }

  /** The folded runs (values, not strings): what ClusterShell's `slices()` gives, used by `nodeset -I`. */
  slices(): FoldedSlice[] {
    return foldSlices(this.intervals(), this.autostepRaw, this.autostepRaw);
  }

  /** The folded form, e.g. `1-3,5,010-012`, with `a-b/step` runs when autostep allows. */
  toString(): string {
    const parts: string[] = [];
    for (const s of foldSlices(this.intervals(), this.autostepRaw, this.autostepRaw)) {
      if (s.start + 1 === s.stop) parts.push(formatPadded(s.start, s.pad));
      else {
        const range = `${formatPadded(s.start, s.pad)}-${formatPadded(s.stop - 1, s.pad)}`;
        parts.push(s.step === 1 ? range : `${range}/${s.step}`);
      }
    }
    return parts.join(',');
  }

  // ---- comparisons ----------------------------------------------------------------------------------

  equals(other: RangeSet): boolean {
    return intervalsEqual(this.intervals(), other.intervals());
  }

  isSubset(other: RangeSet): boolean {
    return intervalsWithin(this.intervals(), other.intervals());
  }

  isSuperset(other: RangeSet): boolean {
    return intervalsWithin(other.intervals(), this.intervals());
  }

  /** Proper superset (Python's `>` on sets). */
  isProperSuperset(other: RangeSet): boolean {
    return this.length > other.length && this.isSuperset(other);
  }

  intersects(other: RangeSet): boolean {
    return intervalsIntersect(this.intervals(), other.intervals());
  }

  // ---- algebra: new sets keep this set's autostep -----------------------------------------------------

  union(other: RangeSet): RangeSet {
    return RangeSet.fromIntervals(unionIntervals(this.intervals(), other.intervals()), this.autostepRaw);
  }

  intersection(other: RangeSet): RangeSet {
    return RangeSet.fromIntervals(intersectIntervals(this.intervals(), other.intervals()), this.autostepRaw);
  }

  difference(other: RangeSet): RangeSet {
    return RangeSet.fromIntervals(subtractIntervals(this.intervals(), other.intervals()), this.autostepRaw);
  }

  symmetricDifference(other: RangeSet): RangeSet {
    return RangeSet.fromIntervals(xorIntervals(this.intervals(), other.intervals()), this.autostepRaw);
  }

  // ---- in place ---------------------------------------------------------------------------------------

  /** Adds every element of `other`. Cheap when appended in order; otherwise merged lazily. */
  update(other: RangeSet): void {
    const o = other.intervals();
    if (o.length === 0) return;
    if (!this.pending) {
      const ivs = this.ivs;
      const n = ivs.length;
      if (n === 0 || o[0]! > ivs[n - 1]! + 1) {
        for (const v of o) ivs.push(v);
        this.size += countIntervals(o);
        return;
      }
      // Touching or overlapping the last interval only: extend it in place.
      const lastHi = Math.max(ivs[n - 1]!, o[1]!);
      if (o[0]! >= ivs[n - 2]! && (o.length === 2 || o[2]! > lastHi + 1)) {
        this.size += lastHi - ivs[n - 1]!;
        ivs[n - 1] = lastHi;
        for (let i = 2; i < o.length; i++) ivs.push(o[i]!);
        this.size += countIntervals(o) - (o[1]! - o[0]! + 1);
        return;
      }
      this.pending = [];
    }
    for (const v of o) this.pending.push(v);
  }

  /** Adds one element string. */
  add(element: string): void {
    const ord = ordinalOfString(element);
    this.update(RangeSet.fromIntervals([ord, ord]));
  }

  intersectionUpdate(other: RangeSet): void {
    this.setIntervals(intersectIntervals(this.intervals(), other.intervals()));
  }

  differenceUpdate(other: RangeSet): void {
    this.setIntervals(subtractIntervals(this.intervals(), other.intervals()));
  }

  symmetricDifferenceUpdate(other: RangeSet): void {
    this.setIntervals(xorIntervals(this.intervals(), other.intervals()));
  }
}
