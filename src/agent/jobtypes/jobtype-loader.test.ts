import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { JobTypeCode } from '../../api/agent-protocol/index.js';
import { silentLogger } from '../../core/logging.js';
import { JobType } from './jobtype.js';
import { JobTypeLoader, JobTypeLoadError, type JobTypeCodeSource } from './jobtype-loader.js';

const GOOD = `import { JobType, CommandData } from 'drover/jobtype';
export class Hello extends JobType {
  getCommandData() { return new CommandData('echo', ['hello']); }
}`;

function source(codes: Record<string, Omit<JobTypeCode, 'name' | 'version'>>) {
  const calls: string[] = [];
  const src: JobTypeCodeSource = {
    async fetchJobTypeCode(name, version) {
      calls.push(`${name}@${version}`);
      const c = codes[name];
      if (!c) throw new Error('404 not found');
      return { name, version, ...c };
    },
  };
  return { src, calls };
}

function loader(
  src: JobTypeCodeSource,
  cacheDirectory: string,
  extra: Partial<{ enableCache: boolean; refuse: boolean; base: boolean }> = {},
) {
  return new JobTypeLoader({
    cacheDirectory,
    enableCache: extra.enableCache ?? true,
    refuseModuleRootCode: extra.refuse ?? true,
    requireBaseClass: extra.base ?? true,
    source: src,
    logger: silentLogger(),
  });
}

describe('JobTypeLoader', () => {
  test('loads a class that extends the live JobType, caches it on disk and in memory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-cache-'));
    const { src, calls } = source({ Hello: { code: GOOD, classname: 'Hello' } });
    const a = loader(src, dir);
    const cls = await a.load('Hello', 1);
    expect(cls.prototype instanceof JobType).toBe(true);
    expect(await a.load('Hello', 1)).toBe(cls);
    expect(calls).toEqual(['Hello@1']);
    expect(readdirSync(dir).sort()).toEqual(
      expect.arrayContaining([
        'drover-jobtype.mjs',
        'Hello_v1.json',
        expect.stringMatching(/^Hello_v1_[0-9a-f]{16}\.mjs$/),
      ]),
    );
    // A new agent process (fresh memory) finds the code on disk and does not ask the master.
    const b = loader(src, dir);
    expect((await b.load('Hello', 1)).name).toBe('Hello');
    expect(calls).toEqual(['Hello@1']);
  });

  test('--jobtype-no-cache asks the master every time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-cache-'));
    const { src, calls } = source({ Hello: { code: GOOD, classname: 'Hello' } });
    const l = loader(src, dir, { enableCache: false });
    await l.load('Hello', 1);
    await l.load('Hello', 1);
    expect(calls).toEqual(['Hello@1', 'Hello@1']);
  });

  test.each([
    [
      'work at import',
      {
        code: `import { JobType } from 'drover/jobtype';\nstartMining();\nexport default class extends JobType {}`,
      },
      /import time \(line 2\)/,
    ],
    ['no such export', { code: GOOD, classname: 'Nope' }, /exports no class named Nope/],
    ['no default export', { code: GOOD, classname: null }, /no default export/],
    ['not a JobType', { code: 'export class Rogue {}', classname: 'Rogue' }, /does not extend JobType/],
    ['syntax error', { code: 'export class X extends {', classname: 'X' }, /cannot load job type/],
  ])('%s is a JobTypeLoadError', async (_what, code, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-cache-'));
    const { src } = source({ J: code });
    const result = loader(src, dir).load('J', 1);
    await expect(result).rejects.toBeInstanceOf(JobTypeLoadError);
    await expect(result).rejects.toThrow(message);
  });

  test('the switches can be turned off', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-cache-'));
    const { src } = source({
      R: { code: 'globalThis.__droverRan = 1;\nexport class Rogue {}', classname: 'Rogue' },
    });
    const cls = await loader(src, dir, { refuse: false, base: false }).load('R', 1);
    expect(cls.name).toBe('Rogue');
    expect((globalThis as Record<string, unknown>).__droverRan).toBe(1);
    const { src: throwing } = source({
      T: { code: "throw new Error('kaboom');\nexport class T {}", classname: 'T' },
    });
    await expect(loader(throwing, dir, { refuse: false }).load('T', 1)).rejects.toThrow(
      /importing the module failed: Error: kaboom/,
    );
  });

  test('a master that cannot provide the code', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drover-cache-'));
    await expect(loader(source({}).src, dir).load('Missing', 3)).rejects.toThrow(
      /Missing v3: the master did not provide its code: 404/,
    );
  });
});
