/**
 * Python's printf-style `fmt % value` for one value, which `nodeset -O FORMAT` applies to node names
 * (str), counts (int) and, in range set mode, to the RangeSet object itself. Errors keep Python's
 * exception kind and wording, because the nodeset CLI reports TypeError and ValueError differently.
 */
import { pyAscii, pyRepr } from './python-repr.js';

export class PyTypeError extends Error {}
export class PyValueError extends Error {}

/**
 * The value being formatted. An `object` is a RangeSet: its str() and repr() are its folded text, and
 * Python treats it as a mapping (it has __getitem__), so a format without placeholders does not fail.
 */
export type FormatValue =
  | { kind: 'str'; value: string }
  | { kind: 'int'; value: number }
  | { kind: 'object'; text: string; typeName: string };

interface Spec {
  ljust: boolean;
  sign: boolean;
  blank: boolean;
  alt: boolean;
  zero: boolean;
  width: number;
  prec: number;
}

function typeName(v: FormatValue): string {
  return v.kind === 'object' ? v.typeName : v.kind;
}

function pad(body: string, spec: Spec, numeric: boolean, signLength = 0): string {
  if (body.length >= spec.width) return body;
  const fill = spec.width - body.length;
  if (spec.ljust) return body + ' '.repeat(fill);
  if (numeric && spec.zero) return body.slice(0, signLength) + '0'.repeat(fill) + body.slice(signLength);
  return ' '.repeat(fill) + body;
}

function signOf(negative: boolean, spec: Spec): string {
  return negative ? '-' : spec.sign ? '+' : spec.blank ? ' ' : '';
}

function formatInteger(n: number, conv: string, spec: Spec): string {
  const negative = n < 0;
  const base = conv === 'o' ? 8 : conv === 'x' || conv === 'X' ? 16 : 10;
  let digits = Math.abs(n).toString(base);
  if (conv === 'X') digits = digits.toUpperCase();
  if (spec.prec > digits.length) digits = '0'.repeat(spec.prec - digits.length) + digits;
  const prefix = spec.alt && base !== 10 ? `0${conv === 'o' ? 'o' : conv}` : '';
  const lead = signOf(negative, spec) + prefix;
  return pad(lead + digits, spec, true, lead.length);
}

function exponential(x: number, digits: number, upper: boolean, alt: boolean): string {
  const [mantissa, exp] = x.toExponential(digits).split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const e = exp.replace(/^[+-]/, '').padStart(2, '0');
  const m = alt && !mantissa.includes('.') ? `${mantissa}.` : mantissa;
  return `${m}${upper ? 'E' : 'e'}${sign}${e}`;
}

function stripZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

function formatFloat(x: number, conv: string, spec: Spec): string {
  const negative = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const prec = spec.prec < 0 ? 6 : spec.prec;
  const upper = conv === 'E' || conv === 'F' || conv === 'G';
  let body: string;
  if (conv === 'f' || conv === 'F') {
    body = a.toFixed(prec);
    if (spec.alt && prec === 0) body += '.';
  } else if (conv === 'e' || conv === 'E') {
    body = exponential(a, prec, upper, spec.alt);
  } else {
    const p = prec === 0 ? 1 : prec;
    const exp = a === 0 ? 0 : Number(a.toExponential(p - 1).split('e')[1]);
    if (exp >= -4 && exp < p) {
      body = a.toFixed(p - 1 - exp);
      if (!spec.alt) body = stripZeros(body);
      else if (!body.includes('.')) body += '.';
    } else {
      body = exponential(a, p - 1, upper, spec.alt);
      if (!spec.alt) {
        const [m, e] = body.split(upper ? 'E' : 'e') as [string, string];
        body = `${stripZeros(m)}${upper ? 'E' : 'e'}${e}`;
      }
    }
  }
  const sign = signOf(negative, spec);
  return pad(sign + body, spec, true, sign.length);
}

