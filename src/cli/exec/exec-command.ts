/**
 * `drover exec`: clush 1.9.1's command (ClusterShell/CLI/Clush.py) on top of src/exec — same options,
 * output, messages (with clush's `clush:` prefix, so scripts read the same text) and exit codes:
 * 0 normally, the largest return code with `-S` (255 if a node timed out), 2 for usage errors, 1 for
 * other errors. Not offered: the interactive prompt, clush.conf run modes (`-m`, `--conf`).
 *
 * `-R` chooses the transport: `ssh` (default), `exec` (local command per node, `%h`/`%n`), or `agent`
 * (Drover agents' REST API; node names and `@tag:`/`@state:`/`@all` groups resolve through the master).
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import {
  createConfigGroupResolver,
  createFarmGroupResolver,
  defaultGroupsConfigPaths,
  GroupResolutionPendingError,
  NodeSet,
  regroup,
  type GroupResolver,
} from '../../nodeset/index.js';
import {
  agentTransport,
  basicAuthorization,
  execTransport,
  MasterAgentDirectory,
  sshTransport,
  Task,
  type Transport,
} from '../../exec/index.js';
import type { CliIO } from '../io.js';
import { pyRepr } from '../nodeset/python-repr.js';
import { ClushConfigError, loadClushConfig, useColor, type ClushConfig } from './exec-config.js';
import { Display, VERB_DEBUG, VERB_QUIET, VERB_STD, VERB_VERB, type ByteSink } from './exec-display.js';
import { reportExecError } from './exec-errors.js';
import { runGatewayCommand } from './exec-gateway.js';
import {
  CopyOutputHandler,
  DirectOutputDirHandler,
  DirectOutputHandler,
  DirectProgressOutputHandler,
  GatherOutputHandler,
  LiveGatherOutputHandler,
  SortedOutputHandler,
  type OutputHandler,
} from './exec-handlers.js';
import { HELP_TEXT } from './exec-help.js';
import { parseExecArgs, USAGE, UsageError, type ExecOptions } from './exec-options.js';

/** ClusterShell version whose clush this command reproduces (`--version`). */
export const CLUSH_VERSION = '1.9.1';

interface Targets {
  nodes: NodeSet;
  warnings: string[];
}

interface Context {
  options: ExecOptions;
  args: string[];
  io: CliIO;
  config: ClushConfig;
  display: Display;
  resolver: GroupResolver;
  directory: MasterAgentDirectory | undefined;
}

function readHostfile(file: string, cwd: string): string {
  try {
    return readFileSync(isAbsolute(file) ? file : resolve(cwd, file), 'utf8');
  } catch (error) {
    // Report the path as the user wrote it, like Python's OSError.
    (error as NodeJS.ErrnoException).path = file;
    throw error;
  }
}

/** -w/-x/-a/-g/-X/--hostfile, as clush combines them. Runs inside `resolver.settle` (may run twice). */
function computeTargets(ctx: Context): Targets {
  const { options, resolver, io } = ctx;
  const parse = (text: string): NodeSet => NodeSet.parse(text, { resolver });
  const warnings: string[] = [];
  const wanted = options.nodes.map(parse);
  const excluded = options.exclude.map(parse);
  for (const [opt, list] of [
    ['w', wanted],
    ['x', excluded],
  ] as const) {
    for (const nodes of list) {
      const text = nodes.toString();
      if (nodes.length === 1 && existsSync(resolve(io.cwd, text))) {
        warnings.push(
          `Warning: using '-${opt} ${text}' and local path '${text}' exists, was it expanded by the shell?`,
        );
      }
    }
  }
  for (const file of options.hostfile) {
    const fromFile = new NodeSet(undefined, { resolver });
    for (const line of readHostfile(file, io.cwd).split(/\r?\n/)) {
      for (const item of line.split(/\s+/)) if (item) fromFile.update(item);
    }
    wanted.push(fromFile);
  }
  const nodes = new NodeSet(undefined, { resolver });
  for (const set of wanted) nodes.update(set);
  const exclude = new NodeSet(undefined, { resolver });
  for (const set of excluded) exclude.update(set);
  if (options.nodesAll) nodes.update(NodeSet.fromAll(undefined, { resolver }));
  // -g/-X take group names, themselves written as node sets (`-g rack[1-2]`).
  for (const group of NodeSet.fromList(options.group)) nodes.update(parse(`@${group}`));
  for (const group of NodeSet.fromList(options.exgroup)) exclude.update(parse(`@${group}`));
  nodes.differenceUpdate(exclude);
  return { nodes, warnings };
}

