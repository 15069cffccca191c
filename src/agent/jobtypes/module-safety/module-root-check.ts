/**
 * The seed's PYFARM_JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT switch, made precise: a job type module
 * must not do work when it is imported — only when the agent calls its class. Importing happens inside
 * the agent process, before any task runs, so work at the top level would run with the agent's rights
 * and stall or crash it.
 *
 * The check is static (nothing is evaluated) and conservative: the top level may contain only
 *   - `import` declarations of `drover/jobtype` and `node:` built-in modules (no dynamic `import()`);
 *   - `export` forms of the declarations below, `export { a, b as c }`, and re-exports from allowed modules;
 *   - class declarations whose `extends` is a name or a dotted name, with no static blocks, no decorators,
 *     and inert static field initializers and computed keys (methods and instance fields are free);
 *   - function, async function and generator declarations;
 *   - `const`/`let`/`var` declarations of plain names with inert initializers;
 *   - empty statements and string directives ('use strict').
 * Inert means: literals (numbers, strings, regexes, true/false/null/undefined, templates whose
 * substitutions are inert), names and property reads (`a.b`, `a?.b`, `a[inert]`), object and array
 * literals of inert values (with methods, getters and spreads of inert values), function, arrow and class
 * expressions (their bodies run later), unary, binary, logical and conditional operators on inert
 * operands, and the calls `Object.freeze(…)`, `Symbol(…)`, `Symbol.for(…)`, `new Set|Map|WeakMap|WeakSet|
 * RegExp(…)` with inert arguments. Anything else — a call, `new` of anything else, a tagged template,
 * an assignment, `await`, `delete`, `++`, an `if`/loop/expression statement — is refused, and the error
 * names the line. Known limit: operators and property reads are assumed not to reach user code through
 * `valueOf`/getters defined in the same module.
 */
import { DroverError } from '../../../core/errors.js';
import { tokenize, type Token } from './tokenizer.js';

export class ModuleRootCodeError extends DroverError {
  readonly code = 'jobtype_module_root_code';

  constructor(
    readonly reason: string,
    readonly line: number,
  ) {
    super(`job type module does work at import time (line ${line}): ${reason}`);
  }
}

export const ALLOWED_IMPORT = /^(drover\/jobtype|node:[a-z_/]+)$/;

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

export function checkModuleRoot(source: string): void {
  new RootChecker(tokenize(source)).program();
}

class RootChecker {
  private i = 0;

  constructor(private readonly t: Token[]) {}

  private get tok(): Token {
    return this.t[this.i]!;
  }

  private peek(n = 1): Token {
    return this.t[Math.min(this.i + n, this.t.length - 1)]!;
  }

  private is(text: string, tok: Token = this.tok): boolean {
    return (tok.type === 'punct' || tok.type === 'name') && tok.text === text;
  }

  private fail(reason: string, tok: Token = this.tok): never {
    throw new ModuleRootCodeError(reason, tok.line);
  }

  private expect(text: string): void {
    if (!this.is(text)) this.fail(`expected "${text}" but found ${describe(this.tok)}`);
    this.i++;
  }

  program(): void {
    while (this.tok.type !== 'eof') this.statement();
  }

  private statement(): void {
    const tok = this.tok;
    if (this.is(';')) return void this.i++;
    if (tok.type === 'string' && this.endsStatement(this.peek())) {
      this.i++;
      return this.endStatement();
    }
    if (this.is('import')) return this.importDeclaration();
    if (this.is('export')) return this.exportDeclaration();
    if (this.declaration()) return;
    this.fail(`a top-level ${describe(tok)} statement runs code when the module is imported`);
  }

  /** class, function and variable declarations; false when the statement is none of them. */
  private declaration(): boolean {
    if (this.is('class')) {
      this.i++;
      this.classTail(true);
      return true;
    }
    if (
      this.is('function') ||
      (this.is('async') && this.is('function', this.peek()) && !this.peek().nlBefore)
    ) {
      this.functionTail();
      return true;
    }
    if (this.is('const') || this.is('let') || this.is('var')) {
      this.i++;
      for (;;) {
        if (this.tok.type !== 'name')
          this.fail('only plain names may be declared at the top level (no destructuring)');
        this.i++;
        if (this.is('=')) {
          this.i++;
          this.expression();
        }
        if (!this.is(',')) break;
        this.i++;
      }
      this.endStatement();
      return true;
    }
    return false;
  }

