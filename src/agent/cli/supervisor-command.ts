/**
 * `drover supervisor [flags] -- <agent flags>` (the seed's pyfarm-supervisor): keeps the agent running
 * and applies downloaded updates before restarting it. The agent flags are those of `drover agent start`.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Command } from 'commander';
import type { CliPorts, CommandIO } from './cli-ports.js';
import { claimPidfile, releasePidfile } from '../daemon/run-files.js';
import { resolveAgentSettings } from '../settings/agent-settings.js';
import { resolveGid, resolveUid } from '../system/users.js';
import { droverCommand } from './agent-command.js';
import { addFlags, COMMON_FLAGS, overridesFrom, START_FLAGS } from './agent-options.js';

/** Reads the agent's own flags the way `drover agent start` would, to find its files. */
function agentOverrides(agentArgs: readonly string[]): Record<string, unknown> {
  const parser = addFlags(addFlags(new Command('agent'), COMMON_FLAGS), START_FLAGS)
    .option('-n, --no-daemon')
    .allowUnknownOption()
    .exitOverride();
  parser.parse([...agentArgs], { from: 'user' });
  const opts = parser.opts();
  return { ...overridesFrom(opts, COMMON_FLAGS), ...overridesFrom(opts, START_FLAGS) };
}

export function registerSupervisorCommand(program: Command, io: CommandIO, ports: CliPorts): void {
  const CliExit = ports.exit;
  program
    .command('supervisor')
    .description('start the agent and keep it running; apply updates before restarting it')
    .argument('[agent-flags...]', 'flags for `drover agent start`, after --')
    .option('--updates-drop-dir <dir>', "where to look for agent updates [default: the agent's]")
    .option(
      '--agent-package-dir <dir>',
      'the agent installation an update replaces (required to apply updates)',
    )
    .option('--pidfile <path>', "the supervisor's pidfile [default: <agent data dir>/lock/supervisor.pid]")
    .option('-n, --no-daemon', 'stay in the foreground')
    .option('--chdir <dir>', 'working directory of the supervisor')
    .option('--uid <user>', 'run as this user (ignored on Windows)')
    .option('--gid <group>', 'run as this group (ignored on Windows)')
    .option('--interval <seconds>', 'seconds between checks [default: supervisor_interval, 5]')
    .passThroughOptions()
    .action(async (agentArgs: string[], o: Record<string, string | boolean | undefined>, cmd: Command) => {
      const agent = resolveAgentSettings(agentOverrides(agentArgs), {
        purpose: 'control',
        env: io.env,
        cwd: io.cwd,
      });
      const pidfile = resolve(
        io.cwd,
        (o.pidfile as string | undefined) ?? join(agent.lockDir, 'supervisor.pid'),
      );
      if (o.daemon !== false) {
        const log = join(agent.logsRoot, 'supervisor.log');
        mkdirSync(dirname(log), { recursive: true });
        const fd = openSync(log, 'a');
        let root = cmd;
        while (root.parent) root = root.parent;
        const raw = (root as unknown as { rawArgs: string[] }).rawArgs;
        const dash = raw.indexOf('--');
        const args =
          dash >= 0 ? [...raw.slice(0, dash), '--no-daemon', ...raw.slice(dash)] : [...raw, '--no-daemon'];
        const [node, bin] = droverCommand();
        const child = spawn(node!, [bin!, ...args], {
          detached: true,
          stdio: ['ignore', fd, fd],
          env: io.env,
          cwd: io.cwd,
        });
        closeSync(fd);
        child.unref();
        io.stdout.write(`supervisor started (pid ${child.pid}, log ${log})\n`);
        return;
      }
      if (o.chdir) process.chdir(o.chdir as string);
      if (o.gid && process.setgid) process.setgid(resolveGid(o.gid as string));
      if (o.uid && process.setuid) process.setuid(resolveUid(o.uid as string));
      claimPidfile(pidfile);
      // Loaded only here: every `drover` invocation parses this module, and the agent process is one.
      const [{ createLogger }, { Supervisor }] = await Promise.all([
        import('../../core/logging.js'),
        import('../daemon/supervisor.js'),
      ]);
      const logger = createLogger({ name: 'supervisor', destination: process.stderr as never });
      try {
        const code = await new Supervisor({
          droverCommand: droverCommand(),
          agentArgs,
          agentPidfile: agent.pidfile,
          runControlFile: agent.runControlFile,
          updatesDropDir: o.updatesDropDir
            ? resolve(io.cwd, o.updatesDropDir as string)
            : agent.updatesDropDir,
          agentPackageDir: o.agentPackageDir ? resolve(io.cwd, o.agentPackageDir as string) : undefined,
          intervalMs: o.interval !== undefined ? Number(o.interval) * 1000 : agent.supervisorIntervalMs,
          logger,
          env: io.env,
        }).run();
        if (code !== 0) throw CliExit(code);
      } finally {
        releasePidfile(pidfile);
      }
    });
}