function convert(value: FormatValue, conv: string, spec: Spec, index: number): string {
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let s =
        value.kind === 'str'
          ? conv === 's'
            ? value.value
            : conv === 'r'
              ? pyRepr(value.value)
              : pyAscii(value.value)
          : value.kind === 'int'
            ? String(value.value)
            : value.text;
      if (spec.prec >= 0) s = [...s].slice(0, spec.prec).join('');
      return pad(s, spec, false);
    }
    case 'c': {
      let s: string;
      if (value.kind === 'int') {
        if (value.value < 0 || value.value > 0x10ffff)
          throw new PyValueError('%c arg not in range(0x110000)');
        s = String.fromCodePoint(value.value);
      } else if (value.kind === 'str' && [...value.value].length === 1) s = value.value;
      else throw new PyTypeError('%c requires int or char');
      return pad(s, spec, false);
    }
    case 'd':
    case 'i':
    case 'u':
      if (value.kind !== 'int') {
        throw new PyTypeError(`%${conv} format: a real number is required, not ${typeName(value)}`);
      }
      return formatInteger(value.value, 'd', spec);
    case 'o':
    case 'x':
    case 'X':
      if (value.kind !== 'int') {
        throw new PyTypeError(`%${conv} format: an integer is required, not ${typeName(value)}`);
      }
      return formatInteger(value.value, conv, spec);
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G':
      if (value.kind !== 'int') throw new PyTypeError(`must be real number, not ${typeName(value)}`);
      return formatFloat(value.value, conv, spec);
    default: {
      const code = conv.codePointAt(0)!;
      const shown = code >= 31 && code <= 126 ? conv : '?';
      throw new PyValueError(
        `unsupported format character '${shown}' (0x${code.toString(16)}) at index ${index}`,
      );
    }
  }
}

/** `fmt % value` with Python's semantics for a single (non-tuple) value. */
export function pyFormat(fmt: string, value: FormatValue): string {
  let out = '';
  let used = false;
  const isMapping = value.kind === 'object';
  const nextArg = (): FormatValue => {
    if (used) throw new PyTypeError('not enough arguments for format string');
    used = true;
    return value;
  };
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    i = pct + 1;
    if (fmt[i] === '%') {
      out += '%';
      i++;
      continue;
    }
    if (fmt[i] === '(') {
      let depth = 1;
      let j = i + 1;
      while (j < fmt.length && depth > 0) {
        if (fmt[j] === '(') depth++;
        else if (fmt[j] === ')') depth--;
        j++;
      }
      if (depth > 0) throw new PyValueError('incomplete format key');
      if (!isMapping) throw new PyTypeError('format requires a mapping');
      throw new PyTypeError(`${typeName(value)} indices must be integers`);
    }
    const spec: Spec = {
      ljust: false,
      sign: false,
      blank: false,
      alt: false,
      zero: false,
      width: -1,
      prec: -1,
    };
    for (; i < fmt.length; i++) {
      const c = fmt[i];
      if (c === '-') spec.ljust = true;
      else if (c === '+') spec.sign = true;
      else if (c === ' ') spec.blank = true;
      else if (c === '#') spec.alt = true;
      else if (c === '0') spec.zero = true;
      else break;
    }
    if (fmt[i] === '*') {
      const w = nextArg();
      if (w.kind !== 'int') throw new PyTypeError('* wants int');
      spec.width = Math.abs(w.value);
      if (w.value < 0) spec.ljust = true;
      i++;
    } else {
      const m = /^\d+/.exec(fmt.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (fmt[i] === '.') {
      i++;
      if (fmt[i] === '*') {
        const p = nextArg();
        if (p.kind !== 'int') throw new PyTypeError('* wants int');
        spec.prec = Math.max(0, p.value);
        i++;
      } else {
        const m = /^\d*/.exec(fmt.slice(i))!;
        spec.prec = m[0] ? Number(m[0]) : 0;
        i += m[0].length;
      }
    }
    if (i < fmt.length && 'hlL'.includes(fmt[i]!)) i++;
    if (i >= fmt.length) throw new PyValueError('incomplete format');
    const conv = String.fromCodePoint(fmt.codePointAt(i)!);
    out += convert(nextArg(), conv, spec, i);
    i += conv.length;
  }
  if (!used && !isMapping) throw new PyTypeError('not all arguments converted during string formatting');
  return out;
}
