/**
 * Runs the agent in this process until it stops, and turns the outcome into an exit code. SIGTERM and
 * SIGINT stop it (a second one ends the process at once); SIGHUP restarts it (the run-control file stays,
 * so a supervisor starts it again).
 */
import { ConfigError, DroverError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { MasterRejectedError } from '../master-client/master-client.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import { Agent } from './agent.js';
import { AlreadyRunningError } from './run-files.js';

export interface DaemonOptions {
  settings: AgentSettings;
  logger: Logger;
  version: string;
  droverCommand: readonly string[];
  /** Called once the agent is registered and serving. */
  onReady?: (agent: Agent) => void;
}

export async function runDaemon(options: DaemonOptions): Promise<number> {
  const { logger } = options;
  const agent = new Agent(options);
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn({ signal }, 'second signal: exiting now');
      process.exit(130);
    }
    logger.info({ signal }, 'signal received');
    void agent.stop({ keepRunControl: signal === 'SIGHUP', reason: signal });
  };
  const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((sig) => {
    const h = () => onSignal(sig);
    process.on(sig, h);
    return [sig, h] as const;
  });
  try {
    await agent.start();
    if (!agent.lifecycle.shuttingDown) options.onReady?.(agent);
    await agent.stopped;
    return 0;
  } catch (err) {
    if (err instanceof AlreadyRunningError) {
      logger.error(err.message);
      return 1;
    }
    if (err instanceof ConfigError) {
      logger.error(err.message);
      await agent.stop({ reason: 'configuration error' }).catch(() => undefined);
      return 2;
    }
    if (err instanceof MasterRejectedError) logger.error(`cannot start: ${err.message}`);
    else if (err instanceof DroverError) logger.error(err.message);
    else logger.error({ err }, 'the agent failed');
    await agent.stop({ reason: 'start failed' }).catch(() => undefined);
    return 1;
  } finally {
    for (const [sig, h] of handlers) process.off(sig, h);
  }
}
