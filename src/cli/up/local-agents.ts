/**
 * The agents of `drover up`: `drover agent start --no-daemon` child processes, each with its own data
 * directory and a free loopback port, all speaking to the local master with the local agents' token.
 *
 * Each child runs in its own process group, so a Ctrl-C in the terminal reaches `drover up` only: up then
 * asks every agent to stop once (SIGINT: the agent hands its tasks back to the master, which must still
 * be listening) and waits. A second SIGINT would make an agent quit at once, which is what a second Ctrl-C
 * does. Output goes to `output.log` in the agent's directory; an agent that dies is reported with the
 * tail of that log. Should `drover up` itself be killed, each agent notices within a second and stops
 * (./exit-with-parent.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FarmLayout } from './farm-layout.js';

export interface LocalAgent {
  readonly name: string;
  readonly dir: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `node bin/drover.js`: the same installation's CLI (src/cli/up and dist/cli/up sit at the same depth). */
export function droverCommand(): [string, string] {
  return [process.execPath, fileURLToPath(new URL('../../../bin/drover.js', import.meta.url))];
}

/** The preload that stops an agent whose `drover up` died (built to .js; absent when running from sources). */
function exitWithParentPreload(): string[] {
  const url = new URL('./exit-with-parent.js', import.meta.url);
  return existsSync(fileURLToPath(url)) ? ['--import', url.href] : [];
}

export interface StartAgentsOptions {
  count: number;
  layout: FarmLayout;
  masterUrl: string;
  env: NodeJS.ProcessEnv;
  /** Called when an agent exits while it was not asked to. */
  onUnexpectedExit: (agent: LocalAgent, code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface LocalAgents {
  readonly agents: readonly LocalAgent[];
  /** Asks every agent to stop and waits; agents still running after `graceMs` are killed. */
  stop(graceMs: number): Promise<void>;
  /** Kills every agent at once (a second Ctrl-C, or up's own crash). */
  kill(): void;
}

export function startLocalAgents(options: StartAgentsOptions): LocalAgents {
  const [node, bin] = droverCommand();
  const preload = exitWithParentPreload();
  let stopping = false;
  const agents: LocalAgent[] = [];
  for (let index = 1; index <= options.count; index++) {
    const dir = options.layout.agentDir(index);
    mkdirSync(dir, { recursive: true });
    const logFile = join(dir, 'output.log');
    const log = openSync(logFile, 'a');
    const args = [
      ...preload,
      bin,
      'agent',
      'start',
      '--no-daemon',
      '--data-dir',
      dir,
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--master',
      options.masterUrl,
      '--token-file',
      options.layout.agentToken,
      // Same machine, same clock as the master: no NTP query.
      '--time-offset',
      '0',
    ];
    // The agent would take DROVER_TOKEN before its token file: the user's own token must not leak into it.
    const { DROVER_TOKEN: _token, DROVER_MASTER: _master, ...env } = options.env;
    const child = spawn(node, args, { stdio: ['ignore', log, log], detached: true, env });
    closeSync(log);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    const agent: LocalAgent = { name: `agent-${index}`, dir, logFile, child, exited };
    void exited.then(({ code, signal }) => {
      if (!stopping) options.onUnexpectedExit(agent, code, signal);
    });
    agents.push(agent);
  }

  const running = () => agents.filter((a) => a.child.exitCode === null && a.child.signalCode === null);
  return {
    agents,
    async stop(graceMs) {
      stopping = true;
      const live = running();
      for (const agent of live) agent.child.kill('SIGINT');
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.all(live.map((a) => a.exited)), timeout]);
      clearTimeout(timer);
      for (const agent of running()) agent.child.kill('SIGKILL');
      await Promise.all(agents.map((a) => a.exited));
    },
    kill() {
      stopping = true;
      for (const agent of running()) agent.child.kill('SIGKILL');
    },
  };
}

/** The last lines of an agent's output, to say why it stopped; JSON log records shown by their message. */
export function tailOfLog(path: string, lines = 5): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return '';
  }
  return text
    .trimEnd()
    .split('\n')
    .slice(-lines)
    .map((line) => {
      try {
        const record = JSON.parse(line) as { msg?: unknown; err?: unknown };
        if (typeof record.msg !== 'string') return line;
        const err =
          typeof record.err === 'string' ? record.err : (record.err as { message?: string })?.message;
        return err ? `${record.msg}: ${err}` : record.msg;
      } catch {
        return line;
      }
    })
    .join('\n');
}
