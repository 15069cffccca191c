/**
 * `drover nodeset`: ClusterShell 1.9.1's `nodeset` command, same options, output and exit codes (port of
 * ClusterShell/CLI/Nodeset.py). Messages keep ClusterShell's wording and its program name, `nodeset`,
 * so scripts written for ClusterShell read the same text.
 *
 * The work runs in two stages. Stage 1 computes the result set (or the lines of `-l`, `-r`,
 * `--groupsources`); it may need group answers from asynchronous sources, so it runs inside
 * `GroupResolver.settle` and may be run again, and it records what it prints instead of printing.
 * Stage 2 replays that and streams the output (a million names with `-e`) without touching groups.
 */
import {
  createConfigGroupResolver,
  defaultGroupsConfigPaths,
  GroupResolutionPendingError,
  regroup,
  type GroupResolver,
  type NodeSet,
} from '../../nodeset/index.js';
import type { CliIO, OutputStream } from '../io.js';
import { listGroups } from './group-listing.js';
import { HELP_TEXT } from './nodeset-help.js';
import { parseNodesetArgs, USAGE, UsageError, type NodesetOptions } from './nodeset-options.js';
import { reportError } from './nodeset-errors.js';
import { subsets, writeResult, type ResultPlan } from './nodeset-output.js';
import { applySelection, computeSet, StdinReader } from './nodeset-compute.js';
import { pyFormat } from './python-format.js';
import { nodeSetMode, rangeSetMode, type SetMode } from './set-modes.js';

/** ClusterShell version whose behaviour this command reproduces (`--version`). */
export const CLUSTERSHELL_VERSION = '1.9.1';

type Event = readonly ['stdout' | 'stderr', string];

interface Stage1 {
  events: Event[];
  plan?: ResultPlan;
  error?: unknown;
}

function checkCommand(options: NodesetOptions): void {
  const commands =
    Number(options.count) +
    Number(options.expand) +
    Number(options.fold) +
    Number(options.list > 0) +
    Number(options.listall > 0) +
    Number(options.regroup) +
    Number(options.groupsources);
  if (commands === 0) throw new UsageError('No command specified.');
  if (commands > 1) throw new UsageError('Multiple commands not allowed.');
  if ((options.all || options.regroup) && options.rangeset) {
    throw new UsageError('-a/-r only supported in NodeSet mode');
  }
  if (options.maxsplit !== undefined && options.contiguous) {
    throw new UsageError('incompatible splitting options (split, contiguous)');
  }
  if (options.axis && (!options.fold || options.rangeset)) {
    throw new UsageError('--axis option is only supported when folding nodeset');
  }
}

function needsStdin(options: NodesetOptions, args: readonly string[]): boolean {
  if (options.groupsources) return false;
  if (args.length === 0 && !options.all && !options.list && !options.listall) return true;
  return [...args, ...options.andNodes, ...options.subNodes, ...options.xorNodes].includes('-');
}

async function readAll(io: CliIO): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

function stage1<S>(
  mode: SetMode<S>,
  options: NodesetOptions,
  args: readonly string[],
  stdinText: string | undefined,
  resolver: GroupResolver,
): Stage1 {
  const events: Event[] = [];
  const print = (line: string): number => events.push(['stdout', `${line}\n`]);
  const warn = (line: string): number => events.push(['stderr', `${line}\n`]);
  try {
    if (options.groupsource && !options.quiet && mode.name === 'RangeSet') {
      warn(`WARNING: option group source "${options.groupsource}" ignored`);
    }
    if (options.groupsource) resolver.defaultSourceName = options.groupsource;
    if (options.groupsources) {
      let suffix = options.quiet ? '' : ' (default)';
      for (const source of resolver.sourceNames()) {
        print(`${source}${suffix}`);
        suffix = '';
      }
      return { events };
    }
    const stdin = new StdinReader(stdinText);
    const xset = computeSet(mode, options, args, stdin, resolver, warn);
    if (options.list || options.listall) {
      listGroups(mode, xset, options, resolver, print, warn);
      return { events };
    }
    const { set, separator } = applySelection(mode, xset, options);
    if (options.regroup) {
      // Regrouping asks the group sources, so it happens here rather than when printing.
      const lines: string[] = [];
      for (const part of subsets(mode, set, options)) {
        const text = regroup(part as NodeSet, { source: options.groupsource, noPrefix: options.groupbase });
        lines.push(pyFormat(options.outputFormat, { kind: 'str', value: text }));
      }
      return { events, plan: { kind: 'lines', lines } };
    }
    return { events, plan: { kind: 'set', mode: mode as SetMode<unknown>, set, separator, options } };
  } catch (error) {
    if (error instanceof GroupResolutionPendingError) throw error;
    return { events, error };
  }
}

