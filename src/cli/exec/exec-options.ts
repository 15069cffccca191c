/**
 * Command-line parsing for `drover exec`, reproducing clush 1.9.1's optparse setup: options stop at the
 * first positional argument (the command), except after `-c/--copy` or `--rcopy`, which let options
 * follow the files; long options may be abbreviated; short options cluster (`-bw n1`); errors print the
 * usage and `clush: error: <message>` and exit 2, with optparse's wording.
 */
import { parsePyFloat, parsePyInt } from '../../nodeset/python-text.js';
import { pyRepr } from '../nodeset/python-repr.js';

export type WhenColor = '' | 'never' | 'always' | 'auto';

export interface ExecOptions {
  groupsource?: string;
  nostdin: boolean;
  groupsconf?: string;
  option: string[];
  nodes: string[];
  exclude: string[];
  nodesAll: boolean;
  group: string[];
  exgroup: string[];
  engine: string;
  hostfile: string[];
  topofile?: string;
  pick?: number;
  quiet: boolean;
  verbose: boolean;
  debug: boolean;
  groupbase: boolean;
  lineMode: boolean;
  label: boolean;
  progress: boolean;
  gather: boolean;
  gatherall: boolean;
  regroup: boolean;
  maxrc: boolean;
  whencolor?: WhenColor;
  diff: boolean;
  outdir?: string;
  errdir?: string;
  copy: boolean;
  rcopy: boolean;
  destPath?: string;
  preserveFlag: boolean;
  fanout?: number;
  groomingDelay?: number;
  user?: string;
  options?: string;
  connectTimeout?: number;
  commandTimeout?: number;
  worker?: string;
  remote?: 'yes' | 'no';
  // Drover's own options.
  master?: string;
  token?: string;
  agentUser?: string;
  agentPassword?: string;
  gateway: boolean;
  gatewayName?: string;
}

export type ParsedExecLine =
  { kind: 'run'; options: ExecOptions; args: string[] } | { kind: 'help' } | { kind: 'version' };

/** optparse's `parser.error()`: usage, `clush: error: <message>`, exit 2. */
export class UsageError extends Error {}

type ValueType = 'string' | 'safestring' | 'int' | 'float' | 'choice';

interface OptionDef {
  short?: string;
  long: readonly string[];
  action: 'store' | 'store_true' | 'store_false' | 'append' | 'copy' | 'help' | 'version';
  dest?: keyof ExecOptions;
  type?: ValueType;
  choices?: readonly string[];
}

export const COLOR_CHOICES = ['', 'never', 'always', 'auto'] as const;

