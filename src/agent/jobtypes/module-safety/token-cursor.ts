/**
 * Walking the tokens of a module: the current token, looking ahead, matching brackets, statement ends
 * (automatic semicolon insertion), and the error that names the offending line.
 */
import { DroverError } from '../../../core/errors.js';
import type { Token } from './tokenizer.js';

export class ModuleRootCodeError extends DroverError {
  readonly code = 'jobtype_module_root_code';

  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`job type module does work at import time (line ${line}): ${reason}`);
  }
}

export class TokenCursor {
  protected i = 0;

  constructor(protected readonly t: Token[]) {}

  protected get tok(): Token {
    return this.t[this.i]!;
  }

  protected peek(n = 1): Token {
    return this.t[Math.min(this.i + n, this.t.length - 1)]!;
  }

  protected is(text: string, tok: Token = this.tok): boolean {
    return (tok.type === 'punct' || tok.type === 'name') && tok.text === text;
  }

  protected fail(reason: string, tok: Token = this.tok): never {
    throw new ModuleRootCodeError(reason, tok.line);
  }

  protected expect(text: string): void {
    if (!this.is(text)) this.fail(`expected "${text}" but found ${describe(this.tok)}`);
    this.i++;
  }

  protected endsStatement(tok: Token): boolean {
    return this.is(';', tok) || this.is('}', tok) || tok.type === 'eof' || tok.nlBefore;
  }

  protected endStatement(): void {
    if (this.is(';')) this.i++;
    else if (!this.endsStatement(this.tok)) this.fail(`unexpected ${describe(this.tok)}`);
  }

  protected matching(open: number): number {
    const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
    const stack: string[] = [];
    for (let j = open; j < this.t.length; j++) {
      const tok = this.t[j]!;
      if (tok.type !== 'punct') continue;
      if (pairs[tok.text]) stack.push(pairs[tok.text]!);
      else if (tok.text === ')' || tok.text === ']' || tok.text === '}') {
        if (stack.pop() !== tok.text) this.fail(`unbalanced "${tok.text}"`, tok);
        if (stack.length === 0) return j;
      }
    }
    this.fail('unbalanced brackets', this.t[open]);
  }

  protected skipBalanced(): void {
    this.i = this.matching(this.i) + 1;
  }
}

export function describe(tok: Token): string {
  if (tok.type === 'eof') return 'the end of the module';
  if (tok.type === 'string' || tok.type === 'template') return 'a string';
  return `"${tok.text}"`;
}

export function eofAfter(part: Token[], template: Token): Token {
  const last = part[part.length - 1];
  return {
    type: 'eof',
    text: '',
    start: last?.end ?? template.start,
    end: last?.end ?? template.start,
    line: template.line,
    nlBefore: true,
  };
}
