/**
 * RangeSet elements are decimal strings, not integers (ClusterShell 1.9): `1`, `01` and `001` are three
 * elements, and `10` is the same element with or without a padding of 2. ClusterShell sorts them by
 * (string length, string), negative numbers first in numeric order.
 *
 * Each element maps to one *ordinal*, a JavaScript integer whose numeric order is exactly that sort order,
 * so a RangeSet can be a list of ordinal intervals:
 *   - a non-negative element of L characters and value v has ordinal R(L) + v, where R(L) = (10^L - 1) / 9
 *     (the repunit 1, 11, 111, ...); the L-character strings fill [R(L), R(L+1) - 1] in string order;
 *   - a negative element (never padded) has its own value as ordinal; 0 is never an ordinal.
 * Elements of up to 15 characters keep every ordinal below 2^53; longer ones are refused (NodeSetLimitError).
 */
import { NodeSetLimitError } from './errors.js';

export const MAX_DIGITS = 15;

/** REPUNIT[L] = R(L); REPUNIT[MAX_DIGITS + 1] bounds the last class. */
const REPUNIT: number[] = [0];
/** POW10[L] = 10^L. */
const POW10: number[] = [1];
for (let l = 1; l <= MAX_DIGITS + 1; l++) {
  REPUNIT.push(REPUNIT[l - 1]! * 10 + 1);
  POW10.push(POW10[l - 1]! * 10);
}

export const MIN_NEGATIVE = -(POW10[MAX_DIGITS]! - 1);

/** Character length of the non-negative element with ordinal `ord`. */
export function lengthOf(ord: number): number {
  let l = 1;
  while (ord >= REPUNIT[l + 1]!) l++;
  return l;
}

/** The first ordinal after the class (same length, or all negatives) that holds `ord`. */
export function classEnd(ord: number): number {
  return ord < 0 ? 0 : REPUNIT[lengthOf(ord) + 1]!;
}

/** Ordinal of the element `value` written with at least `pad` characters (ClusterShell's `"%0*d" % (pad, value)`). */
export function ordinalOf(value: number, pad: number, part: string): number {
  if (value < 0) {
    if (value < MIN_NEGATIVE) throw new NodeSetLimitError(part);
    return value;
  }
  if (value >= POW10[MAX_DIGITS]! || pad > MAX_DIGITS) throw new NodeSetLimitError(part);
  let digits = 1;
  while (value >= POW10[digits]!) digits++;
  const length = pad > digits ? pad : digits;
  return REPUNIT[length]! + value;
}

/** Ordinal of an element string made of ASCII digits, optionally with a leading '-'. */
export function ordinalOfString(element: string): number {
  if (element.charCodeAt(0) === 0x2d) return Number(element);
  if (element.length > MAX_DIGITS) throw new NodeSetLimitError(element);
  return REPUNIT[element.length]! + Number(element);
}

/** The integer value of an ordinal's element (what ClusterShell's `int(element)` gives). */
export function valueOf(ord: number): number {
  return ord < 0 ? ord : ord - REPUNIT[lengthOf(ord)]!;
}

/** The element string of an ordinal. */
export function elementOf(ord: number): string {
  if (ord < 0) return String(ord);
  const length = lengthOf(ord);
  const s = String(ord - REPUNIT[length]!);
  return s.length < length ? '0'.repeat(length - s.length) + s : s;
}

/** ClusterShell's padded test: more than one character and a leading zero. */
export function isPadded(ord: number): boolean {
  if (ord < 0) return false;
  const length = lengthOf(ord);
  return length > 1 && ord - REPUNIT[length]! < POW10[length - 1]!;
}

/** Character length of an element, sign included. */
export function digitLength(ord: number): number {
  return ord < 0 ? String(ord).length : lengthOf(ord);
}

/** `"%0*d" % (pad, value)`. */
export function formatPadded(value: number, pad: number): string {
  if (value < 0 || pad <= 1) return String(value);
  const s = String(value);
  return s.length < pad ? '0'.repeat(pad - s.length) + s : s;
}

/**
 * Calls `emit(lo, hi)` with the ordinal intervals of the elements `"%0*d" % (pad, i)` for i in
 * range(start, stop, step). A step-1 range is a handful of intervals (one per element length); a stepped
 * range is one interval per element.
 */
export function rangeOrdinals(
  start: number,
  stop: number,
  step: number,
  pad: number,
  part: string,
  emit: (lo: number, hi: number) => void,
): void {
  if (step !== 1) {
    for (let i = start; i < stop; i += step) {
      const ord = ordinalOf(i, pad, part);
      emit(ord, ord);
    }
    return;
  }
  let i = start;
  if (i < 0) {
    const hi = Math.min(stop - 1, -1);
    emit(ordinalOf(i, 0, part), ordinalOf(hi, 0, part));
    // 0 is not an ordinal: the non-negative part, if any, starts a new interval.
    i = hi + 1;
  }
  while (i < stop) {
    const first = ordinalOf(i, pad, part);
    const length = lengthOf(first);
    // Elements keep the same length while the value has at most `length` digits.
    const lastOfLength = POW10[length]! - 1;
    const hi = Math.min(stop - 1, lastOfLength);
    emit(first, REPUNIT[length]! + hi);
    i = hi + 1;
  }
}
