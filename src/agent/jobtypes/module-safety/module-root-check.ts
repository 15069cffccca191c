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
import { InertExpressionChecker } from './inert-expression.js';
import { describe } from './token-cursor.js';
import { tokenize } from './tokenizer.js';

export { ModuleRootCodeError } from './token-cursor.js';

export const ALLOWED_IMPORT = /^(drover\/jobtype|node:[a-z_/]+)$/;

export function checkModuleRoot(source: string): void {
  new RootChecker(tokenize(source)).program();
}

/** Statements at the top level: imports, exports and declarations only. */
class RootChecker extends InertExpressionChecker {
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

  protected moduleSpecifier(): void {
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

  protected importDeclaration(): void {
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

  protected exportDeclaration(): void {
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
}
