/**
 * The agent process's entry: configuration → logger → daemon → exit code. `drover agent start` loads this
 * module from the one-file bundle scripts/build.mjs makes of it (dist/agent/agent-daemon.bundle.js) when
 * that exists: an agent loaded from ~900 separate modules (TypeBox alone has 700) idles ~20 MB higher.
 */
import { pino } from 'pino';
import { createLogger, type Logger } from '../../core/logging.js';
import { closeIdleConnections } from '../master-client/http-request.js';
import { resolveAgentSettings, type AgentSettings } from '../settings/agent-settings.js';
import { runDaemon } from './run-daemon.js';

export interface AgentProcessInput {
  overrides: Readonly<Record<string, unknown>>;
  env: NodeJS.ProcessEnv;
  cwd: string;
  version: string;
  droverCommand: readonly string[];
  /** `-n`: log to stderr unless --log is given. */
  foreground: boolean;
  /** Where a foreground agent logs when no --log is given (the CLI's stderr). */
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

export function agentLogger(
  settings: AgentSettings,
  input: Pick<AgentProcessInput, 'foreground' | 'env' | 'overrides' | 'stderr'>,
): Logger {
  const level = (input.env.DROVER_LOG_LEVEL as 'info' | undefined) ?? 'info';
  const toFile = !input.foreground || input.overrides.agent_log !== undefined;
  if (toFile && settings.log) {
    return createLogger({
      name: 'agent',
      level,
      destination: pino.destination({ dest: settings.log, append: true, mkdir: true, sync: true }),
      pretty: false,
    });
  }
  return createLogger({ name: 'agent', level, destination: input.stderr as never });
}

export async function startAgentProcess(input: AgentProcessInput): Promise<number> {
  const settings = resolveAgentSettings(input.overrides, {
    purpose: 'start',
    env: input.env,
    cwd: input.cwd,
  });
  const logger = agentLogger(settings, input);
  try {
    return await runDaemon({ settings, logger, version: input.version, droverCommand: input.droverCommand });
  } finally {
    closeIdleConnections();
  }
}
