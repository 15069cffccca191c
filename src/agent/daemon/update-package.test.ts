import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { expect, test } from 'vitest';
import { applyUpdate, UpdateArchiveError } from './update-package.js';

const dir = () => mkdtempSync(join(tmpdir(), 'drover-update-'));

test('the archive replaces the package contents and is removed', () => {
  const pkg = dir();
  writeFileSync(join(pkg, 'old.txt'), 'old');
  const archive = join(dir(), 'drover-agent.zip');
  writeFileSync(archive, zipSync({ 'bin/drover.js': strToU8('// new'), 'package.json': strToU8('{}') }));
  expect(applyUpdate(archive, pkg)).toBe(2);
  expect(existsSync(join(pkg, 'old.txt'))).toBe(false);
  expect(readFileSync(join(pkg, 'bin/drover.js'), 'utf8')).toBe('// new');
  expect(existsSync(archive)).toBe(false);
});

test('entries escaping the package and broken archives are refused before anything is wiped', () => {
  const pkg = dir();
  writeFileSync(join(pkg, 'keep.txt'), 'keep');
  const evil = join(dir(), 'a.zip');
  writeFileSync(evil, zipSync({ '../../etc/x': strToU8('x') }));
  expect(() => applyUpdate(evil, pkg)).toThrow(UpdateArchiveError);
  const broken = join(dir(), 'b.zip');
  writeFileSync(broken, 'not a zip');
  expect(() => applyUpdate(broken, pkg)).toThrow(/not a readable zip/);
  expect(readFileSync(join(pkg, 'keep.txt'), 'utf8')).toBe('keep');
});
