import { basename, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { checkLogIdentifier, logIdentifierProblem } from './log-identifier.js';

// Random text, and names built from the pieces that matter for paths.
const identifiers = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc
    .array(fc.constantFrom('a', '.', '..', '/', '\\', '\u0000', 'gz', '.gz', 'é', ' ', '~'), { maxLength: 8 })
    .map((parts) => parts.join('')),
);

describe('log identifiers', () => {
  it('accepts the agent’s names', () => {
    expect(
      logIdentifierProblem('2014-09-03_10-58-59_4_4ee02475335911e4a935c86000cbf5fb.csv'),
    ).toBeUndefined();
    expect(logIdentifierProblem('a b ü 日本.csv')).toBeUndefined();
  });

  it.each([
    ['', 'empty'],
    ['x'.repeat(256), 'at most 255'],
    ['../etc/passwd', '"/"'],
    ['a/b', '"/"'],
    ['a\\b', '"/"'],
    ['..', '".."'],
    ['a..b', '".."'],
    ['.hidden', 'start with "."'],
    ['.', 'start with "."'],
    ['a\u0000b', 'control'],
    ['line\nbreak', 'control'],
    ['log.csv.gz', '.gz'],
    ['LOG.GZ', '.gz'],
  ])('rejects %j', (identifier, problem) => {
    expect(logIdentifierProblem(identifier)).toContain(problem);
    expect(() => checkLogIdentifier(identifier)).toThrow(ValidationError);
  });

  it('never lets an accepted identifier name anything but a file directly inside the directory', () => {
    const dir = '/var/lib/drover/task_logs';
    fc.assert(
      fc.property(identifiers, (identifier) => {
        if (logIdentifierProblem(identifier) !== undefined) return;
        for (const name of [identifier, `${identifier}.gz`]) {
          const path = join(dir, name);
          expect(path.startsWith(`${dir}/`)).toBe(true);
          expect(basename(path)).toBe(name);
        }
      }),
      { seed: 7, numRuns: 2000 },
    );
  });
});
