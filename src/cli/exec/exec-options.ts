/**
 * Command-line parsing for `drover exec`, reproducing clush 1.9.1's optparse setup: options stop at the
 * first positional argument (the command), except after `-c/--copy` or `--rcopy`, which let options
 * follow the files; long options may be abbreviated; short options cluster (`-bw n1`); errors print the
 * usage and `clush: error: <message>` and exit 2, with optparse's wording.
 */
import { createOptionParser, UsageError, type OptionDef, type ParsedLine } from '../optparse/optparse.js';

export { UsageError };

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

export type ParsedExecLine = ParsedLine<ExecOptions>;

export const COLOR_CHOICES = ['', 'never', 'always', 'auto'] as const;

const OPTIONS: readonly OptionDef<keyof ExecOptions>[] = [
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
  { short: '-c', long: ['--copy'], action: 'store_true', dest: 'copy', interspersed: true },
  { long: ['--rcopy'], action: 'store_true', dest: 'rcopy', interspersed: true },
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

const parser = createOptionParser<ExecOptions, keyof ExecOptions>(OPTIONS);

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
  return parser.parse(argv, defaults());
}

export const USAGE = 'Usage: clush [options] command';
