/**
 * Command-line parsing for `drover nodeset`, reproducing ClusterShell's optparse setup exactly: options
 * are read only up to the first positional argument (interspersed arguments are off, so later `-x`
 * tokens are operators handled by the command), long options may be abbreviated, short options may be
 * clustered (`-fR`, `-S:`), `--` ends the options, and errors print the usage line and exit 2 with
 * optparse's wording.
 */
import { parsePyFloat, parsePyInt } from '../../nodeset/python-text.js';
import { pyRepr } from './python-repr.js';

export type Autostep =
  { kind: 'count'; value: number } | { kind: 'percent'; factor: number } | { kind: 'auto' };

export interface NodesetOptions {
  groupsource?: string;
  groupsconf?: string;
  count: boolean;
  expand: boolean;
  fold: boolean;
  list: number;
  listall: number;
  regroup: boolean;
  groupsources: boolean;
  subNodes: string[];
  andNodes: string[];
  xorNodes: string[];
  all: boolean;
  autostep?: Autostep;
  debug: boolean;
  quiet: boolean;
  rangeset: boolean;
  groupbase: boolean;
  separator: string;
  outputFormat: string;
  slice?: string;
  maxsplit?: number;
  contiguous: boolean;
  axis?: string;
  pick?: number;
}

export type ParsedCommandLine =
  { kind: 'run'; options: NodesetOptions; args: string[] } | { kind: 'help' } | { kind: 'version' };

/** optparse's `parser.error()`: the CLI prints the usage line, `nodeset: error: <message>`, exits 2. */
export class UsageError extends Error {}

type ValueType = 'string' | 'safestring' | 'int' | 'autostep';

interface OptionDef {
  short?: string;
  long: readonly string[];
  action: 'store' | 'store_true' | 'count' | 'append' | 'help' | 'version';
  dest?: keyof NodesetOptions;
  type?: ValueType;
}

const OPTIONS: readonly OptionDef[] = [
  { long: ['--version'], action: 'version' },
  { short: '-h', long: ['--help'], action: 'help' },
  { short: '-s', long: ['--groupsource'], action: 'store', dest: 'groupsource', type: 'safestring' },
  { long: ['--groupsconf'], action: 'store', dest: 'groupsconf', type: 'string' },
  { short: '-c', long: ['--count'], action: 'store_true', dest: 'count' },
  { short: '-e', long: ['--expand'], action: 'store_true', dest: 'expand' },
  { short: '-f', long: ['--fold'], action: 'store_true', dest: 'fold' },
  { short: '-l', long: ['--list'], action: 'count', dest: 'list' },
  { short: '-L', long: ['--list-all'], action: 'count', dest: 'listall' },
  { short: '-r', long: ['--regroup'], action: 'store_true', dest: 'regroup' },
  { long: ['--list-sources', '--groupsources'], action: 'store_true', dest: 'groupsources' },
  { short: '-x', long: ['--exclude'], action: 'append', dest: 'subNodes', type: 'string' },
  { short: '-i', long: ['--intersection'], action: 'append', dest: 'andNodes', type: 'string' },
  { short: '-X', long: ['--xor'], action: 'append', dest: 'xorNodes', type: 'string' },
  { short: '-a', long: ['--all'], action: 'store_true', dest: 'all' },
  { long: ['--autostep'], action: 'store', dest: 'autostep', type: 'autostep' },
  { short: '-d', long: ['--debug'], action: 'store_true', dest: 'debug' },
  { short: '-q', long: ['--quiet'], action: 'store_true', dest: 'quiet' },
  { short: '-R', long: ['--rangeset'], action: 'store_true', dest: 'rangeset' },
  { short: '-G', long: ['--groupbase'], action: 'store_true', dest: 'groupbase' },
  { short: '-S', long: ['--separator'], action: 'store', dest: 'separator', type: 'string' },
  { short: '-O', long: ['--output-format'], action: 'store', dest: 'outputFormat', type: 'string' },
  { short: '-I', long: ['--slice'], action: 'store', dest: 'slice', type: 'string' },
  { long: ['--split'], action: 'store', dest: 'maxsplit', type: 'int' },
  { long: ['--contiguous'], action: 'store_true', dest: 'contiguous' },
  { long: ['--axis'], action: 'store', dest: 'axis', type: 'string' },
  { long: ['--pick'], action: 'store', dest: 'pick', type: 'int' },
];

const SHORT = new Map(OPTIONS.flatMap((o) => (o.short ? [[o.short, o] as const] : [])));
const LONG = new Map(OPTIONS.flatMap((o) => o.long.map((l) => [l, o] as const)));

