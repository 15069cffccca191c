/**
 * `drover agent start|stop|status` (the seed's `pyfarm-agent`). `start` refuses while an agent with the
 * same pidfile runs, then either runs the agent in this process (`-n`) or starts it in the background
 * and returns once it is listening. `stop` asks the agent to stop (and waits unless `--no-wait`);
 * `status` reports whether it runs (exit 0) or not (exit 1).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type * as DaemonEntryModule from '../daemon/daemon-entry.js';
import { readStateFile } from '../daemon/run-files.js';
import { isAlive } from '../system/process-tree.js';
import { resolveAgentSettings, type AgentSettings } from '../settings/agent-settings.js';
import { addFlags, COMMON_FLAGS, overridesFrom, START_FLAGS } from './agent-options.js';
import type { CliPorts, CommandIO } from './cli-ports.js';
import { callLocalAgent, findLocalAgent } from './local-agent.js';
import { readUserConfigValues } from '../settings/user-config-values.js';

/** The command line that runs this installation's CLI: the same node, the same bin/drover.js. */
export function droverCommand(): string[] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/drover.js', import.meta.url))];
}

type DaemonEntry = typeof DaemonEntryModule;

/** The bundled daemon when built (much smaller idle memory), else the module itself (from sources). */
async function loadDaemonEntry(): Promise<DaemonEntry> {
  const bundle = new URL('../agent-daemon.bundle.js', import.meta.url);
  if (existsSync(fileURLToPath(bundle))) return (await import(bundle.href)) as DaemonEntry;
  return import('../daemon/daemon-entry.js');
}

/** The arguments the whole `drover` command line was given (commander keeps them on the root). */
function rawArgsOf(cmd: Command): string[] {
  let c = cmd;
  while (c.parent) c = c.parent;
  return (c as unknown as { rawArgs: string[] }).rawArgs;
}

function mergedOptions(cmd: Command): Record<string, unknown> {
  return { ...(cmd.parent?.opts() ?? {}), ...stripUndefined(cmd.opts()) };
}

function stripUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/**
 * The configuration a user set (a --config file, $DROVER_CONFIG, DROVER_/PYFARM_ variables), then the flags
 * on top. Warnings about the configuration go to stderr.
 */
function configuredOverrides(
  options: Record<string, unknown>,
  io: CommandIO,
  flagOverrides: Record<string, unknown>,
) {
  const file = typeof options.config === 'string' ? options.config : undefined;
  const { values, warnings } = readUserConfigValues({ ...(file ? { file } : {}), env: io.env, cwd: io.cwd });
  for (const w of warnings) io.stderr.write(`drover: warning: ${w.key} ${w.message} [${w.source}]\n`);
  return { ...values, ...flagOverrides };
}

