/**
 * Random `nodeset` command lines for the differential test: node sets with padding, steps, negative
 * indexes, nD names, operators and groups (from fixtures/groups); range sets; every command and most
 * options; words on standard input; a few malformed inputs.
 */
import { resolve } from 'node:path';
import fc from 'fast-check';

export const GROUPS_CONF = resolve(import.meta.dirname, 'fixtures/groups/groups.conf');

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

const bound = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.constantFrom(0, 0, 0, 2, 3));

/** The pieces of a command line; `messy` ones also produce malformed input and failing options. */
function pieces(messy: boolean) {
  const rangeItem: fc.Arbitrary<string> = fc.oneof(
    { weight: 3, arbitrary: bound.map(([n, w]) => pad(n, w)) },
    {
      weight: 4,
      arbitrary: fc
        .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 25 }), fc.constantFrom(0, 0, 2, 3))
        .map(([lo, span, w]) => `${pad(lo, w)}-${pad(lo + span, w)}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: 30 }),
          fc.integer({ min: 1, max: 30 }),
          fc.integer({ min: 1, max: 5 }),
        )
        .map(([lo, span, step]) => `${lo}-${lo + span}/${step}`),
    },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 9 }).map((n) => `-${n}`) },
    { weight: 1, arbitrary: fc.constantFrom('1-2-3', '-3--1', ' 2 - 4 ', '0-00', '+1', '1_0', '-2-3') },
    {
      weight: messy ? 3 : 0,
      arbitrary: fc.constantFrom('', '3-1', '1-02', 'x', '5-', '0x10', '2/2', '1-3/0', '-01', '1-2-3-4-5'),
    },
  );
  const rangeSet = fc.array(rangeItem, { minLength: 1, maxLength: 4 }).map((items) => items.join(','));
  const prefix = fc.constantFrom('n', 'node', 'x', 'rack', 'a-', 'c%', 'ib', 'N', '');
  const dimension = fc.oneof(
    { weight: 4, arbitrary: rangeSet.map((r) => `[${r}]`) },
    { weight: 3, arbitrary: bound.map(([n, w]) => pad(n, w)) },
    { weight: 1, arbitrary: fc.constant('') },
  );
  const nodeName = fc
    .tuple(prefix, dimension, fc.constantFrom('', '', 'y', '-ib', 'p', 'b'), dimension)
    .map(([p, d1, mid, d2]) => (mid ? `${p}${d1}${mid}${d2}` : `${p}${d1}`))
    .filter((s) => s.length > 0);
  const broken = fc.constantFrom(
    'n[1-2',
    'n]1',
    'n[1-4][3-4]',
    'n[1-2]0[3]',
    'a,',
    '!a',
    'a,,b',
    'n00[1-4/2]0',
  );
  const group = fc.constantFrom(
    '@io',
    '@io[1-3]',
    '@nested',
    '@racks:rack[1-2]',
    '@racks:old',
    '@cpu:hsw',
    '@rack:J1',
    '@unknown',
    '@rack:*',
    '@@rack',
  );
  const operand = fc.oneof(
    { weight: 8, arbitrary: nodeName },
    { weight: 1, arbitrary: group },
    { weight: messy ? 2 : 0, arbitrary: broken },
  );
  const nodeSetExpr = fc
    .tuple(
      operand,
      fc.array(fc.tuple(fc.constantFrom(',', ',', ',', '!', '&', '^'), operand), { maxLength: 3 }),
    )
    .map(([first, rest]) => first + rest.map(([op, x]) => op + x).join(''));
  const nameFormats = messy
    ? fc.constantFrom('%d', '%x', '%c', 'x', '%', '%(a)s', '%s%s', '%y')
    : fc.constantFrom('%s', '%s1', 'x%sy', '%r', '%5s|', '%-6s|', '%.2s', '%%%s', '%a');
  const countFormats = messy
    ? fc.constantFrom('%s %s', '%', 'x', '%*d')
    : fc.constantFrom('%s', '%d', '%05d', '%x', '%#o', '%-4d|', '%.1e', '%g', '%+i');
  const separators = fc.constantFrom(
    ...[' ', ',', '\\n', '\\t', '', '::', '\\x41', '\\101'],
    ...(messy ? ['\\', "'", '\\x4', "a''' '''b"] : []),
  );
  const autosteps = fc.constantFrom(
    ...['2', '3', '4', '0', '50%', 'auto'],
    ...(messy ? ['x', '1.5', '5%%', ''] : []),
  );
  return { rangeSet, nodeName, nodeSetExpr, nameFormats, countFormats, separators, autosteps };
}

export interface Case {
  args: string[];
  stdin: string;
}

function caseOf(messy: boolean): fc.Arbitrary<Case> {
  const p = pieces(messy);
  return fc
    .record({
      rangeMode: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      command: fc.constantFrom('-f', '-f', '-e', '-c'),
      early: fc.array(fc.tuple(fc.constantFrom('-x', '-i', '-X'), p.nodeSetExpr), { maxLength: 2 }),
      autostep: fc.option(p.autosteps, { freq: 2, nil: undefined }),
      separator: fc.option(p.separators, { freq: 2, nil: undefined }),
      nameFormat: fc.option(p.nameFormats, { freq: 3, nil: undefined }),
      countFormat: fc.option(p.countFormats, { freq: 3, nil: undefined }),
      slice: fc.option(fc.constantFrom('0', '0-2', '1,3-4', '-1', '5-100', ''), { freq: 4, nil: undefined }),
      split: fc.option(fc.constantFrom('--split=2', '--split=3', '--contiguous'), {
        freq: 3,
        nil: undefined,
      }),
      axis: fc.option(fc.constantFrom('1', '2', '-1', '1-2', '0'), { freq: 4, nil: undefined }),
      positionals: fc.array(p.nodeSetExpr, { maxLength: 3 }),
      later: fc.array(fc.tuple(fc.constantFrom('-x', '-i', '-X', '--exclude'), p.nodeSetExpr), {
        maxLength: 2,
      }),
      stdinWords: fc.array(p.nodeName, { maxLength: 4 }),
      ranges: fc.array(p.rangeSet, { minLength: 1, maxLength: 3 }),
    })
    .map((c): Case => {
      const args = ['--groupsconf', GROUPS_CONF, c.command];
      const rangeMode = c.rangeMode;
      if (rangeMode) args.push('-R');
      if (c.autostep !== undefined) args.push(`--autostep=${c.autostep}`);
      if (c.separator !== undefined && c.command === '-e') args.push('-S', c.separator);
      const format = c.command === '-c' ? c.countFormat : c.nameFormat;
      if (format !== undefined) args.push('-O', format);
      if (c.slice !== undefined) args.push('-I', c.slice);
      if (c.split !== undefined) args.push(c.split);
      if (c.axis !== undefined && c.command === '-f' && !rangeMode) args.push(`--axis=${c.axis}`);
      for (const [op, value] of c.early) args.push(op, rangeMode ? c.ranges[0]! : value);
      const positionals = rangeMode ? c.ranges : c.positionals;
      if (positionals.length) {
        args.push(...positionals);
        for (const [op, value] of c.later) args.push(op, rangeMode ? c.ranges[c.ranges.length - 1]! : value);
      }
      const stdinWords = rangeMode ? c.ranges : c.stdinWords;
      return { args, stdin: stdinWords.length ? `${stdinWords.join(' ')}\n# comment\n` : '' };
    });
}

