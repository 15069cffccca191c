import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { DroverError } from '../../../core/errors.js';
import { findImportSpecifiers, rewriteSpecifier } from './import-specifiers.js';
import { checkModuleRoot, ModuleRootCodeError } from './module-root-check.js';

const jobtype = `
'use strict';
import { JobType, CommandData } from 'drover/jobtype';
import { join } from 'node:path';
import * as fs from "node:fs";

/* block comment with run() inside */
const FRAME = /Fra:(\\d+)/;          // regex literal
const NAMES = Object.freeze(['a', 'b']);
const LIMITS = { max: 10, min: -1, nested: { list: [1, 2, ...[3]] }, get x() { return work(); } };
const formats = new Set(['png', 'exr']);
let counter = 0, label = \`frames \${1 + 2}\`;
const pick = (a, b = compute()) => a ?? b;
const later = async (x) => await fetch(x);
const kind = typeof process === 'undefined' ? 'none' : process.platform;
export const VERSION = 3;

function helper(a) { return a * 2; }
async function* gen() { yield 1; }

export class Render extends JobType {
  static SUPPORTED = new Map([['png', 1]]);
  static #secret = 'x';
  instanceField = startSomething();
  ['computed' + 'Key'] = 1;
  static get description() { return 'renders'; }
  async getCommandData() {
    return new CommandData('blender', ['-b', join('a', 'b')]);
  }
  processStdoutLine(process, line) { const m = FRAME.exec(line); if (m) this.setTaskProgress(1, 0.5); }
}
export default Render;
export { helper, gen as generator };
`;

describe('checkModuleRoot accepts declarations', () => {
  test('a realistic job type module passes', () => {
    expect(() => checkModuleRoot(jobtype)).not.toThrow();
  });

  test.each([
    ['export default class extends JobType {}'],
    ['export class A extends drover.JobType { method() { run(); } }'],
    ["const a = 1\nconst b = 'x'\nexport { a, b }"],
    ['export * from "drover/jobtype";'],
    ['const f = x => x + 1\nexport class A {}'],
    ['const o = { a() { go(); }, async *b() {}, [Symbol.for("k")]: 1 };'],
    ['const s = Symbol("x"); const t = a?.b?.[0];'],
    ['#!/usr/bin/env node\nexport const x = 1;'],
  ])('%s', (source) => {
    expect(() => checkModuleRoot(source)).not.toThrow();
  });
});

describe('checkModuleRoot refuses work at import time', () => {
  test.each([
    ['run();', 1, /statement/],
    ["import { JobType } from 'drover/jobtype';\n\nconsole.log('hi');", 3, /statement/],
    ['const x = compute();', 1, /calling compute/],
    ["const child = require('child_process');", 1, /calling require/],
    ['const x = new Worker("a.js");', 1, /new Worker/],
    ['const x = await fetch("http://x");', 1, /await/],
    ["import evil from 'fs';", 1, /node: built-ins/],
    ["import x from './other.js';", 1, /node: built-ins/],
    ["const m = import('node:fs');", 1, /calls run|dynamic/],
    ["import('node:fs');", 1, /dynamic/],
    ['class A { static { go(); } }', 1, /static initialization/],
    ['class A { static x = go(); }', 1, /calling go/],
    ['class A extends mixin(B) {}', 1, /extend a name/],
    ['class A { [go()]() {} }', 1, /calling go/],
    ['const t = tag`x`;', 1, /tagged/],
    ['globalThis.x = 1;', 1, /statement/],
    ['let a; a = 1;', 1, /statement/],
    ['if (true) {}', 1, /statement/],
    ['for (;;) {}', 1, /statement/],
    ['const { a } = obj;', 1, /destructuring/],
    ['const x = `a ${go()} b`;', 1, /calling go/],
    ['@decorate\nclass A {}', 1, /statement/],
    ['export default go();', 1, /calling go/],
    ['const x = (1, go());', 1, /calling go/],
    ['const x = a.b.c();', 1, /calling a\.b\.c/],
  ])('%s', (source, line, reason) => {
    try {
      checkModuleRoot(source);
      expect.unreachable('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(ModuleRootCodeError);
      expect((err as ModuleRootCodeError).line).toBe(line);
      expect((err as Error).message).toMatch(reason);
    }
  });

  test('syntax errors are typed too', () => {
    expect(() => checkModuleRoot('const x = "unterminated')).toThrow(DroverError);
    expect(() => checkModuleRoot('class A {')).toThrow(DroverError);
  });

  test('never crashes on arbitrary input: it accepts or throws a DroverError', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (source) => {
        try {
          checkModuleRoot(source);
        } catch (err) {
          if (!(err instanceof DroverError)) throw err;
        }
      }),
      { numRuns: 2000 },
    );
  });
});

test('import specifiers are found and rewritten without touching other text', () => {
  const source = `import { JobType } from 'drover/jobtype';\nexport * from "drover/jobtype";\nconst s = 'drover/jobtype';\nimport 'node:fs';`;
  expect(findImportSpecifiers(source).map((s) => s.value)).toEqual([
    'drover/jobtype',
    'drover/jobtype',
    'node:fs',
  ]);
  const out = rewriteSpecifier(source, 'drover/jobtype', './api.mjs');
  expect(out).toBe(
    `import { JobType } from "./api.mjs";\nexport * from "./api.mjs";\nconst s = 'drover/jobtype';\nimport 'node:fs';`,
  );
});