function controlSettings(cmd: Command, io: CommandIO): AgentSettings {
  const options = mergedOptions(cmd);
  return resolveAgentSettings(configuredOverrides(options, io, overridesFrom(options, COMMON_FLAGS)), {
    purpose: 'control',
    env: io.env,
    cwd: io.cwd,
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function registerAgentCommand(program: Command, io: CommandIO, ports: CliPorts): void {
  const { version } = ports;
  const CliExit = ports.exit;
  const agent = addFlags(
    program.command('agent').description('start, stop or query the render agent on this machine'),
    COMMON_FLAGS,
  )
    .option('-n, --no-daemon', 'stay in the foreground')
    .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)');

  const start = agent.command('start').description('start the agent');
  addFlags(start, COMMON_FLAGS);
  addFlags(start, START_FLAGS);
  start.option('-n, --no-daemon', 'stay in the foreground (do not run in the background)');
  start.option('--config <file>', 'configuration file (default: $DROVER_CONFIG)');
  start.action(async (_opts: Record<string, unknown>, cmd: Command) => {
    const options = mergedOptions(cmd);
    const overrides = configuredOverrides(options, io, {
      ...overridesFrom(options, COMMON_FLAGS),
      ...overridesFrom(options, START_FLAGS),
    });
    const settings = resolveAgentSettings(overrides, { purpose: 'start', env: io.env, cwd: io.cwd });
    const running = findLocalAgent(settings);
    if (running.pid !== undefined)
      throw CliExit(1, `an agent is already running (pid ${running.pid}, pidfile ${settings.pidfile})`);
    const foreground = options.daemon === false || cmd.parent?.opts().daemon === false;
    if (foreground) {
      const entry = await loadDaemonEntry();
      const code = await entry.startAgentProcess({
        overrides,
        env: io.env,
        cwd: io.cwd,
        version,
        droverCommand: droverCommand(),
        foreground: true,
        stderr: process.stderr,
      });
      if (code !== 0) throw CliExit(code);
      return;
    }
    await startInBackground(settings, rawArgsOf(cmd), io, ports);
  });

  const stop = agent.command('stop').description('stop the agent');
  addFlags(stop, COMMON_FLAGS);
  stop.option('--no-wait', "don't wait for the agent to finish stopping");
  stop.option('--config <file>', 'configuration file (default: $DROVER_CONFIG)');
  stop.action(async (_opts: Record<string, unknown>, cmd: Command) => {
    const settings = controlSettings(cmd, io);
    const wait = cmd.opts().wait !== false;
    const { pid, state } = findLocalAgent(settings);
    if (pid === undefined) {
      io.stdout.write('the agent is not running\n');
      return;
    }
    let asked = false;
    if (state && state.pid === pid) {
      try {
        const answer = await callLocalAgent(
          state,
          'POST',
          '/stop',
          { wait },
          settings.shutdownTimeoutMs + 10_000,
        );
        asked = answer.status === 200 || answer.status === 202;
      } catch {
        asked = false;
      }
    }
    if (!asked) process.kill(pid, 'SIGTERM');
    if (wait) {
      const deadline = Date.now() + settings.shutdownTimeoutMs + 15_000;
      while (isAlive(pid) && Date.now() < deadline) await sleep(100);
      if (isAlive(pid)) throw CliExit(1, `the agent (pid ${pid}) is still running`);
      io.stdout.write(`agent stopped (pid ${pid})\n`);
    } else io.stdout.write(`agent stopping (pid ${pid})\n`);
  });

  const status = agent
    .command('status')
    .description('report whether the agent runs (exit 0) or not (exit 1)');
  addFlags(status, COMMON_FLAGS);
  status.option('--json', 'print the agent status as JSON');
  status.option('--config <file>', 'configuration file (default: $DROVER_CONFIG)');
  status.action(async (_opts: Record<string, unknown>, cmd: Command) => {
    const settings = controlSettings(cmd, io);
    const { pid, state } = findLocalAgent(settings);
    if (pid === undefined) {
      if (cmd.opts().json) io.stdout.write(`${JSON.stringify({ running: false })}\n`);
      else io.stdout.write('the agent is not running\n');
      throw CliExit(1);
    }
    let info: Record<string, unknown> | undefined;
    if (state?.pid === pid) {
      try {
        const answer = await callLocalAgent(state, 'GET', '/status');
        if (answer.status === 200) info = answer.json as Record<string, unknown>;
      } catch {
        info = undefined;
      }
    }
    if (cmd.opts().json) {
      io.stdout.write(
        `${JSON.stringify({ running: true, pid, ...(info ?? { responding: false }) }, null, 2)}\n`,
      );
      return;
    }
    if (!info) {
      io.stdout.write(`the agent is running (pid ${pid}) but its API does not answer\n`);
      return;
    }
    io.stdout.write(
      `agent ${String(info.agent_id)} on ${String(info.agent_hostname)}:${String(info.port)}: ${String(info.state)}, ` +
        `${(info.pids as { child: unknown[] }).child.length} process(es), pid ${pid}, up ${String(info.uptime)} s, ` +
        `master ${info.master_reachable ? 'reachable' : 'unreachable'}, journal backlog ${String(info.journal_backlog)}\n`,
    );
  });
}

async function startInBackground(
  settings: AgentSettings,
  rawArgs: readonly string[],
  io: CommandIO,
  ports: CliPorts,
): Promise<void> {
  const CliExit = ports.exit;
  const logPath = settings.log ?? `${settings.logsRoot}/agent.log`;
  mkdirSync(dirname(logPath), { recursive: true });
  const before = existsSync(logPath) ? readFileSync(logPath).length : 0;
  const fd = openSync(logPath, 'a');
  const [node, bin] = droverCommand();
  const child = spawn(node!, [bin!, ...rawArgs, '--no-daemon'], {
    detached: true,
    stdio: ['ignore', fd, fd],
    env: io.env,
    cwd: io.cwd,
  });
  closeSync(fd);
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  child.unref();
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited !== null) {
      const tail = readFileSync(logPath)
        .subarray(before)
        .toString('utf8')
        .trim()
        .split('\n')
        .slice(-10)
        .join('\n');
      throw CliExit(
        exited || 1,
        `the agent exited during start-up (code ${exited}); its log (${logPath}):\n${tail}`,
      );
    }
    const state = readStateFile(settings.stateFile);
    if (state && state.pid === child.pid) {
      try {
        const answer = await callLocalAgent(state, 'GET', '/status', undefined, 2000);
        const info = answer.json as { lifecycle?: string } | undefined;
        if (answer.status === 200 && info?.lifecycle === 'serving') {
          io.stdout.write(`agent started (pid ${child.pid}, port ${state.port}, log ${logPath})\n`);
          return;
        }
      } catch {
        // not listening yet
      }
    }
    await sleep(100);
  }
  io.stdout.write(
    `agent started (pid ${child.pid}) but not registered with the master yet; see ${logPath}\n`,
  );
}