function pick<T>(items: T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, count);
}

function transportFor(ctx: Context): Transport | undefined {
  const name = ctx.options.worker ?? 'ssh';
  if (name === 'ssh') return sshTransport;
  if (name === 'exec') return execTransport;
  if (name !== 'agent') return undefined;
  const env = ctx.io.env;
  const password = ctx.options.agentPassword ?? env.DROVER_AGENT_PASSWORD;
  const user = ctx.options.agentUser ?? env.DROVER_AGENT_USER ?? 'agent';
  if (!ctx.directory) throw new UsageError('-R agent needs the master: --master URL (or DROVER_MASTER)');
  return agentTransport({
    directory: ctx.directory,
    ...(password !== undefined ? { authorization: basicAuthorization(user, password) } : {}),
  });
}

function handlerFor(ctx: Context, task: Task, nodes: NodeSet): OutputHandler {
  const { display } = ctx;
  let handler: OutputHandler;
  if (display.gather || display.lineMode) {
    if (display.gather && display.lineMode) handler = new LiveGatherOutputHandler(display, nodes);
    else if (display.lineMode) handler = new SortedOutputHandler(display);
    else handler = new GatherOutputHandler(display);
    if (
      display.verbosity === VERB_STD ||
      display.verbosity === VERB_VERB ||
      (display.progress && display.verbosity > VERB_QUIET)
    ) {
      handler.runtimerInit(task, nodes.length);
    }
    return handler;
  }
  if (display.progress && display.verbosity > VERB_QUIET) {
    handler = new DirectProgressOutputHandler(display);
    handler.runtimerInit(task, nodes.length);
    return handler;
  }
  if (display.outdir || display.errdir) {
    if (display.outdir) mkdirSync(display.outdir, { recursive: true });
    if (display.errdir) mkdirSync(display.errdir, { recursive: true });
    return new DirectOutputDirHandler(display, nodes);
  }
  return new DirectOutputHandler(display);
}

/** Forwards our standard input to the worker through a task port (clush's bind_stdin). */
function bindStdin(task: Task, io: CliIO, write: (data: Buffer) => void, end: () => void): () => void {
  const port = task.port(
    { message: (_port, message) => (message instanceof Buffer ? write(message) : end()) },
    { autoclose: true },
  );
  let stopped = false;
  void (async () => {
    try {
      for await (const chunk of io.stdin) {
        const data = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        if (stopped || !(await port.deliver(data))) return;
      }
    } catch {
      // A broken input ends the input, like its end.
    }
    if (!stopped) await port.deliver(null);
  })();
  return () => {
    stopped = true;
    // Stop reading a standard input that may never end once the commands are done.
    (io.stdin as { destroy?: () => void }).destroy?.();
  };
}

async function execute(ctx: Context, task: Task, nodes: NodeSet): Promise<void> {
  const { options, args, display, config, io } = ctx;
  // Local paths as the user wrote them (clush's messages show them so), unless run for another directory.
  const local = (path: string): string => (io.cwd === process.cwd() ? path : resolve(io.cwd, path));
  const timeout = config.commandTimeout > 0 ? config.commandTimeout : undefined;
  const tree = task.topology ? undefined : false;
  if (options.copy || options.rcopy) {
    const handler = new CopyOutputHandler(display, options.rcopy, args.length);
    if (display.verbosity === VERB_STD || display.verbosity === VERB_VERB)
      handler.runtimerInit(task, nodes.length * args.length);
    const dest = options.destPath!;
    if (options.rcopy) {
      if (!existsSync(resolve(io.cwd, dest))) throw new ExitWith(1, `ERROR: directory "${dest}" not found`);
      if (!statSync(resolve(io.cwd, dest)).isDirectory())
        throw new ExitWith(1, `ERROR: destination "${dest}" is not a directory`);
    }
    for (const source of args) {
      if (options.copy && !existsSync(resolve(io.cwd, source)))
        throw new ExitWith(1, `ERROR: file "${source}" not found`);
      const copyOptions = { nodes, handler, timeout, preserve: options.preserveFlag, tree };
      if (options.rcopy) task.rcopy(source, local(dest), { ...copyOptions, stderr: true });
      else task.copy(local(source), dest, copyOptions);
    }
    await task.resume();
    return;
  }
  const stdinIsTTY = Boolean((io.stdin as { isTTY?: boolean }).isTTY);
  const forwardStdin = !(stdinIsTTY || options.nostdin);
  const handler = handlerFor(ctx, task, nodes);
  const worker = task.shell(args.join(' '), {
    nodes,
    handler,
    timeout,
    remote: options.remote !== 'no',
    tree,
    stdin: forwardStdin,
  });
  const unbind = forwardStdin
    ? bindStdin(
        task,
        io,
        (data) => worker.write(data),
        () => worker.setWriteEof(),
      )
    : undefined;
  try {
    await task.resume();
  } finally {
    unbind?.();
  }
}

