/**
 * The node set string scanner (ClusterShell's ParsingEngine._scan_string and helpers), ported with its
 * exact rules and error messages. It cuts `a[1-3]b,c!d` into (operator, pattern, ranges) items:
 *   - operators `,` `!` `&` `^` outside brackets separate items, evaluated left to right;
 *   - `prefix[ranges]suffix` brackets give one dimension each; digits glued to a bracket join its range
 *     (`node0[1-3]` is `node[01-03]`, `n[1-2]0` is `n[10-20/10]`);
 *   - every other digit run in a name is a one-element dimension (`node12-ib0` is 2D).
 */
import {
  NodeSetLimitError,
  NodeSetParseError,
  NodeSetParseRangeError,
  RangeSetParseError,
} from './errors.js';
import { patternOf, type NodePattern } from './node-pattern.js';
import { digitValue, pyLength, pyLStrip, pyRStrip } from './python-text.js';
import { MAX_DIGITS, ordinalOfString } from './range-element.js';
import { RangeSet } from './range-set.js';
import { RangeSetND } from './range-set-nd.js';

export type SetOperator = ',' | '!' | '&' | '^';

export interface ScannedItem {
  op: SetOperator;
  pattern: NodePattern;
  ranges: RangeSet | RangeSetND | null;
}

/** The parts and one-element range sets of a single node name (no brackets, no operators). */
export interface ScannedName {
  parts: string[];
  rangesets: RangeSet[];
}

function isAsciiDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/**
 * ClusterShell scans node set strings with every `%` doubled (its patterns are `%` format strings), and
 * error messages show that escaped text; the scanner works on escaped strings too.
 */
export function escapePercent(s: string): string {
  return s.includes('%') ? s.replace(/%/g, '%%') : s;
}

function unescapePercent(s: string): string {
  return s.includes('%') ? s.replace(/%%/g, '%') : s;
}

/** ClusterShell's `_scan_string_single`: split an (escaped) name into non-digit and digit runs. */
export function scanName(name: string, autostep: number | null): ScannedName {
  if (name.length === 0) throw new NodeSetParseError(undefined, 'parse error');
  const parts: string[] = [];
  const rangesets: RangeSet[] = [];
  let prefix = '';
  let i = 0;
  const n = name.length;
  while (i < n) {
    const start = i;
    while (i < n) {
      const c = name.charCodeAt(i);
      if (isAsciiDigit(c) || (c >= 0x80 && digitValue(name.codePointAt(i)!) >= 0)) break;
      i++;
    }
    prefix += name.slice(start, i);
    if (i >= n) break;
    const digitsStart = i;
    while (i < n && isAsciiDigit(name.charCodeAt(i))) i++;
    let ascii = name.slice(digitsStart, i);
    // Other Unicode decimal digits count too (Python's \d and int()); they are read as ASCII digits.
    while (i < n && name.charCodeAt(i) >= 0x80) {
      const cp = name.codePointAt(i)!;
      const v = digitValue(cp);
      if (v < 0) break;
      ascii += String(v);
      i += cp > 0xffff ? 2 : 1;
      while (i < n && isAsciiDigit(name.charCodeAt(i))) ascii += name[i++];
    }
    parts.push(unescapePercent(prefix));
    prefix = '';
    rangesets.push(indexRangeSet(ascii, name.slice(digitsStart, i), autostep));
  }
  parts.push(unescapePercent(prefix));
  return { parts, rangesets };
}

function indexRangeSet(ascii: string, raw: string, autostep: number | null): RangeSet {
  if (ascii.length > MAX_DIGITS) {
    const significant = ascii.replace(/^0+/, '');
    if (significant.length > 101) {
      throw new NodeSetParseRangeError(new RangeSetParseError(raw, 'invalid rangeset index'));
    }
    throw new NodeSetLimitError(raw);
  }
  const ord = ordinalOfString(ascii);
  const rs = RangeSet.fromIntervals([ord, ord]);
  rs.autostep = autostep;
  return rs;
}

function rangesFor(rangesets: RangeSet[], autostep: number | null): RangeSet | RangeSetND | null {
  if (rangesets.length > 1) return RangeSetND.fromVectors([rangesets], { autostep, copy: false });
  return rangesets[0] ?? null;
}

/** A single name as a (pattern, ranges) item. */
export function scanSingle(
  name: string,
  autostep: number | null,
): { pattern: NodePattern; ranges: ScannedItem['ranges'] } {
  const { parts, rangesets } = scanName(name, autostep);
  return { pattern: patternOf(parts), ranges: rangesFor(rangesets, autostep) };
}

function nextOp(s: string): { index: number; op: SetOperator | undefined } {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ',' || c === '!' || c === '&' || c === '^') return { index: i, op: c };
  }
  return { index: -1, op: undefined };
}

/** Python's `s.split(sep, 1)` when `sep` is known to be present. */
function splitOnce(s: string, sep: string): [string, string] {
  const i = s.indexOf(sep);
  return [s.slice(0, i), s.slice(i + sep.length)];
}

function rangeError(err: unknown): unknown {
  return err instanceof RangeSetParseError ? new NodeSetParseRangeError(err) : err;
}

function rstripDigits(s: string): string {
  let j = s.length;
  while (j > 0 && isAsciiDigit(s.charCodeAt(j - 1))) j--;
  return s.slice(0, j);
}

function lstripDigits(s: string): string {
  let i = 0;
  while (i < s.length && isAsciiDigit(s.charCodeAt(i))) i++;
  return s.slice(i);
}

