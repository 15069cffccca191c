import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import { parseBuiltinJobType } from './builtin-jobtype-file.js';
import { DEFAULT_BUILTIN_JOBTYPES_DIR } from './builtin-jobtypes.js';

const COMMAND = `/**
 * Command: runs any program for the frames of a task. Job data:
 *   { "command": "prog", "args": ["--frame", "{frame}"] }
 */
import { CommandData, JobType } from 'drover/jobtype';

export class Command extends JobType {
  getCommandData() { return []; }
}

export default Command;
`;

describe('parseBuiltinJobType', () => {
  it('derives everything from the exports and the comment when there are no tags', () => {
    const parsed = parseBuiltinJobType('command.js', COMMAND);
    expect(parsed).toEqual({
      file: 'command.js',
      name: 'Command',
      classname: 'Command',
      description: 'Command: runs any program for the frames of a task.',
      maxBatch: null,
      batchContiguous: true,
      supportsTiling: false,
      noAutomaticStartTime: false,
      code: COMMAND,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(parseBuiltinJobType('command.js', `${COMMAND}\n`).sha256).not.toBe(parsed.sha256);
  });

  it('reads tags after the prose and ignores unknown ones', () => {
    const code = `/**
 * Renders tiles.
 *
 * More text. @not a tag here
 * @name Tiled Render
 * @classname Tiles
 * @description Renders frames in tiles
 * @max_batch 10
 * @batch_contiguous false
 * @supports_tiling true
 * @no_automatic_start_time true
 * @see https://example.com
 */
export class Tiles {}
export class Helper {}
`;
    expect(parseBuiltinJobType('tiles.js', code)).toMatchObject({
      name: 'Tiled Render',
      classname: 'Tiles',
      description: 'Renders frames in tiles',
      maxBatch: 10,
      batchContiguous: false,
      supportsTiling: true,
      noAutomaticStartTime: true,
    });
    expect(parseBuiltinJobType('x.js', code.replace('@max_batch 10', '@max_batch none')).maxBatch).toBeNull();
  });

  it('uses the default export when no class is named, and the file name as the name', () => {
    const parsed = parseBuiltinJobType('nuke-render.js', 'export default class extends Base {}\n');
    expect(parsed).toMatchObject({ name: 'nuke-render', classname: null, description: null });
    const two = 'export class A {}\nexport class B {}\nexport default B;\n';
    expect(parseBuiltinJobType('ab.js', two).classname).toBe('B');
  });

  it.each([
    ['no class', 'const x = 1;\n', /exports no class/],
    ['bad max_batch', '/**\n * @max_batch 0\n */\nexport class A {}\n', /@max_batch/],
    ['bad boolean', '/**\n * @supports_tiling yes\n */\nexport class A {}\n', /@supports_tiling/],
    ['bad classname', '/**\n * @classname not valid\n */\nexport class A {}\n', /@classname/],
    ['long name', `/**\n * @name ${'n'.repeat(65)}\n */\nexport class A {}\n`, /@name/],
  ])('refuses a file with %s', (_what, code, message) => {
    expect(() => parseBuiltinJobType('bad.js', code)).toThrow(ValidationError);
    expect(() => parseBuiltinJobType('bad.js', code)).toThrow(message);
  });

  it.skipIf(!existsSync(DEFAULT_BUILTIN_JOBTYPES_DIR))('reads every job type Drover ships', () => {
    const files = readdirSync(DEFAULT_BUILTIN_JOBTYPES_DIR).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = parseBuiltinJobType(
        file,
        readFileSync(join(DEFAULT_BUILTIN_JOBTYPES_DIR, file), 'utf8'),
      );
      expect(parsed.classname, file).not.toBeNull();
      expect(parsed.description, file).not.toBeNull();
    }
  });
});