/** Ends the command with a message on stderr and an exit code (clush_exit after a message). */
class ExitWith extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

function groupResolver(
  options: ExecOptions,
  io: CliIO,
  directory: MasterAgentDirectory | undefined,
): GroupResolver {
  if (directory && !options.groupsconf)
    return createFarmGroupResolver({ listAgents: () => directory.farmAgents() });
  return createConfigGroupResolver({
    paths: options.groupsconf ? [options.groupsconf] : defaultGroupsConfigPaths(io.env),
    onUpcallStderr: (text) => io.stderr.write(text),
  });
}

async function run(options: ExecOptions, args: string[], io: CliIO): Promise<number> {
  const out = io.stdout as ByteSink;
  const err = io.stderr as ByteSink;
  const config = loadClushConfig(options);
  const color = useColor(
    config,
    options.whencolor,
    { stdout: Boolean(io.stdout.isTTY), stderr: Boolean(io.stderr.isTTY) },
    io.env,
    options.gatherall,
  );
  if (options.diff && options.lineMode)
    throw new UsageError('option mismatch (diff not supported in line_mode)');
  const master = options.master ?? io.env.DROVER_MASTER;
  const directory =
    options.worker === 'agent' && master
      ? new MasterAgentDirectory({ master, token: options.token ?? io.env.DROVER_TOKEN })
      : undefined;
  const resolver = groupResolver(options, io, directory);
  if (options.groupsource) resolver.defaultSourceName = options.groupsource;
  const formatNodeSet = options.regroup
    ? (nodes: NodeSet): string => {
        try {
          return regroup(new NodeSet(nodes, { resolver }), {
            source: options.groupsource,
            noPrefix: options.groupbase,
          });
        } catch (error) {
          if (error instanceof GroupResolutionPendingError) return nodes.toString();
          throw error;
        }
      }
    : undefined;
  const display = new Display(
    {
      gather: options.gather || options.gatherall,
      lineMode: options.lineMode,
      label: options.label,
      diff: options.diff,
      color,
      verbosity: config.verbosity,
      nodeCount: config.nodeCount,
      maxrc: config.maxrc,
      progress: options.progress,
      outdir: options.outdir,
      errdir: options.errdir,
    },
    out,
    err,
    formatNodeSet,
  );
  const ctx: Context = { options, args, io, config, display, resolver, directory };

  const targets = await resolver.settle(() => computeTargets(ctx));
  for (const warning of targets.warnings) display.vprintErr(VERB_STD, warning);
  let nodes = targets.nodes;
  if (nodes.length < 1) throw new UsageError('No node to run on.');
  if (options.pick && options.pick < nodes.length) {
    nodes = NodeSet.fromNames(pick([...nodes], options.pick));
    if (config.verbosity >= VERB_VERB) out.write(`\x1b[92mPicked random nodes: ${nodes.toString()}\x1b[0m\n`);
  }
  if (options.regroup) await resolver.settle(() => formatNodeSet!(new NodeSet(nodes, { resolver })));

  const interactive = args.length === 0 && !(options.copy || options.rcopy);
  if (interactive && (io.stdin as { isTTY?: boolean }).isTTY) {
    throw new ExitWith(1, 'ERROR: interactive mode is not supported by drover exec; give a command');
  }

  const task = new Task({
    info: {
      fanout: config.fanout,
      connect_timeout: config.connectTimeout,
      command_timeout: config.commandTimeout,
      debug: config.verbosity >= VERB_DEBUG,
      ...(config.sshUser ? { ssh_user: config.sshUser } : {}),
      ...(config.sshPath ? { ssh_path: config.sshPath } : {}),
      ...(config.sshOptions ? { ssh_options: config.sshOptions } : {}),
      ...(config.scpPath ? { scp_path: config.scpPath } : {}),
      ...(config.scpOptions ? { scp_options: config.scpOptions } : {}),
      ...(io.env.DROVER_GATEWAY_COMMAND ? { gateway_command: io.env.DROVER_GATEWAY_COMMAND } : {}),
    },
  });
  const transport = transportFor(ctx);
  if (!transport) throw new ExitWith(1, `ERROR: Could not load worker '${options.worker}'`);
  task.setDefault('distant_worker', transport);
  if (options.topofile) {
    const topology = task.loadTopology(options.topofile);
    if (config.verbosity >= VERB_VERB) {
      const gateways = topology.innerNodeCount() - topology.root.nodes.length;
      err.write(`clush: enabling tree topology (${gateways} gateways)\n`);
    }
  }
  // clush separates stderr unless -B, and keeps output only when it has to gather it.
  task.setDefault('stderr', !options.gatherall);
  task.setDefault('stdout_msgtree', display.gather || display.lineMode);
  task.setDefault('stderr_msgtree', false);

  if ((options.copy || options.rcopy) && args.length === 0) {
    throw new UsageError('--[r]copy option requires at least one argument');
  }
  let op: string;
  if (options.copy) {
    options.destPath ??= `${dirname(resolve(io.cwd, args[0]!))}/`;
    op = `copy sources=[${args.map(pyRepr).join(', ')}] dest=${options.destPath}`;
  } else if (options.rcopy) {
    options.destPath ??= dirname(resolve(io.cwd, args[0]!));
    op = `rcopy sources=[${args.map(pyRepr).join(', ')}] dest=${options.destPath}`;
  } else op = `command="${args.join(' ')}"`;
  display.vprint(
    VERB_DEBUG,
    `clush: nodeset=${nodes.toString()} fanout=${config.fanout} [timeout conn=${config.connectTimeout.toFixed(1)} cmd=${config.commandTimeout.toFixed(1)}] ${op}`,
  );

  const stopOnSignal = io.stdout === process.stdout;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
    void task.abort();
  };
  if (stopOnSignal) process.once('SIGINT', onSignal);
  try {
    await execute(ctx, task, nodes);
  } finally {
    if (stopOnSignal) process.removeListener('SIGINT', onSignal);
  }
  if (interrupted) {
    err.write('Keyboard interrupt.\n');
    return 130;
  }
  if (!config.maxrc) return 0;
  return task.numTimeout() > 0 ? 255 : (task.maxRetcode() ?? 0);
}

/** Runs `exec` with `argv` (the words after the command name); resolves to the exit code. */
export async function runExec(argv: readonly string[], io: CliIO): Promise<number> {
  const usage = (error: UsageError): number => {
    io.stderr.write(`${USAGE}\n\nclush: error: ${error.message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseExecArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) return usage(error);
    throw error;
  }
  if (parsed.kind === 'help') {
    io.stdout.write(`${HELP_TEXT}\n`);
    return 0;
  }
  if (parsed.kind === 'version') {
    io.stdout.write(`clush ${CLUSH_VERSION}\n`);
    return 0;
  }
  if (parsed.options.gateway) return runGatewayCommand(parsed.options, io);
  try {
    return await run(parsed.options, parsed.args, io);
  } catch (error) {
    if (error instanceof UsageError) return usage(error);
    if (error instanceof ExitWith) {
      io.stderr.write(`${error.message}\n`);
      return error.code;
    }
    if (error instanceof ClushConfigError) {
      io.stderr.write(`ERROR: ${error.message}\n`);
      return 1;
    }
    return reportExecError(error, io.stderr);
  }
}
