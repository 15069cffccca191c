/**
 * `drover up`: a whole farm on this machine in one command — the master (REST API, scheduler, web UI) on
 * SQLite in this process, `--agents N` local agents as child processes, the first admin and the tokens on
 * the first run, and the local CLI logged in. It runs until `stop` resolves (SIGINT/SIGTERM); then the
 * agents stop first (handing their tasks back to the still-listening master), then the master closes.
 * All state lives in the data directory, so the next run resumes where this one stopped.
 */
import { createServer } from 'node:net';
import { relative } from 'node:path';
import { createLogger } from '../../core/logging.js';
import { createMaster, type Master } from '../../master/master.js';
import { CliExit, type CliIO } from '../io.js';
import { loadCliConfig } from '../load-cli-config.js';
import { version } from '../version.js';
import { loginLocalCli, prepareFarmAccounts } from './farm-accounts.js';
import {
  claimFarmDirectory,
  createFarmDirectories,
  farmLayout,
  sqliteUrl,
  type FarmLayout,
} from './farm-layout.js';
import { startLocalAgents, tailOfLog, type LocalAgents } from './local-agents.js';

export interface UpOptions {
  data: string;
  host: string;
  port: number;
  agents: number;
  login: boolean;
  config?: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

/** Agents get this long to hand back their tasks before they are killed. */
const AGENT_GRACE_MS = 20_000;

/** Port 0 means any free port; the master's base_url must name the real one, so it is chosen up front. */
function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function listen(master: Master, host: string, port: number): Promise<string> {
  try {
    return await master.listen(host, port);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliExit(1, `port ${port} on ${host} is in use (another farm?); choose another with --port`);
    }
    if (code === 'EADDRNOTAVAIL') throw new CliExit(1, `cannot listen on ${host}: no such local address`);
    throw err;
  }
}

export async function runUp(io: CliIO, options: UpOptions, stop: Promise<unknown>): Promise<void> {
  const layout = farmLayout(io.cwd, options.data);
  createFarmDirectories(layout);
  const release = claimFarmDirectory(layout);
  let master: Master | undefined;
  let agents: LocalAgents | undefined;
  const killAgents = () => agents?.kill();
  process.once('exit', killAgents);
  try {
    const port = options.port === 0 ? await freePort(options.host) : options.port;
    const hostInUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
    const { config } = loadCliConfig(io, {
      ...(options.config !== undefined ? { config: options.config } : {}),
      overrides: {
        database: sqliteUrl(layout.database),
        statistics_database: sqliteUrl(layout.statistics),
        tasklogs_dir: layout.taskLogs,
        agent_updates_dir: layout.updates,
        base_url: `http://${hostInUrl}:${port}/`,
      },
    });
    const logger = createLogger({
      level: options.logLevel,
      name: 'drover',
      destination: { write: (line: string) => io.stderr.write(line), isTTY: io.stderr.isTTY },
    });
    master = await createMaster({ config, logger, version, allowAgentLoopback: true });
    // Listening first: a port in use must not leave a generated password behind that was never shown.
    const url = await listen(master, options.host, port);
    const accounts = await prepareFarmAccounts(master.context, layout);
    const login = options.login ? await loginLocalCli(master.context, io.env, url) : undefined;
    agents = startLocalAgents({
      count: options.agents,
      layout,
      masterUrl: url,
      env: io.env,
      onUnexpectedExit(agent, code, signal) {
        const why = signal ? `signal ${signal}` : `exit code ${code}`;
        const tail = tailOfLog(agent.logFile);
        io.stderr.write(
          `drover: ${agent.name} stopped (${why}); its output is in ${agent.logFile}` +
            (tail ? `:\n${tail.replace(/^/gm, '  | ')}\n` : '\n'),
        );
      },
    });
    io.stdout.write(summary(io, layout, url, options, accounts.newAdminPassword, login));

    await stop;
    io.stderr.write('drover: stopping (agents hand their tasks back; Ctrl-C again to stop at once)\n');
    const again = () => agents?.kill();
    process.once('SIGINT', again);
    process.once('SIGTERM', again);
    try {
      await agents.stop(AGENT_GRACE_MS);
    } finally {
      process.off('SIGINT', again);
      process.off('SIGTERM', again);
    }
  } finally {
    agents?.kill();
    await master?.close();
    process.off('exit', killAgents);
    release();
  }
  io.stderr.write('drover: stopped; run drover up again to resume\n');
}

function summary(
  io: CliIO,
  layout: FarmLayout,
  url: string,
  options: UpOptions,
  newPassword: string | undefined,
  login: Awaited<ReturnType<typeof loginLocalCli>> | undefined,
): string {
  const shown = (path: string) => {
    const rel = relative(io.cwd, path);
    return rel.startsWith('..') ? path : rel;
  };
  const lines = [`Drover is up at ${url} (web UI and REST API; API docs at ${url}/docs)`];
  lines.push(`  data:      ${layout.root}`);
  lines.push(
    newPassword !== undefined
      ? `  admin:     admin / ${newPassword}   (new; the password is also in ${shown(layout.adminPassword)})`
      : `  admin:     admin (the generated password is in ${shown(layout.adminPassword)})`,
  );
  lines.push(
    `  API token: ${shown(layout.adminToken)}   (e.g. DROVER_TOKEN=$(cat ${shown(layout.adminToken)}))`,
  );
  if (login) {
    const replaced =
      login.outcome === 'replaced' && login.previousMaster !== url ? ` (was ${login.previousMaster})` : '';
    lines.push(`  CLI:       logged in as admin; token in ${login.path}${replaced}`);
  }
  lines.push(
    options.agents === 0
      ? '  agents:    none (--agents N starts local agents)'
      : `  agents:    ${options.agents} (output in ${shown(layout.agents)}/agent-N/output.log)`,
  );
  lines.push('', 'In another terminal: drover demo blender, drover submit --help, drover jobs');
  lines.push('Ctrl-C stops the farm; drover up again resumes it.', '');
  return lines.join('\n');
}
