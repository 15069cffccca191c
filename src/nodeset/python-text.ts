/**
 * Python's text rules, which ClusterShell's parser inherits and `drover nodeset` must reproduce:
 * what `str.strip()`/`str.split()` call whitespace, where `str.splitlines()` breaks, which characters
 * `\d` and `int()` accept as digits (any Unicode decimal digit), and how `int()` reads a number.
 */

/** Code points that Python's `str.isspace()` accepts (and `strip()`/`split()` remove). */
export function isPyWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x1f);
  if (c < 0x85) return false;
  return (
    c === 0x85 ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

export function pyLStrip(s: string): string {
  let i = 0;
  while (i < s.length && isPyWhitespace(s.charCodeAt(i))) i++;
  return i === 0 ? s : s.slice(i);
}

export function pyRStrip(s: string): string {
  let j = s.length;
  while (j > 0 && isPyWhitespace(s.charCodeAt(j - 1))) j--;
  return j === s.length ? s : s.slice(0, j);
}

export function pyStrip(s: string): string {
  return pyRStrip(pyLStrip(s));
}

/** `str.split()` without arguments: runs of whitespace separate words, no empty words. */
export function pySplitWhitespace(s: string): string[] {
  const words: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    if (isPyWhitespace(s.charCodeAt(i))) {
      if (start >= 0) words.push(s.slice(start, i));
      start = -1;
    } else if (start < 0) start = i;
  }
  if (start >= 0) words.push(s.slice(start));
  return words;
}

function isLineBreak(c: number): boolean {
  return (
    c === 0x0a ||
    c === 0x0d ||
    c === 0x0b ||
    c === 0x0c ||
    c === 0x1c ||
    c === 0x1d ||
    c === 0x1e ||
    c === 0x85 ||
    c === 0x2028 ||
    c === 0x2029
  );
}

/** `str.splitlines()`: no trailing empty line, `\r\n` is one break. */
export function pySplitLines(s: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isLineBreak(c)) continue;
    lines.push(s.slice(start, i));
    if (c === 0x0d && s.charCodeAt(i + 1) === 0x0a) i++;
    start = i + 1;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

const UNICODE_DIGIT = /\p{Nd}/u;

/**
 * The value (0-9) of a decimal digit code point, or -1. Unicode assigns decimal digits in contiguous
 * runs of ten ordered 0..9, so the value of a non-ASCII digit is its distance to the run start mod 10.
 */
export function digitValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c < 0x80 || !UNICODE_DIGIT.test(String.fromCodePoint(c))) return -1;
  let k = 0;
  while (UNICODE_DIGIT.test(String.fromCodePoint(c - k - 1))) k++;
  return k % 10;
}

/** Number of code points (Python's `len`). */
export function pyLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

function valueIn(c: number, base: number): number {
  const d = digitValue(c);
  if (d >= 0) return d < base ? d : -1;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) {
    const v = lower - 0x61 + 10;
    return v < base ? v : -1;
  }
  return -1;
}

/**
 * Python's `int(s, base)` for base 2..36: surrounding whitespace, a sign, an optional `0x`/`0o`/`0b`
 * prefix matching the base, digits with single underscores between them. Returns undefined where Python
 * raises ValueError. Values beyond 2^53 lose precision; callers bound them.
 */
export function parsePyInt(text: string, base = 10): number | undefined {
  const s = pyStrip(text);
  let i = 0;
  let sign = 1;
  if (s[i] === '+' || s[i] === '-') {
    if (s[i] === '-') sign = -1;
    i++;
  }
  const prefix = s.slice(i, i + 2).toLowerCase();
  let underscoreOk = false;
  if (
    (base === 16 && prefix === '0x') ||
    (base === 8 && prefix === '0o') ||
    (base === 2 && prefix === '0b')
  ) {
    i += 2;
    underscoreOk = true;
  }
  let value = 0;
  let digits = 0;
  for (; i < s.length; i++) {
    const c = s.codePointAt(i)!;
    if (c > 0xffff) i++;
    if (c === 0x5f) {
      if (!underscoreOk) return undefined;
      underscoreOk = false;
      continue;
    }
    const v = valueIn(c, base);
    if (v < 0) return undefined;
    value = value * base + v;
    digits++;
    underscoreOk = true;
  }
  if (digits === 0 || (s.endsWith('_') && digits > 0)) return undefined;
  return sign * value;
}

/**
 * Python's `float(s)`: decimal and exponent notation, `inf`/`infinity`/`nan` in any case, underscores
 * between digits, surrounding whitespace. Returns undefined where Python raises ValueError.
 */
export function parsePyFloat(text: string): number | undefined {
  const s = pyStrip(text);
  if (/^[+-]?(inf|infinity|nan)$/i.test(s)) {
    const neg = s.startsWith('-');
    if (/nan/i.test(s)) return NaN;
    return neg ? -Infinity : Infinity;
  }
  const digit = '\\d(?:_?\\d)*';
  const re = new RegExp(`^[+-]?(?:${digit}(?:\\.(?:${digit})?)?|\\.${digit})(?:[eE][+-]?${digit})?$`);
  let ascii = '';
  for (const ch of s) {
    const v = digitValue(ch.codePointAt(0)!);
    ascii += v >= 0 ? String(v) : ch;
  }
  if (!re.test(ascii)) return undefined;
  return Number(ascii.replace(/_/g, ''));
}
