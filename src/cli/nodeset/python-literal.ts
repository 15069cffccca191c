/**
 * `nodeset -S SEP` is evaluated by ClusterShell as the Python expression `'''SEP'''`, so `\n`, `\t`,
 * `\x41`, `\101` and `\u00e9` work and a lone trailing backslash is an error. This evaluates the same
 * expression for what a separator can reasonably contain: adjacent string literals (SEP may close the
 * triple quote and open another) with Python's escapes. Anything else, including `\N{...}` names and
 * prefixed literals, is reported as an invalid separator.
 */
export class PySyntaxError extends Error {}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function hexValue(text: string, length: number): number {
  if (text.length !== length || !/^[0-9a-fA-F]+$/.test(text)) throw new PySyntaxError('truncated escape');
  return parseInt(text, 16);
}

function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new PySyntaxError('trailing backslash');
    if (e === '\n') continue;
    if (e in SIMPLE_ESCAPES) out += SIMPLE_ESCAPES[e];
    else if (e >= '0' && e <= '7') {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length - 1;
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const length = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const code = hexValue(body.slice(i + 1, i + 1 + length), length);
      if (code > 0x10ffff) throw new PySyntaxError('illegal Unicode character');
      out += String.fromCodePoint(code);
      i += length;
    } else if (e === 'N') {
      throw new PySyntaxError('named Unicode escapes are not supported');
    } else out += `\\${e}`;
  }
  return out;
}

/** The value of the Python expression `'''<text>'''`; throws PySyntaxError where Python would. */
export function evalTripleQuoted(text: string): string {
  const src = `'''${text}'''`;
  let out = '';
  let i = 0;
  let literals = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\f') {
      i++;
      continue;
    }
    if (c === '#') {
      const nl = src.indexOf('\n', i);
      if (nl < 0) break;
      i = nl;
      continue;
    }
    if (c !== "'" && c !== '"') throw new PySyntaxError('invalid syntax');
    const triple = src.startsWith(c.repeat(3), i);
    const quote = triple ? c.repeat(3) : c;
    let j = i + quote.length;
    let body = '';
    for (;;) {
      if (j >= src.length) throw new PySyntaxError('unterminated string literal');
      if (src.startsWith(quote, j)) break;
      const d = src[j]!;
      if (d === '\n' && !triple) throw new PySyntaxError('unterminated string literal');
      if (d === '\\') {
        if (j + 1 >= src.length) throw new PySyntaxError('unterminated string literal');
        body += d + src[j + 1];
        j += 2;
        continue;
      }
      body += d;
      j++;
    }
    out += unescape(body);
    literals++;
    i = j + quote.length;
  }
  if (literals === 0) throw new PySyntaxError('invalid syntax');
  return out;
}