const OPTIONS: readonly OptionDef[] = [
  { long: ['--version'], action: 'version' },
  { short: '-h', long: ['--help'], action: 'help' },
  { short: '-s', long: ['--groupsource'], action: 'store', dest: 'groupsource', type: 'safestring' },
  { short: '-n', long: ['--nostdin'], action: 'store_true', dest: 'nostdin' },
  { long: ['--groupsconf'], action: 'store', dest: 'groupsconf', type: 'string' },
  { short: '-O', long: ['--option'], action: 'append', dest: 'option', type: 'string' },
  { short: '-w', long: [], action: 'append', dest: 'nodes', type: 'safestring' },
  { short: '-x', long: [], action: 'append', dest: 'exclude', type: 'safestring' },
  { short: '-a', long: ['--all'], action: 'store_true', dest: 'nodesAll' },
  { short: '-g', long: ['--group'], action: 'append', dest: 'group', type: 'safestring' },
  { short: '-X', long: [], action: 'append', dest: 'exgroup', type: 'safestring' },
  {
    short: '-E',
    long: ['--engine'],
    action: 'store',
    dest: 'engine',
    type: 'choice',
    choices: ['auto', 'epoll', 'poll', 'select'],
  },
  { long: ['--hostfile', '--machinefile'], action: 'append', dest: 'hostfile', type: 'string' },
  { long: ['--topology'], action: 'store', dest: 'topofile', type: 'string' },
  { long: ['--pick'], action: 'store', dest: 'pick', type: 'int' },
  { short: '-q', long: ['--quiet'], action: 'store_true', dest: 'quiet' },
  { short: '-v', long: ['--verbose'], action: 'store_true', dest: 'verbose' },
  { short: '-d', long: ['--debug'], action: 'store_true', dest: 'debug' },
  { short: '-G', long: ['--groupbase'], action: 'store_true', dest: 'groupbase' },
  { short: '-L', long: [], action: 'store_true', dest: 'lineMode' },
  { short: '-N', long: [], action: 'store_false', dest: 'label' },
  { short: '-P', long: ['--progress'], action: 'store_true', dest: 'progress' },
  { short: '-b', long: ['--dshbak'], action: 'store_true', dest: 'gather' },
  { short: '-B', long: [], action: 'store_true', dest: 'gatherall' },
  { short: '-r', long: ['--regroup'], action: 'store_true', dest: 'regroup' },
  { short: '-S', long: ['--maxrc'], action: 'store_true', dest: 'maxrc' },
  { long: ['--color'], action: 'store', dest: 'whencolor', type: 'choice', choices: COLOR_CHOICES },
  { long: ['--diff'], action: 'store_true', dest: 'diff' },
  { long: ['--outdir'], action: 'store', dest: 'outdir', type: 'string' },
  { long: ['--errdir'], action: 'store', dest: 'errdir', type: 'string' },
  { short: '-c', long: ['--copy'], action: 'copy', dest: 'copy' },
  { long: ['--rcopy'], action: 'copy', dest: 'rcopy' },
  { long: ['--dest'], action: 'store', dest: 'destPath', type: 'string' },
  { short: '-p', long: [], action: 'store_true', dest: 'preserveFlag' },
  { short: '-f', long: ['--fanout'], action: 'store', dest: 'fanout', type: 'int' },
  { long: ['--grooming'], action: 'store', dest: 'groomingDelay', type: 'float' },
  { short: '-l', long: ['--user'], action: 'store', dest: 'user', type: 'safestring' },
  { short: '-o', long: ['--options'], action: 'store', dest: 'options', type: 'string' },
  { short: '-t', long: ['--connect_timeout'], action: 'store', dest: 'connectTimeout', type: 'float' },
  { short: '-u', long: ['--command_timeout'], action: 'store', dest: 'commandTimeout', type: 'float' },
  { short: '-R', long: ['--worker'], action: 'store', dest: 'worker', type: 'string' },
  { long: ['--remote'], action: 'store', dest: 'remote', type: 'choice', choices: ['yes', 'no'] },
  { long: ['--master'], action: 'store', dest: 'master', type: 'string' },
  { long: ['--token'], action: 'store', dest: 'token', type: 'string' },
  { long: ['--agent-user'], action: 'store', dest: 'agentUser', type: 'string' },
  { long: ['--agent-password'], action: 'store', dest: 'agentPassword', type: 'string' },
  { long: ['--gateway'], action: 'store_true', dest: 'gateway' },
  { long: ['--gateway-name'], action: 'store', dest: 'gatewayName', type: 'string' },
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
    case 'float': {
      const f = parsePyFloat(value);
      if (f === undefined)
        throw new UsageError(`option ${opt}: invalid floating-point value: ${pyRepr(value)}`);
      return f;
    }
    case 'choice':
      if (!def.choices!.includes(value)) {
        const choices = def.choices!.map((c) => pyRepr(c)).join(', ');
        throw new UsageError(`option ${opt}: invalid choice: ${pyRepr(value)} (choose from ${choices})`);
      }
      return value;
    default:
      return value;
  }
}

function defaults(): ExecOptions {
  return {
    nostdin: false,
    option: [],
    nodes: [],
    exclude: [],
    nodesAll: false,
    group: [],
    exgroup: [],
    engine: 'auto',
    hostfile: [],
    quiet: false,
    verbose: false,
    debug: false,
    groupbase: false,
    lineMode: false,
    label: true,
    progress: false,
    gather: false,
    gatherall: false,
    regroup: false,
    maxrc: false,
    diff: false,
    copy: false,
    rcopy: false,
    preserveFlag: false,
    gateway: false,
  };
}

/** Parses the words after `exec`; throws UsageError on a bad option. */
export function parseExecArgs(argv: readonly string[]): ParsedExecLine {
  const options = defaults();
  const record = options as unknown as Record<string, unknown>;
  const rargs = [...argv];
  const args: string[] = [];
  let interspersed = false;
  const apply = (def: OptionDef, opt: string, value: string | undefined): ParsedExecLine | undefined => {
    if (def.action === 'help') return { kind: 'help' };
    if (def.action === 'version') return { kind: 'version' };
    const dest = def.dest!;
    if (def.action === 'store_true') record[dest] = true;
    else if (def.action === 'store_false') record[dest] = false;
    else if (def.action === 'copy') {
      interspersed = true;
      record[dest] = true;
    } else {
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
    } else if (interspersed) {
      args.push(rargs.shift()!);
    } else break;
  }
  return { kind: 'run', options, args: [...args, ...rargs] };
}

export const USAGE = 'Usage: clush [options] command';
