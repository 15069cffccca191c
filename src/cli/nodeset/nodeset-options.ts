/**
 * Command-line parsing for `drover nodeset`, reproducing ClusterShell's optparse setup exactly: options
 * are read only up to the first positional argument (interspersed arguments are off, so later `-x`
 * tokens are operators handled by the command), long options may be abbreviated, short options may be
 * clustered (`-fR`, `-S:`), `--` ends the options, and errors print the usage line and exit 2 with
 * optparse's wording.
 */
import { parsePyFloat, parsePyInt } from '../../nodeset/python-text.js';
import { createOptionParser, UsageError, type OptionDef, type ParsedLine } from '../optparse/optparse.js';
import { pyRepr } from './python-repr.js';

export { UsageError };

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

export type ParsedCommandLine = ParsedLine<NodesetOptions>;

const OPTIONS: readonly OptionDef<keyof NodesetOptions>[] = [
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

/** `--autostep`: a node count, a percentage of the nodes, or 'auto'. */
function convertAutostep(_type: string, opt: string, value: string): Autostep {
  if (value.includes('%')) {
    const f = parsePyFloat(value.slice(0, -1));
    if (f !== undefined) return { kind: 'percent', factor: f / 100 };
  } else {
    const n = parsePyInt(value);
    if (n !== undefined) return { kind: 'count', value: n };
  }
  if (value === 'auto') return { kind: 'auto' };
  throw new UsageError(
    `option ${opt}: invalid value: ${pyRepr(value)}, should be node count, node percentage or 'auto'`,
  );
}

const parser = createOptionParser<NodesetOptions, keyof NodesetOptions>(OPTIONS, convertAutostep);

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
  return parser.parse(argv, defaults());
}

export const USAGE = 'Usage: nodeset [COMMAND] [OPTIONS] [ns1 [-ixX] ns2|...]';
