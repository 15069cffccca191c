/**
 * The "inert" part of the module-root check (see module-root-check.ts): expressions that may be evaluated
 * at import time because they run no code of the module — literals, names, property reads, literals of
 * inert values, function/arrow/class expressions (their bodies run later), operators, and a few
 * allowlisted built-in calls — and the class and function forms whose bodies are skipped.
 */
import { describe, eofAfter, TokenCursor } from './token-cursor.js';
import type { Token } from './tokenizer.js';

const ALLOWED_CALLS = new Set(['Object.freeze', 'Symbol', 'Symbol.for']);
const ALLOWED_CONSTRUCTORS = new Set(['Set', 'Map', 'WeakMap', 'WeakSet', 'RegExp']);
const BINARY = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '**',
  '==',
  '!=',
  '===',
  '!==',
  '<',
  '>',
  '<=',
  '>=',
  '&&',
  '||',
  '??',
  '&',
  '|',
  '^',
  '<<',
  '>>',
  '>>>',
  'instanceof',
  'in',
]);
const STATEMENT_START = new Set(['export', 'import', 'class', 'function', 'const', 'let', 'var', 'async']);

export class InertExpressionChecker extends TokenCursor {
  protected functionTail(): void {
    if (this.is('async')) this.i++;
    this.expect('function');
    if (this.is('*')) this.i++;
    if (this.tok.type === 'name') this.i++;
    if (!this.is('(')) this.fail('expected the parameter list of a function');
    this.skipBalanced();
    if (!this.is('{')) this.fail('expected the body of a function');
    this.skipBalanced();
  }

  /** After `class`: name, `extends`, and the body. */
  protected classTail(nameRequired: boolean): void {
    if (this.tok.type === 'name' && !this.is('extends')) this.i++;
    else if (nameRequired) this.fail('a class declaration needs a name');
    if (this.is('extends')) {
      this.i++;
      if (this.tok.type !== 'name') this.fail('a class may only extend a name such as JobType');
      this.i++;
      while (this.is('.')) {
        this.i++;
        if (this.tok.type !== 'name') this.fail('a class may only extend a name such as JobType');
        this.i++;
      }
      if (!this.is('{')) this.fail('a class may only extend a name such as JobType');
    }
    this.expect('{');
    while (!this.is('}')) {
      if (this.tok.type === 'eof') this.fail('unterminated class body');
      this.classMember();
    }
    this.i++;
  }

  protected classMember(): void {
    if (this.is(';')) return void this.i++;
    if (this.is('@')) this.fail('decorators run when the class is defined');
    let isStatic = false;
    if (this.is('static') && !this.isKeyEnd(this.peek())) {
      this.i++;
      isStatic = true;
      if (this.is('{')) this.fail('static initialization blocks run when the class is defined');
    }
    // Modifiers, unless they are themselves the member's name (`get() {}`, `async = 1`).
    while (
      (this.is('async') || this.is('get') || this.is('set') || this.is('accessor') || this.is('*')) &&
      !this.isKeyEnd(this.peek())
    ) {
      this.i++;
    }
    if (this.is('*')) this.i++;
    if (this.is('[')) {
      this.i++;
      this.expression();
      this.expect(']');
    } else if (['name', 'string', 'num', 'private'].includes(this.tok.type)) this.i++;
    else this.fail(`unexpected ${describe(this.tok)} in a class body`);
    if (this.is('(')) {
      this.skipBalanced();
      if (!this.is('{')) this.fail('expected a method body');
      this.skipBalanced();
      return;
    }
    if (this.is('=')) {
      this.i++;
      if (isStatic) this.expression();
      else this.skipExpression();
    }
    this.endStatement();
  }

  protected isKeyEnd(tok: Token): boolean {
    return this.is('(', tok) || this.is('=', tok) || this.is(';', tok) || this.is('}', tok) || tok.nlBefore;
  }

  // ---- inert expressions --------------------------------------------------------------------------