  private endsStatement(tok: Token): boolean {
    return this.is(';', tok) || this.is('}', tok) || tok.type === 'eof' || tok.nlBefore;
  }

  private endStatement(): void {
    if (this.is(';')) this.i++;
    else if (!this.endsStatement(this.tok)) this.fail(`unexpected ${describe(this.tok)}`);
  }

  private moduleSpecifier(): void {
    const tok = this.tok;
    if (tok.type !== 'string') this.fail(`expected a module name but found ${describe(tok)}`);
    if (!ALLOWED_IMPORT.test(tok.value ?? '')) {
      this.fail(`imports may name only drover/jobtype and node: built-ins, not ${JSON.stringify(tok.value)}`);
    }
    this.i++;
    if (this.is('with') || this.is('assert')) {
      this.i++;
      this.skipBalanced();
    }
  }

  private importDeclaration(): void {
    const next = this.peek();
    if (this.is('(', next) || this.is('.', next))
      this.fail('dynamic import() and import.meta run at the top level');
    this.i++;
    if (this.tok.type !== 'string') {
      while (!this.is('from')) {
        if (this.tok.type === 'eof') this.fail('unterminated import declaration');
        if (this.is('{')) this.skipBalanced();
        else this.i++;
      }
      this.i++;
    }
    this.moduleSpecifier();
    this.endStatement();
  }

  private exportDeclaration(): void {
    this.i++;
    if (this.is('default')) {
      this.i++;
      if (this.is('class')) {
        this.i++;
        this.classTail(false);
      } else if (this.is('function') || (this.is('async') && this.is('function', this.peek()))) {
        this.functionTail();
      } else {
        this.expression();
        this.endStatement();
      }
      return;
    }
    if (this.is('{') || this.is('*')) {
      if (this.is('{')) this.skipBalanced();
      else {
        this.i++;
        if (this.is('as')) this.i += 2;
      }
      if (this.is('from')) {
        this.i++;
        this.moduleSpecifier();
      }
      return this.endStatement();
    }
    if (!this.declaration()) this.fail(`cannot export ${describe(this.tok)}`);
  }

  /** After `function` or `async function`: optional `*`, the name, parameters and body — none of it runs now. */
  private functionTail(): void {
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
  private classTail(nameRequired: boolean): void {
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

  private classMember(): void {
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

  private isKeyEnd(tok: Token): boolean {
    return this.is('(', tok) || this.is('=', tok) || this.is(';', tok) || this.is('}', tok) || tok.nlBefore;
  }

  // ---- inert expressions --------------------------------------------------------------------------

  private expression(): void {
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

  private binary(): void {
    this.unary();
    while (BINARY.has(this.tok.text) && (this.tok.type === 'punct' || this.tok.type === 'name')) {
      this.i++;
      this.unary();
    }
  }

  private unary(): void {
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

  private primary(): void {
    const tok = this.tok;
    switch (tok.type) {
      case 'num':
      case 'string':
      case 'regex':
        this.i++;
        return this.members(false);
      case 'template':
        for (const part of tok.parts ?? []) new RootChecker([...part, eofAfter(part, tok)]).wholeExpression();
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

  private namePrimary(): void {
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
  private members(fromName: boolean, path?: string): void {
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

  private arguments(): void {
    this.expect('(');
    while (!this.is(')')) {
      if (this.is('...')) this.i++;
      this.expression();
      if (!this.is(',')) break;
      this.i++;
    }
    this.expect(')');
  }

  private parenthesized(): void {
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

  private arrowOrFail(): void {
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
  private arrowBody(): void {
    if (this.is('{')) return this.skipBalanced();
    this.skipExpression();
  }

  /** Skips one assignment expression that is not evaluated now (arrow bodies, instance fields). */
  private skipExpression(): void {
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

  private objectLiteral(): void {
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

  private isPropertyEnd(tok: Token): boolean {
    return this.is('(', tok) || this.is(':', tok) || this.is(',', tok) || this.is('}', tok);
  }

  private arrayLiteral(): void {
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

  private matching(open: number): number {
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

  private skipBalanced(): void {
    this.i = this.matching(this.i) + 1;
  }
}

function describe(tok: Token): string {
  if (tok.type === 'eof') return 'the end of the module';
  if (tok.type === 'string' || tok.type === 'template') return 'a string';
  return `"${tok.text}"`;
}

function eofAfter(part: Token[], template: Token): Token {
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
