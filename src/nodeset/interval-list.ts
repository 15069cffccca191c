/**
 * Set algebra on interval lists: flat arrays `[lo0, hi0, lo1, hi1, ...]` of inclusive integer intervals,
 * sorted, disjoint and never adjacent (normalised), so that equal sets have equal arrays. Every operation
 * is a linear merge.
 */
export type IntervalList = number[];

function push(out: IntervalList, lo: number, hi: number): void {
  const n = out.length;
  if (n > 0 && lo <= out[n - 1]! + 1) {
    if (hi > out[n - 1]!) out[n - 1] = hi;
  } else out.push(lo, hi);
}

export function unionIntervals(a: readonly number[], b: readonly number[]): IntervalList {
  if (b.length === 0) return a.slice();
  if (a.length === 0) return b.slice();
  const out: IntervalList = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && a[i]! <= b[j]!)) {
      push(out, a[i]!, a[i + 1]!);
      i += 2;
    } else {
      push(out, b[j]!, b[j + 1]!);
      j += 2;
    }
  }
  return out;
}

export function intersectIntervals(a: readonly number[], b: readonly number[]): IntervalList {
  const out: IntervalList = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i]!, b[j]!);
    const hi = Math.min(a[i + 1]!, b[j + 1]!);
    if (lo <= hi) out.push(lo, hi);
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return out;
}

export function subtractIntervals(a: readonly number[], b: readonly number[]): IntervalList {
  if (b.length === 0 || a.length === 0) return a.slice();
  const out: IntervalList = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i]!;
    const hi = a[i + 1]!;
    while (j < b.length && b[j + 1]! < lo) j += 2;
    let k = j;
    while (k < b.length && b[k]! <= hi) {
      if (b[k]! > lo) out.push(lo, b[k]! - 1);
      lo = Math.max(lo, b[k + 1]! + 1);
      if (lo > hi) break;
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function xorIntervals(a: readonly number[], b: readonly number[]): IntervalList {
  return subtractIntervals(unionIntervals(a, b), intersectIntervals(a, b));
}

/** True when a and b share at least one element. */
export function intervalsIntersect(a: readonly number[], b: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (Math.max(a[i]!, b[j]!) <= Math.min(a[i + 1]!, b[j + 1]!)) return true;
    if (a[i + 1]! < b[j + 1]!) i += 2;
    else j += 2;
  }
  return false;
}

/** True when every element of a is in b. */
export function intervalsWithin(a: readonly number[], b: readonly number[]): boolean {
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    while (j < b.length && b[j + 1]! < a[i]!) j += 2;
    if (j >= b.length || b[j]! > a[i]! || b[j + 1]! < a[i + 1]!) return false;
  }
  return true;
}

export function intervalsEqual(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function countIntervals(a: readonly number[]): number {
  let n = 0;
  for (let i = 0; i < a.length; i += 2) n += a[i + 1]! - a[i]! + 1;
  return n;
}

/**
 * Normalises intervals given in any order, possibly overlapping. Already sorted input (the common case
 * when names arrive in order) is merged in one pass without sorting.
 */
export function normaliseIntervals(raw: readonly number[]): IntervalList {
  let sorted = true;
  for (let i = 2; i < raw.length; i += 2) {
    if (raw[i]! < raw[i - 2]!) {
      sorted = false;
      break;
    }
  }
  const out: IntervalList = [];
  if (sorted) {
    for (let i = 0; i < raw.length; i += 2) push(out, raw[i]!, raw[i + 1]!);
    return out;
  }
  const n = raw.length / 2;
  const order = new Uint32Array(n);
  for (let k = 0; k < n; k++) order[k] = k;
  const los = new Float64Array(n);
  for (let k = 0; k < n; k++) los[k] = raw[2 * k]!;
  order.sort((x, y) => los[x]! - los[y]!);
  for (let k = 0; k < n; k++) {
    const at = 2 * order[k]!;
    push(out, raw[at]!, raw[at + 1]!);
  }
  return out;
}
