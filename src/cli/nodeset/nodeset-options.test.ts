import { describe, expect, it } from 'vitest';
import { parseNodesetArgs, UsageError } from './nodeset-options.js';

function run(argv: string[]) {
  const parsed = parseNodesetArgs(argv);
  if (parsed.kind !== 'run') throw new Error(`unexpected ${parsed.kind}`);
  return parsed;
}

describe('nodeset option parsing (optparse rules)', () => {
  it('stops at the first positional argument', () => {
    const { options, args } = run(['-f', '-x', 'n2', 'n[1-5]', '-x', 'n3', '-f']);
    expect(options.fold).toBe(true);
    expect(options.subNodes).toEqual(['n2']);
    expect(args).toEqual(['n[1-5]', '-x', 'n3', '-f']);
  });

  it('accepts clusters, attached values, abbreviations and --', () => {
    const { options, args } = run([
      '-fR',
      '-S:',
      '--exc=a',
      '--exc',
      'b',
      '-xc',
      '--autostep=50%',
      '--',
      '-5',
    ]);
    expect([options.fold, options.rangeset, options.separator]).toEqual([true, true, ':']);
    expect(options.subNodes).toEqual(['a', 'b', 'c']);
    expect(options.autostep).toEqual({ kind: 'percent', factor: 0.5 });
    expect(args).toEqual(['-5']);
  });

  it('counts -l and -L, and reads optparse integers', () => {
    const { options } = run(['-lll', '-L', '--split=0x10', '--pick', '010']);
    expect([options.list, options.listall, options.maxsplit, options.pick]).toEqual([3, 1, 16, 8]);
  });

  it('stops at help and version', () => {
    expect(parseNodesetArgs(['-f', '--help', '--bogus']).kind).toBe('help');
    expect(parseNodesetArgs(['--vers']).kind).toBe('version');
  });

  it.each([
    [['-g'], 'no such option: -g'],
    [['--gr'], 'ambiguous option: --gr (--groupbase, --groupsconf, --groupsource, --groupsources?)'],
    [['-f', '-x'], '-x option requires 1 argument'],
    [['--fold=yes'], '--fold option does not take a value'],
    [['-s', '-x'], "option -s: invalid value: '-x'"],
    [['--split', '08'], "option --split: invalid integer value: '08'"],
    [
      ['--autostep=x'],
      "option --autostep: invalid value: 'x', should be node count, node percentage or 'auto'",
    ],
  ])('refuses %j', (argv, message) => {
    expect(() => parseNodesetArgs(argv)).toThrow(UsageError);
    expect(() => parseNodesetArgs(argv)).toThrow(message);
  });
});
