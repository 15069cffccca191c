/**
 * A small JavaScript tokenizer, enough to read the top level of a job type module: it knows comments,
 * strings, template literals (with their `${}` parts tokenized recursively), regular expression literals
 * (told from division by the previous token), numbers, names and punctuators. It never evaluates anything.
 */
import { DroverError } from '../../../core/errors.js';

export class ModuleSyntaxError extends DroverError {
  readonly code = 'jobtype_syntax';

  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
  }
}

export type TokenType = 'name' | 'num' | 'string' | 'template' | 'regex' | 'punct' | 'private' | 'eof';

export interface Token {
  type: TokenType;
  /** Source text (for strings: the decoded value is in `value`). */
  text: string;
  value?: string;
  /** Tokens of each `${...}` of a template literal. */
  parts?: Token[][];
  start: number;
  end: number;
  line: number;
  /** A line break separates this token from the previous one (automatic semicolon insertion). */
  nlBefore: boolean;
}

const PUNCTUATORS = [
  '>>>=',
  '...',
  '===',
  '!==',
  '**=',
  '<<=',
  '>>=',
  '>>>',
  '&&=',
  '||=',
  '??=',
  '=>',
  '==',
  '!=',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '?.',
  '++',
  '--',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '**',
  '<<',
  '>>',
  '{',
  '}',
  '(',
  ')',
  '[',
  ']',
  ';',
  ',',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '&',
  '|',
  '^',
  '!',
  '~',
  '?',
  ':',
  '=',
  '.',
  '@',
];

/** After these names a `/` starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'return',
  'typeof',
  'instanceof',
  'in',
  'of',
  'new',
  'delete',
  'void',
  'throw',
  'case',
  'do',
  'else',
  'yield',
  'await',
  'extends',
]);

const NAME_START = /[A-Za-z_$\u0080-\uffff]/;
const NAME_PART = /[\w$\u0080-\uffff]/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const end = scan(source, 0, tokens, false);
  tokens.push({ type: 'eof', text: '', start: end, end, line: lineAt(source, end), nlBefore: true });
  return tokens;
}

function lineAt(source: string, pos: number): number {
  let line = 1;
  for (let i = 0; i < pos && i < source.length; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Scans from `pos` into `out`. Inside a template substitution (`nested`) it stops at the `}` that closes
 * it and returns the position after it; at the top level it returns the end of the source.
 */
function scan(src: string, pos: number, out: Token[], nested: boolean): number {
  let line = lineAt(src, pos);
  let nl = true;
  let depth = 0;
  if (!nested && src.startsWith('#!')) {
    while (pos < src.length && src[pos] !== '\n') pos++;
  }
  const push = (type: TokenType, start: number, stop: number, extra: Partial<Token> = {}) => {
    out.push({ type, text: src.slice(start, stop), start, end: stop, line, nlBefore: nl, ...extra });
    nl = false;
  };
  while (pos < src.length) {
    const c = src[pos]!;
    if (c === '\n') {
      line++;
      nl = true;
      pos++;
      continue;
    }
    if (
      c === ' ' ||
      c === '\t' ||
      c === '\r' ||
      c === '\f' ||
      c === '\v' ||
      c === '\u00a0' ||
      c === '\ufeff'
    ) {
      pos++;
      continue;
    }
    if (c === '/' && src[pos + 1] === '/') {
      while (pos < src.length && src[pos] !== '\n') pos++;
      continue;
    }
    if (c === '/' && src[pos + 1] === '*') {
      const close = src.indexOf('*/', pos + 2);
      if (close < 0) throw new ModuleSyntaxError('unterminated comment', line);
      for (let i = pos; i < close; i++) {
        if (src.charCodeAt(i) === 10) {
          line++;
          nl = true;
        }
      }
      pos = close + 2;
      continue;
    }
    const start = pos;
    if (c === '"' || c === "'") {
      pos++;
      let value = '';
      while (pos < src.length && src[pos] !== c) {
        if (src[pos] === '\n') throw new ModuleSyntaxError('unterminated string', line);
        if (src[pos] === '\\') {
          value += src[pos + 1] ?? '';
          if (src[pos + 1] === '\n') line++;
          pos += 2;
        } else value += src[pos++];
      }
      if (pos >= src.length) throw new ModuleSyntaxError('unterminated string', line);
      pos++;
      push('string', start, pos, { value });
      continue;
    }
    if (c === '`') {
      const parts: Token[][] = [];
      const startLine = line;
      pos++;
      while (pos < src.length && src[pos] !== '`') {
        if (src[pos] === '\\') pos += 2;
        else if (src[pos] === '$' && src[pos + 1] === '{') {
          const inner: Token[] = [];
          pos = scan(src, pos + 2, inner, true);
          parts.push(inner);
        } else {
          if (src[pos] === '\n') line++;
          pos++;
        }
      }
      if (pos >= src.length) throw new ModuleSyntaxError('unterminated template literal', startLine);
      pos++;
      const before = line;
      line = startLine;
      push('template', start, pos, { parts });
      line = before;
      continue;
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[pos + 1] ?? ''))) {
      pos++;
      while (pos < src.length) {
        const d = src[pos]!;
        if (/[\w.]/.test(d)) pos++;
        else if (
          (d === '+' || d === '-') &&
          /[eE]/.test(src[pos - 1]!) &&
          !/^0[xX]/.test(src.slice(start, pos))
        )
          pos++;
        else break;
      }
      push('num', start, pos);
      continue;
    }
    if (c === '#' && NAME_START.test(src[pos + 1] ?? '')) {
      pos++;
      while (pos < src.length && NAME_PART.test(src[pos]!)) pos++;
      push('private', start, pos);
      continue;
    }
    if (NAME_START.test(c) || c === '\\') {
      pos++;
      while (pos < src.length && (NAME_PART.test(src[pos]!) || src[pos] === '\\')) pos++;
      push('name', start, pos);
      continue;
    }
    if (c === '/' && regexAllowed(out[out.length - 1])) {
      pos++;
      let inClass = false;
      while (pos < src.length) {
        const d = src[pos]!;
        if (d === '\n') throw new ModuleSyntaxError('unterminated regular expression', line);
        if (d === '\\') pos += 2;
        else {
          if (d === '[') inClass = true;
          else if (d === ']') inClass = false;
          else if (d === '/' && !inClass) break;
          pos++;
        }
      }
      if (pos >= src.length) throw new ModuleSyntaxError('unterminated regular expression', line);
      pos++;
      while (pos < src.length && NAME_PART.test(src[pos]!)) pos++;
      push('regex', start, pos);
      continue;
    }
    if (nested && c === '}' && depth === 0) return pos + 1;
    const punct = PUNCTUATORS.find((p) => src.startsWith(p, pos));
    if (!punct) throw new ModuleSyntaxError(`unexpected character ${JSON.stringify(c)}`, line);
    if (punct === '{') depth++;
    if (punct === '}') depth--;
    pos += punct.length;
    push('punct', start, pos);
  }
  if (nested) throw new ModuleSyntaxError('unterminated template substitution', line);
  return pos;
}

function regexAllowed(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.type === 'punct') return prev.text !== ')' && prev.text !== ']';
  if (prev.type === 'name') return KEYWORDS_BEFORE_EXPRESSION.has(prev.text);
  return false;
}
