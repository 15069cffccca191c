/**
 * Parsing of range set strings (`1-5,7`, `001-100/2`, `-3--1`), ported from ClusterShell's
 * RangeSet._parse with its exact rules and error messages: whitespace around items and bounds is ignored,
 * a leading zero fixes the width (`001-100`), both bounds of a padded range must have the same length,
 * negative bounds cannot be padded, and the quirk `1-2-3` means -2..3.
 */
import { NodeSetValueError, RangeSetParseError } from './errors.js';
import { parsePyInt, pyLength, pyStrip } from './python-text.js';
import { rangeOrdinals } from './range-element.js';

/** ClusterShell refuses (with an assertion) to build a single range of a billion elements or more. */
export const MAX_RANGE_SPAN = 1e9;

/** Calls `emit(lo, hi)` with ordinal intervals for every item of `pattern`. */
export function parseRangeSet(pattern: string, emit: (lo: number, hi: number) => void): void {
  for (const raw of pattern.split(',')) parseItem(pyStrip(raw), emit);
}

function lstripZeros(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) === 0x30) i++;
  return s.slice(i);
}

function parseItem(subrange: string, emit: (lo: number, hi: number) => void): void {
  let baserange = subrange;
  let step = 1;
  const slash = subrange.indexOf('/');
  if (slash >= 0) {
    baserange = subrange.slice(0, slash);
    const parsed = parsePyInt(subrange.slice(slash + 1));
    if (parsed === undefined) throw new RangeSetParseError(subrange, 'cannot convert string to integer');
    step = parsed;
  }

  let begin: string;
  let end: string;
  let beginSign = 1;
  let endSign = 1;
  if (!baserange.includes('-')) {
    if (step !== 1) throw new RangeSetParseError(subrange, 'invalid step usage');
    begin = end = baserange;
  } else {
    const parts = baserange.split('-').map(pyStrip);
    if (parts.length === 2) {
      [begin, end] = parts as [string, string];
      if (!begin) {
        // a single negative number: "-5"
        begin = end;
        beginSign = endSign = -1;
      }
    } else if (parts.length === 3) {
      // "-0-3"; ClusterShell ignores the first part, so "1-2-3" is -2..3
      [, begin, end] = parts as [string, string, string];
      beginSign = -1;
    } else if (parts.length === 4) {
      // "-8--4"
      [, begin, , end] = parts as [string, string, string, string];
      beginSign = endSign = -1;
    } else {
      throw new NodeSetValueError('too many values to unpack (expected 4)');
    }
  }

  const bad = (): never => {
    throw new RangeSetParseError(
      subrange,
      subrange.length === 0 ? 'empty range' : 'cannot convert string to integer',
    );
  };
  let pad = 0;
  let endpad = 0;
  let start: number;
  const beginValue = parsePyInt(begin) ?? bad();
  if (beginValue !== 0) {
    const begins = lstripZeros(begin);
    if (pyLength(begin) - pyLength(begins) > 0) pad = pyLength(begin);
    start = parsePyInt(begins) ?? bad();
  } else {
    if (pyLength(begin) > 1) pad = pyLength(begin);
    start = 0;
  }
  const endValue = parsePyInt(end) ?? bad();
  const ends = endValue !== 0 ? lstripZeros(end) : end;
  if (pyLength(end) - pyLength(ends) > 0) endpad = pyLength(end);
  if ((pad > 0 || endpad > 0) && pyLength(begin) !== pyLength(end)) {
    throw new RangeSetParseError(subrange, 'padding length mismatch');
  }
  const stop = parsePyInt(ends) ?? bad();

  if (pad > 0 && beginSign < 0) {
    throw new RangeSetParseError(subrange, 'padding not supported in negative ranges');
  }
  const first = start * beginSign || 0;
  const last = stop * endSign || 0;
  if (stop > 1e100 || first > last || step < 1) {
    throw new RangeSetParseError(subrange, 'invalid values in range');
  }
  if (last + 1 - first >= MAX_RANGE_SPAN) throw new NodeSetValueError('range too large');
  rangeOrdinals(first, last + 1, step, pad, subrange, emit);
}