  protected expression(): void {
    this.binary();
    if (this.is('?')) {
      this.i++;
      this.expression();
      this.expect(':');
      this.expression();
    }
    if (
      this.tok.type === 'punct' &&
      /^([-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=$/.test(this.tok.text) &&
      this.tok.text !== '=='
    ) {
      this.fail('assignments run at the top level');
    }
  }

  protected binary(): void {
    this.unary();
    while (BINARY.has(this.tok.text) && (this.tok.type === 'punct' || this.tok.type === 'name')) {
      this.i++;
      this.unary();
    }
  }

  protected unary(): void {
    if (this.is('++') || this.is('--') || this.is('delete') || this.is('await') || this.is('yield')) {
      this.fail(`"${this.tok.text}" runs at the top level`);
    }
    if (
      this.is('!') ||
      this.is('-') ||
      this.is('+') ||
      this.is('~') ||
      this.is('typeof') ||
      this.is('void')
    ) {
      this.i++;
      return this.unary();
    }
    this.primary();
  }

  protected primary(): void {
    const tok = this.tok;
    switch (tok.type) {
      case 'num':
      case 'string':
      case 'regex':
        this.i++;
        return this.members(false);
      case 'template':
        for (const part of tok.parts ?? [])
          new InertExpressionChecker([...part, eofAfter(part, tok)]).wholeExpression();
        this.i++;
        return this.members(false);
      case 'name':
        return this.namePrimary();
      case 'punct':
        if (this.is('(')) return this.parenthesized();
        if (this.is('{')) return this.objectLiteral();
        if (this.is('[')) return this.arrayLiteral();
        break;
      default:
        break;
    }
    this.fail(`unexpected ${describe(tok)}`);
  }

  wholeExpression(): void {
    this.expression();
    if (this.tok.type !== 'eof') this.fail(`unexpected ${describe(this.tok)}`);
  }

  protected namePrimary(): void {
    const tok = this.tok;
    if (tok.text === 'function' || (tok.text === 'async' && this.is('function', this.peek())))
      return this.functionTail();
    if (tok.text === 'class') {
      this.i++;
      return this.classTail(false);
    }
    if (
      tok.text === 'async' &&
      (this.peek().type === 'name' || this.is('(', this.peek())) &&
      !this.peek().nlBefore
    ) {
      this.i++;
      return this.arrowOrFail();
    }
    if (tok.text === 'new') {
      this.i++;
      const ctor = this.tok;
      if (ctor.type !== 'name' || !ALLOWED_CONSTRUCTORS.has(ctor.text)) {
        this.fail(`"new ${ctor.text}" runs a constructor at the top level`);
      }
      this.i++;
      if (this.is('(')) this.arguments();
      return this.members(false);
    }
    if (this.is('=>', this.peek())) {
      this.i += 2;
      return this.arrowBody();
    }
    if (tok.text === 'import') this.fail('dynamic import() and import.meta run at the top level');
    this.i++;
    this.members(true, tok.text);
  }

  /** Property reads after a primary; a call is allowed only for the allowlisted names. */
  protected members(fromName: boolean, path?: string): void {
    let dotted = fromName ? path : undefined;
    for (;;) {
      if (this.is('?.') && (this.is('[', this.peek()) || this.is('(', this.peek()))) {
        this.i++;
        continue;
      }
      if (this.is('.') || this.is('?.')) {
        this.i++;
        if (this.tok.type !== 'name' && this.tok.type !== 'private')
          this.fail(`unexpected ${describe(this.tok)}`);
        if (dotted !== undefined) dotted += `.${this.tok.text}`;
        this.i++;
      } else if (this.is('[')) {
        this.i++;
        this.expression();
        this.expect(']');
        dotted = undefined;
      } else if (this.is('(')) {
        if (dotted === undefined || !ALLOWED_CALLS.has(dotted)) {
          this.fail(`calling ${dotted ?? 'a function'} runs code at the top level`);
        }
        this.arguments();
        dotted = undefined;
      } else if (this.tok.type === 'template' && !this.tok.nlBefore) {
        this.fail('tagged templates call a function at the top level');
      } else return;
    }
  }

  protected arguments(): void {
    this.expect('(');
    while (!this.is(')')) {
      if (this.is('...')) this.i++;
      this.expression();
      if (!this.is(',')) break;
      this.i++;
    }
    this.expect(')');
  }

  protected parenthesized(): void {
    const close = this.matching(this.i);
    if (this.is('=>', this.t[close + 1])) {
      this.i = close + 2;
      return this.arrowBody();
    }
    this.i++;
    this.expression();
    while (this.is(',')) {
      this.i++;
      this.expression();
    }
    this.expect(')');
    this.members(false);
  }

  protected arrowOrFail(): void {
    if (this.tok.type === 'name' && this.is('=>', this.peek())) {
      this.i += 2;
      return this.arrowBody();
    }
    if (this.is('(')) {
      const close = this.matching(this.i);
      if (this.is('=>', this.t[close + 1])) {
        this.i = close + 2;
        return this.arrowBody();
      }
    }
    this.fail('calls run at the top level');
  }

  /** The body of an arrow function runs later: skip it. */
  protected arrowBody(): void {
    if (this.is('{')) return this.skipBalanced();
    this.skipExpression();
  }

  /** Skips one assignment expression that is not evaluated now (arrow bodies, instance fields). */
  protected skipExpression(): void {
    const start = this.i;
    for (;;) {
      const tok = this.tok;
      if (tok.type === 'eof') return;
      if (this.i > start && tok.nlBefore && tok.type === 'name' && STATEMENT_START.has(tok.text)) return;
      if (this.is(',') || this.is(';') || this.is(')') || this.is(']') || this.is('}')) return;
      if (this.is('(') || this.is('[') || this.is('{')) this.skipBalanced();
      else this.i++;
    }
  }

  protected objectLiteral(): void {
    this.expect('{');
    while (!this.is('}')) {
      if (this.tok.type === 'eof') this.fail('unterminated object literal');
      if (this.is('...')) {
        this.i++;
        this.expression();
      } else {
        while (
          (this.is('async') || this.is('get') || this.is('set') || this.is('*')) &&
          !this.isPropertyEnd(this.peek())
        )
          this.i++;
        if (this.is('[')) {
          this.i++;
          this.expression();
          this.expect(']');
        } else if (['name', 'string', 'num'].includes(this.tok.type)) this.i++;
        else this.fail(`unexpected ${describe(this.tok)} in an object literal`);
        if (this.is('(')) {
          this.skipBalanced();
          if (!this.is('{')) this.fail('expected a method body');
          this.skipBalanced();
        } else if (this.is(':')) {
          this.i++;
          this.expression();
        } else if (this.is('=')) this.fail('default values belong to destructuring, not to object literals');
      }
      if (!this.is(',')) break;
      this.i++;
    }
    this.expect('}');
    this.members(false);
  }

  protected isPropertyEnd(tok: Token): boolean {
    return this.is('(', tok) || this.is(':', tok) || this.is(',', tok) || this.is('}', tok);
  }

  protected arrayLiteral(): void {
    this.expect('[');
    while (!this.is(']')) {
      if (this.is(',')) {
        this.i++;
        continue;
      }
      if (this.is('...')) this.i++;
      this.expression();
      if (!this.is(',')) break;
      this.i++;
    }
    this.expect(']');
    this.members(false);
  }
}