function matchLong(opt: string): string {
  if (LONG.has(opt)) return opt;
  const candidates = [...LONG.keys()].filter((l) => l.startsWith(opt));
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new UsageError(`no such option: ${opt}`);
  throw new UsageError(`ambiguous option: ${opt} (${candidates.sort().join(', ')}?)`);
}

/** optparse's int type: a leading 0x, 0b or 0 selects base 16, 2 or 8. */
function parseOptparseInt(value: string): number | undefined {
  const head = value.slice(0, 2).toLowerCase();
  if (head === '0x') return parsePyInt(value, 16);
  if (head === '0b') return parsePyInt(value.slice(2) || '0', 2);
  if (value.startsWith('0')) return parsePyInt(value, 8);
  return parsePyInt(value, 10);
}

function convert(def: OptionDef, opt: string, value: string): unknown {
  switch (def.type) {
    case 'safestring':
      if (!value || value.startsWith('-'))
        throw new UsageError(`option ${opt}: invalid value: ${pyRepr(value)}`);
      return value;
    case 'int': {
      const n = parseOptparseInt(value);
      if (n === undefined) throw new UsageError(`option ${opt}: invalid integer value: ${pyRepr(value)}`);
      return n;
    }
    case 'autostep': {
      if (value.includes('%')) {
        const f = parsePyFloat(value.slice(0, -1));
        if (f !== undefined) return { kind: 'percent', factor: f / 100 } satisfies Autostep;
      } else {
        const n = parsePyInt(value);
        if (n !== undefined) return { kind: 'count', value: n } satisfies Autostep;
      }
      if (value === 'auto') return { kind: 'auto' } satisfies Autostep;
      throw new UsageError(
        `option ${opt}: invalid value: ${pyRepr(value)}, should be node count, node percentage or 'auto'`,
      );
    }
    default:
      return value;
  }
}

function defaults(): NodesetOptions {
  return {
    count: false,
    expand: false,
    fold: false,
    list: 0,
    listall: 0,
    regroup: false,
    groupsources: false,
    subNodes: [],
    andNodes: [],
    xorNodes: [],
    all: false,
    debug: false,
    quiet: false,
    rangeset: false,
    groupbase: false,
    separator: ' ',
    outputFormat: '%s',
    contiguous: false,
  };
}

/** Parses the arguments after `nodeset`; throws UsageError on a bad option. */
export function parseNodesetArgs(argv: readonly string[]): ParsedCommandLine {
  const options = defaults();
  const record = options as unknown as Record<string, unknown>;
  const rargs = [...argv];
  const apply = (def: OptionDef, opt: string, value: string | undefined): ParsedCommandLine | undefined => {
    if (def.action === 'help') return { kind: 'help' };
    if (def.action === 'version') return { kind: 'version' };
    const dest = def.dest!;
    if (def.action === 'store_true') record[dest] = true;
    else if (def.action === 'count') record[dest] = (record[dest] as number) + 1;
    else {
      const converted = convert(def, opt, value!);
      if (def.action === 'append') (record[dest] as unknown[]).push(converted);
      else record[dest] = converted;
    }
    return undefined;
  };
  const takeValue = (opt: string): string => {
    if (rargs.length < 1) throw new UsageError(`${opt} option requires 1 argument`);
    return rargs.shift()!;
  };

  while (rargs.length) {
    const arg = rargs[0]!;
    if (arg === '--') {
      rargs.shift();
      break;
    }
    if (arg.startsWith('--')) {
      rargs.shift();
      const eq = arg.indexOf('=');
      const explicit = eq >= 0;
      if (explicit) rargs.unshift(arg.slice(eq + 1));
      const opt = matchLong(explicit ? arg.slice(0, eq) : arg);
      const def = LONG.get(opt)!;
      let value: string | undefined;
      if (def.type) value = takeValue(opt);
      else if (explicit) throw new UsageError(`${opt} option does not take a value`);
      const done = apply(def, opt, value);
      if (done) return done;
    } else if (arg.startsWith('-') && arg.length > 1) {
      rargs.shift();
      const chars = [...arg.slice(1)];
      for (let k = 0; k < chars.length; k++) {
        const opt = `-${chars[k]}`;
        const def = SHORT.get(opt);
        if (!def) throw new UsageError(`no such option: ${opt}`);
        let value: string | undefined;
        if (def.type) {
          const rest = chars.slice(k + 1).join('');
          if (rest) rargs.unshift(rest);
          value = takeValue(opt);
          const done = apply(def, opt, value);
          if (done) return done;
          break;
        }
        const done = apply(def, opt, value);
        if (done) return done;
      }
    } else break;
  }
  return { kind: 'run', options, args: rargs };
}

export const USAGE = 'Usage: nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]';