/** Digits just before a bracket are prepended to every bound of its contiguous runs. */
function amendLeadingDigits(outer: string, inner: string): [string, string] {
  const outerstrip = rstripDigits(outer);
  if (outerstrip.length < outer.length) {
    const digits = outer.slice(outerstrip.length);
    inner = [...RangeSet.parse(inner).contiguous()]
      .map((sub) =>
        sub
          .toString()
          .split('-')
          .map((bound) => digits + bound)
          .join('-'),
      )
      .join(',');
  }
  return [outerstrip, inner];
}

/** Digits just after a bracket are appended to every bound, ranges getting a step of 10^digits. */
function amendTrailingDigits(outer: string, inner: string): [string, string] {
  const outerstrip = lstripDigits(outer);
  if (outerstrip.length < outer.length) {
    if (inner.includes('/')) {
      throw new NodeSetParseError(outer, 'illegal trailing digits after range with steps');
    }
    const digits = outer.slice(0, outer.length - outerstrip.length);
    inner = inner
      .split(',')
      .map((elem) => {
        const shifted = elem
          .split('-')
          .map((bound) => bound + digits)
          .join('-');
        return shifted.includes('-') ? `${shifted}/1${'0'.repeat(pyLength(digits))}` : shifted;
      })
      .join(',');
  }
  return [outerstrip, inner];
}

/** Appends a scanned name to a pattern under construction (its last part is the open literal). */
function appendScanned(parts: string[], scanned: ScannedName): void {
  parts[parts.length - 1] += scanned.parts[0]!;
  for (let k = 1; k < scanned.parts.length; k++) parts.push(scanned.parts[k]!);
}

/** ClusterShell's `_scan_string`: the items of a node set string, stripped and escaped. */
export function scanNodeSetString(input: string, autostep: number | null): ScannedItem[] {
  const items: ScannedItem[] = [];
  let nsstr: string | undefined = input;
  let nextOpCode: SetOperator | undefined = ',';
  while (nsstr) {
    nsstr = pyLStrip(nsstr);
    let rsets: RangeSet[] = [];
    const op: SetOperator = nextOpCode ?? ',';
    let next = nextOp(nsstr);
    nextOpCode = next.op;
    let bracketIdx = nsstr.indexOf('[');
    let parts: string[];

    if (bracketIdx >= 0 && (next.index > bracketIdx || next.index < 0)) {
      // a pattern of potentially several nodes: prefix[ranges]suffix...
      parts = [''];
      let sfx: string = nsstr;
      while (bracketIdx >= 0 && (next.index > bracketIdx || next.index < 0)) {
        let pfx: string;
        [pfx, sfx] = splitOnce(sfx, '[');
        const close = sfx.indexOf(']');
        if (close < 0) throw new NodeSetParseError(nsstr, 'missing bracket');
        let rng = sfx.slice(0, close);
        sfx = sfx.slice(close + 1);
        if (pfx.includes(']')) throw new NodeSetParseError(pfx, 'illegal closing bracket');
        if (sfx.length > 0) {
          const braEnd = sfx.indexOf(']');
          let braStart = sfx.indexOf('[');
          if (braStart === -1) braStart = braEnd + 1;
          if (braEnd >= 0 && braEnd < braStart) throw new NodeSetParseError(sfx, 'illegal closing bracket');
        }
        const pfxlen = pfx.length;
        if (sfx.length > 0) {
          try {
            [sfx, rng] = amendTrailingDigits(sfx, rng);
          } catch (err) {
            throw rangeError(err);
          }
        }
        if (pfxlen > 0) {
          try {
            [pfx, rng] = amendLeadingDigits(pfx, rng);
          } catch (err) {
            throw rangeError(err);
          }
          if (pfx) {
            const scanned = scanName(pfx, autostep);
            appendScanned(parts, scanned);
            rsets = rsets.concat(scanned.rangesets);
          }
        }
        bracketIdx = sfx.indexOf('[');
        next = nextOp(sfx);
        if (sfx.length > 0 && sfx[0] === '[') throw new NodeSetParseError(sfx, 'illegal reopening bracket');
        parts.push('');
        try {
          rsets.push(RangeSet.parse(rng, autostep));
        } catch (err) {
          throw rangeError(err);
        }
      }
      next = nextOp(sfx);
      nextOpCode = next.op;
      if (next.index < 0) nsstr = undefined;
      else {
        [sfx, nsstr] = splitOnce(sfx, next.op!);
        if (!nsstr) {
          throw new NodeSetParseError(undefined, `missing nodeset operand with '${next.op}' operator`);
        }
      }
      sfx = pyRStrip(sfx);
      if (sfx) {
        const scanned = scanName(sfx, autostep);
        appendScanned(parts, scanned);
        rsets = rsets.concat(scanned.rangesets);
      }
    } else {
      let node: string;
      if (next.index < 0) {
        node = nsstr;
        nsstr = undefined;
      } else {
        [node, nsstr] = splitOnce(nsstr, next.op!);
        if (!node || !nsstr) {
          throw new NodeSetParseError(node || nsstr, `missing nodeset operand with '${next.op}' operator`);
        }
      }
      if (node.includes(']')) throw new NodeSetParseError(node, 'illegal closing bracket');
      const scanned = scanName(pyRStrip(node), autostep);
      parts = scanned.parts;
      rsets = scanned.rangesets;
    }
    items.push({ op, pattern: patternOf(parts), ranges: rangesFor(rsets, autostep) });
  }
  return items;
}
