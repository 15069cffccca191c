/**
 * A node name pattern: the literal text around each numeric dimension, e.g. `node12-ib0` has pattern
 * `node%s-ib%s` and parts ['node', '-ib', '']. ClusterShell keys its node sets by the pattern string with
 * `%s` placeholders and `%%` for a literal `%`, and sorts patterns by that string in code point order,
 * which decides the output order (`a,a1,a1b,a[1-2]b[1-2],a-1`); `key` is that string.
 */
export interface NodePattern {
  readonly key: string;
  readonly parts: readonly string[];
  /** Number of numeric dimensions (parts.length - 1). */
  readonly dims: number;
}

const interned = new Map<string, NodePattern>();
/** The last pattern returned: names read from a list mostly repeat the previous one. */
let last: NodePattern | undefined;

function escape(part: string): string {
  return part.includes('%') ? part.replace(/%/g, '%%') : part;
}

/** The pattern with these literal parts (one more part than dimensions); patterns are interned. */
export function patternOf(parts: readonly string[]): NodePattern {
  if (last && last.parts.length === parts.length && last.parts.every((p, i) => p === parts[i])) return last;
  const key = parts.length === 1 ? escape(parts[0]!) : parts.map(escape).join('%s');
  let pattern = interned.get(key);
  if (!pattern) {
    pattern = { key, parts: [...parts], dims: parts.length - 1 };
    if (interned.size > 100_000) interned.clear();
    interned.set(key, pattern);
  }
  last = pattern;
  return pattern;
}

/** Fills the dimensions with `values` (element strings, or `[a-b]` range strings). */
export function formatPattern(pattern: NodePattern, values: readonly string[]): string {
  const parts = pattern.parts;
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 2) return parts[0]! + values[0]! + parts[1]!;
  let s = parts[0]!;
  for (let i = 0; i < values.length; i++) s += values[i]! + parts[i + 1]!;
  return s;
}

/** Python's `str` comparison: code point order (UTF-16 order differs only around surrogate pairs). */
export function comparePyStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs === ys) return x - y;
    // A surrogate (an astral code point) is above every BMP character outside the surrogate block.
    return xs ? 1 : -1;
  }
  return a.length - b.length;
}