/**
 * A stdout that stops writing once the reader has gone (`nodeset -e ... | head`): ClusterShell exits 1
 * quietly on a broken pipe instead of failing with EPIPE.
 */
function pipeAwareStdout(stream: OutputStream): { stdout: OutputStream; broken: () => boolean } {
  let broken = false;
  const emitter = stream as OutputStream & Partial<Pick<NodeJS.WriteStream, 'on'>>;
  if (typeof emitter.on === 'function') {
    emitter.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ERR_STREAM_DESTROYED') throw err;
      broken = true;
    });
  }
  return {
    stdout: { isTTY: stream.isTTY, write: (chunk: string) => (broken ? false : stream.write(chunk)) },
    broken: () => broken,
  };
}

/** Runs `nodeset` with `argv` (the words after the command name); resolves to the exit code. */
export async function runNodeset(argv: readonly string[], cliIO: CliIO): Promise<number> {
  const pipe = pipeAwareStdout(cliIO.stdout);
  const io: CliIO = { ...cliIO, stdout: pipe.stdout };
  const code = await runWith(argv, io);
  const stream = cliIO.stdout as OutputStream & Partial<NodeJS.WriteStream>;
  if (typeof stream.once === 'function') {
    // Output still queued for a slow reader is written (or hits a broken pipe) after this point.
    if ((stream.writableLength ?? 0) > 0 && !stream.destroyed) {
      await new Promise((resolve) => {
        stream.once!('drain', resolve);
        stream.once!('close', resolve);
        stream.once!('error', resolve);
      });
    }
    await new Promise((resolve) => setImmediate(resolve));
  }
  return pipe.broken() ? 1 : code;
}

async function runWith(argv: readonly string[], io: CliIO): Promise<number> {
  let options: NodesetOptions;
  let args: string[];
  try {
    const parsed = parseNodesetArgs(argv);
    if (parsed.kind === 'help') {
      io.stdout.write(`${HELP_TEXT}\n`);
      return 0;
    }
    if (parsed.kind === 'version') {
      io.stdout.write(`nodeset ${CLUSTERSHELL_VERSION}\n`);
      return 0;
    }
    ({ options, args } = parsed);
    checkCommand(options);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.stderr.write(`${USAGE}\n\nnodeset: error: ${err.message}\n`);
    return 2;
  }

  const resolver = createConfigGroupResolver({
    paths: options.groupsconf ? [options.groupsconf] : defaultGroupsConfigPaths(io.env),
    onUpcallStderr: (text) => io.stderr.write(text),
  });
  let stdinText: string | undefined;
  if (needsStdin(options, args)) {
    try {
      stdinText = new TextDecoder('utf-8', { fatal: true }).decode(await readAll(io));
    } catch {
      io.stderr.write("ERROR: 'utf-8' codec can't decode standard input\n");
      return 1;
    }
  }
  const mode: SetMode<unknown> = options.rangeset
    ? (rangeSetMode as SetMode<unknown>)
    : (nodeSetMode(resolver) as SetMode<unknown>);
  let result: Stage1;
  try {
    result = await resolver.settle(() => stage1(mode, options, args, stdinText, resolver));
  } catch (error) {
    result = { events: [], error };
  }
  for (const [stream, text] of result.events) io[stream].write(text);
  try {
    if (result.error !== undefined) throw result.error;
    if (result.plan) writeResult(result.plan, io.stdout);
    return 0;
  } catch (error) {
    return reportError(error, io.stderr);
  }
}