export const cliCase: fc.Arbitrary<Case> = fc.oneof(
  { weight: 7, arbitrary: caseOf(false) },
  { weight: 1, arbitrary: caseOf(true) },
);

/** Boxes of 2D/3D names combined with every operator: exercises ClusterShell's nD folding shapes. */
const smallRange = fc
  .array(
    fc.oneof(
      fc.integer({ min: 0, max: 6 }).map(String),
      fc
        .tuple(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 4 }))
        .map(([a, n]) => `${a}-${a + n}`),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((items) => items.join(','));
const box = fc
  .tuple(fc.constantFrom(2, 2, 3), smallRange, smallRange, smallRange)
  .map(([dims, a, b, c]) => (dims === 2 ? `x[${a}]y[${b}]` : `x[${a}]y[${b}]z[${c}]`));

export const ndCase: fc.Arbitrary<Case> = fc
  .record({
    command: fc.constantFrom('-f', '-f', '-e', '-c', '--contiguous', '--split=2'),
    first: box,
    ops: fc.array(fc.tuple(fc.constantFrom(',', '!', '&', '^', ' -x ', ' -i ', ' -X ', ' '), box), {
      minLength: 1,
      maxLength: 4,
    }),
    autostep: fc.option(fc.constantFrom('2', '3'), { freq: 4, nil: undefined }),
  })
  .map((c): Case => {
    const args: string[] = [c.command.startsWith('--') ? '-f' : c.command];
    if (c.command.startsWith('--')) args.push(c.command);
    if (c.autostep) args.push(`--autostep=${c.autostep}`);
    let current = c.first;
    for (const [op, next] of c.ops) {
      if (op.trim() === '' || op.startsWith(' -')) {
        args.push(current);
        if (op.trim()) args.push(op.trim());
        current = next;
      } else current += op + next;
    }
    args.push(current);
    return { args, stdin: '' };
  });
