/**
 * How `nodeset` builds its result set from options, arguments and standard input (ClusterShell's
 * nodeset(), process_stdin and compute_nodeset), in ClusterShell's order:
 *   1. the initial set: `-a` (all nodes), or standard input when there is no argument at all;
 *   2. the `-i`, then `-x`, then `-X` options given before the first argument, whatever their order;
 *   3. the arguments, left to right, where only the exact tokens `-i --intersection -x --exclude -X --xor`
 *      and `-` are special (each argument line is one node set);
 *   4. `-I` slicing, `--autostep=auto|N%`, `--axis`, `--pick`.
 */
import { NodeSet, NodeSetValueError, RangeSet, type GroupResolver } from '../../nodeset/index.js';
import { parsePyInt, pySplitLines, pySplitWhitespace, pyStrip } from '../../nodeset/python-text.js';
import type { NodesetOptions } from './nodeset-options.js';
import { pyRepr } from './python-repr.js';
import { evalTripleQuoted } from './python-literal.js';
import type { SetMode } from './set-modes.js';

/** Standard input as ClusterShell reads it: the first reader gets every line, later readers none. */
export class StdinReader {
  constructor(private text: string | undefined) {}

  /** Lines with their newline, universal newlines translated (`\r\n` and `\r` read as `\n`). */
  takeLines(): string[] {
    const text = this.text ?? '';
    this.text = '';
    if (!text) return [];
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    const last = lines.pop()!;
    const out = lines.map((l) => `${l}\n`);
    if (last) out.push(last);
    return out;
  }
}

/** process_stdin: every whitespace-separated word of every line (text after `#` ignored) is a set. */
function readStdin<S>(mode: SetMode<S>, stdin: StdinReader, autostep: number | null): S | undefined {
  const tmp = mode.create(autostep);
  for (const line of stdin.takeLines()) {
    const hash = line.indexOf('#');
    // ClusterShell cuts at find('#'), which is -1 without a '#': the last character goes (normally '\n').
    const content = pyStrip(hash < 0 ? line.slice(0, -1) : line.slice(0, hash));
    for (const word of pySplitWhitespace(content)) mode.addWord(tmp, word, autostep);
  }
  return mode.isEmpty(tmp) ? undefined : tmp;
}

type Operation = 'intersectionUpdate' | 'differenceUpdate' | 'symmetricDifferenceUpdate' | 'update';

const OPERATORS: Readonly<Record<string, Operation>> = {
  '-i': 'intersectionUpdate',
  '--intersection': 'intersectionUpdate',
  '-x': 'differenceUpdate',
  '--exclude': 'differenceUpdate',
  '-X': 'symmetricDifferenceUpdate',
  '--xor': 'symmetricDifferenceUpdate',
};

export function computeSet<S>(
  mode: SetMode<S>,
  options: NodesetOptions,
  args: readonly string[],
  stdin: StdinReader,
  resolver: GroupResolver,
  warn: (line: string) => void,
): S {
  // A percentage or `auto` is applied at the end, on the final count.
  const autostep = options.autostep?.kind === 'count' ? options.autostep.value : null;
  const xset = mode.create(autostep);
  const fromStdin = (op: Operation): void => {
    const tmp = readStdin(mode, stdin, autostep);
    if (tmp !== undefined) mode[op](xset, tmp);
  };

  if (options.all) mode.update(xset, NodeSet.fromAll(undefined, { resolver }) as S);
  if (args.length === 0 && !options.all && !options.list && !options.listall) fromStdin('update');
  if (
    mode.isEmpty(xset) &&
    (options.andNodes.length || options.subNodes.length || options.xorNodes.length) &&
    !options.quiet
  ) {
    warn('WARNING: empty left operand for set operation');
  }
  const early: [readonly string[], Operation][] = [
    [options.andNodes, 'intersectionUpdate'],
    [options.subNodes, 'differenceUpdate'],
    [options.xorNodes, 'symmetricDifferenceUpdate'],
  ];
  for (const [values, op] of early) {
    for (const nodes of values) {
      if (nodes === '-') fromStdin(op);
      else mode[op](xset, mode.parse(nodes, autostep));
    }
  }

  const rest = [...args];
  while (rest.length) {
    const arg = rest.shift()!;
    const op = OPERATORS[arg];
    if (op) {
      if (rest.length === 0) throw new NodeSetValueError('pop from empty list');
      const value = rest.shift()!;
      if (value === '-') fromStdin(op);
      else mode[op](xset, mode.fromLines(pySplitLines(value), autostep));
    } else if (arg === '-') fromStdin('update');
    else mode.update(xset, mode.fromLines(pySplitLines(arg), autostep));
  }
  return xset;
}

export interface Selection<S> {
  set: S;
  separator: string;
}

/** The separator, then `-I`, `--autostep` percentages, `--axis` and `--pick` applied to the set. */
export function applySelection<S>(mode: SetMode<S>, xset: S, options: NodesetOptions): Selection<S> {
  const separator = evalTripleQuoted(options.separator);
  let set = xset;
  if (options.slice) {
    const sliced = mode.create(null);
    const indexes = RangeSet.parse(options.slice);
    for (const run of indexes.slices()) mode.update(sliced, mode.slice(set, run.start, run.stop));
    set = sliced;
  }
  const autostep = options.autostep;
  if (autostep?.kind === 'auto') mode.setAutostep(set, Math.max(3, mode.length(set)));
  else if (autostep?.kind === 'percent') {
    const threshold = Math.ceil(mode.length(set) * autostep.factor);
    if (Number.isNaN(threshold)) throw new NodeSetValueError('cannot convert float NaN to integer');
    if (!Number.isFinite(threshold)) throw new NodeSetValueError('cannot convert float infinity to integer');
    mode.setAutostep(set, threshold);
  }
  if (options.axis) {
    const nodeset = set as unknown as NodeSet;
    if (!options.axis.startsWith('-')) {
      const axes: number[] = [];
      RangeSet.parse(options.axis).forEach((e) => {
        const x = Number(e);
        if (x > 0) axes.push(x - 1);
      });
      nodeset.foldAxis = axes;
    } else {
      const axis = parsePyInt(options.axis);
      if (axis === undefined) {
        throw new NodeSetValueError(`invalid literal for int() with base 10: ${pyRepr(options.axis)}`);
      }
      nodeset.foldAxis = [axis];
    }
  }
  if (options.pick && options.pick < mode.length(set)) {
    if (options.pick < 0) throw new NodeSetValueError('Sample larger than population or is negative');
    const items: string[] = [];
    mode.forEach(set, (item) => items.push(item));
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    mode.intersectionUpdate(set, mode.parse(items.slice(0, options.pick).join(','), null));
  }
  return { set, separator };
}
