/**
 * The composition root of `drover master`: opens (and migrates) the databases, builds the context, the
 * authenticator and the HTTP app with every resource, registers the shipped job types, and starts the
 * in-process services. The caller decides whether to listen (`drover master`) or to inject requests
 * (tests).
 *
 *   const master = await createMaster({ config, logger });
 *   const url = await master.listen('127.0.0.1', 5000);
 *   ...
 *   await master.close();
 */
import { systemClock, type Clock } from '../core/clock.js';
import type { Config } from '../core/config/index.js';
import type { Logger } from '../core/logging.js';
import { openDatabases, type DatabaseHandles } from '../db/connection/open-database.js';
import { migrateToLatest } from '../db/migrate.js';
import { modelLimitsFromConfig } from '../db/rules/model-limits.js';
import { resolveTableNames } from '../db/table-names.js';
import { Authenticator } from './auth/authenticator.js';
import { authRoutes, rootSessionRoutes } from './auth/auth.routes.js';
import type { MasterContext } from './context.js';
import { LocalFarmEvents } from './events/farm-events.js';
import { registerBuiltinJobTypes } from './jobtypes/builtin-jobtypes.js';
import { buildHttpApp, type MasterApp } from './http/app.js';
import { healthRoutes } from './http/health.routes.js';
import { MasterMetrics } from './metrics/master-metrics.js';
import { metricsRoutes } from './metrics/metrics.routes.js';
import { resourceRoutes } from './routes.js';
import { uiSessionRoutes } from './web/ui-session.routes.js';
import { webUiRoutes } from './web/web-ui.routes.js';
import { BufferedTaskEventRecorder } from './statistics/task-event-recorder.js';
import { createSchedulerLock } from '../db/leadership/scheduler-lock.js';
import { LeaderServices, type LeaderTimings } from './leadership/leader-services.js';
import { Leadership } from './leadership/leadership.js';
import { createFarmEventChannel } from '../db/events/farm-event-channel.js';
import { EventRelay } from './events/event-relay.js';
import { randomUUID } from 'node:crypto';
import { setTransactionRetries } from '../db/transaction.js';

export interface MasterOptions {
  config: Config;
  logger: Logger;
  version: string;
  clock?: Clock;
  /** Accept agents registering from loopback addresses (`--allow-agent-loopback-addresses`). */
  allowAgentLoopback?: boolean;
  /** Open handles to use instead of opening the configured databases (tests); they are not closed. */
  databases?: DatabaseHandles;
  /** The built web UI (default: dist/web of this installation). */
  webRoot?: string;
  /** Where the shipped job types are (default: `jobtypes/builtin` of the installation); null = none. */
  builtinJobTypesDir?: string | null;
  scheduling?: SchedulingOptions;
}

export interface SchedulingOptions {
  /** Start the leader election (and, when elected, the scheduler) in `listen()`. Default true. */
  startOnListen?: boolean;
  timings?: LeaderTimings;
  /** Between attempts to become the scheduling leader. Default 1 s. */
  leadershipRetryMs?: number;
  /** Between checks that the leadership is still held. Default 1 s. */
  leadershipHeartbeatMs?: number;
}

export interface Master {
  readonly app: MasterApp;
  readonly context: MasterContext;
  readonly authenticator: Authenticator;
  /** The services the scheduling leader runs (scheduler, dispatcher, ...); idle unless this master leads. */
  readonly leader: LeaderServices;
  readonly leadership: Leadership;
  /** Starts competing for the scheduling leadership (`listen()` does it unless told not to). */
  startScheduling(): void;
  /** Starts listening; resolves to the base URL. */
  listen(host: string, port: number): Promise<string>;
  close(): Promise<void>;
}

export async function createMaster(options: MasterOptions): Promise<Master> {
  const { config, logger } = options;
  const log = logger.child({ component: 'master' });
  const ownsDatabases = options.databases === undefined;
  const databases =
    options.databases ??
    (await openDatabases({
      database: config.database,
      statisticsDatabase: config.statistics_database,
      tableNames: resolveTableNames(config),
      logger: logger.child({ component: 'sql' }),
      echo: config.echo_sql,
      backgroundCheckpoints: true,
    }));
  try {
    setTransactionRetries(databases.main.db, config.transaction_retries);
    setTransactionRetries(databases.statistics.db, config.transaction_retries);
    for (const handle of [databases.main, databases.statistics]) {
      const outcome = await migrateToLatest(handle);
      if (outcome.error !== undefined) throw outcome.error;
      if (outcome.applied.length > 0)
        log.info({ database: handle.url, applied: outcome.applied }, 'migrated');
    }
    if (options.builtinJobTypesDir !== null) {
      await registerBuiltinJobTypes(databases.main.db, log, options.builtinJobTypesDir);
    }
  } catch (err) {
    if (ownsDatabases) await databases.close();
    throw err;
  }

  const clock = options.clock ?? systemClock;
  const events = new LocalFarmEvents((err, event) => log.error({ err, event }, 'event listener failed'));
  const taskEvents = new BufferedTaskEventRecorder(databases.statistics.db, clock, log, {
    enabled: config.enable_statistics,
  });
  const context: MasterContext = {
    config,
    db: databases.main.db,
    dialect: databases.main.dialect,
    statistics: databases.statistics.db,
    log,
    clock,
    events,
    taskEvents,
    limits: modelLimitsFromConfig(config),
    allowAgentLoopback: options.allowAgentLoopback ?? config.allow_agents_from_loopback,
    version: options.version,
  };
  const authenticator = new Authenticator(context.db, clock, log);
  const metrics = new MasterMetrics({ db: context.db, clock, version: options.version });
  const app = await buildHttpApp({
    logger: log,
    version: options.version,
    observeRequest: metrics.observeRequest,
    authenticate: authenticator.authenticate,
    publicRead: config.public_read,
    apiRoutes: [
      healthRoutes(options.version),
      authRoutes(context, authenticator),
      uiSessionRoutes(context, authenticator),
      ...resourceRoutes.map((routes) => routes(context)),
    ],
    rootRoutes: [
      rootSessionRoutes(context, authenticator),
      metricsRoutes(context, metrics, authenticator.authenticate),
      webUiRoutes(options.webRoot),
    ],
  });

  const scheduling = options.scheduling ?? {};
  const lock = createSchedulerLock(config.database, config.table_prefix);
  const leader = new LeaderServices({
    ctx: context,
    ...(scheduling.timings ? { timings: scheduling.timings } : {}),
    fence: (trx) => lock.fence(trx),
  });
  const leadership: Leadership = new Leadership({
    lock,
    log: log.child({ component: 'leadership' }),
    retryMs: scheduling.leadershipRetryMs ?? 1000,
    heartbeatMs: scheduling.leadershipHeartbeatMs ?? 1000,
    onGain: async () => {
      await relay?.listen();
      leader.start();
    },
    onLose: async () => {
      await relay?.unlisten();
      await leader.stop();
    },
  });
  // Events of this master reach the leader through the database while another master leads.
  const channel = createFarmEventChannel(config.database, context.db, {
    scope: config.table_prefix,
    origin: randomUUID(),
  });
  const relay =
    channel &&
    new EventRelay(channel, events, log.child({ component: 'event-relay' }), () => leadership.isLeader);

  let closed = false;
  return {
    app,
    context,
    authenticator,
    leader,
    leadership,
    startScheduling() {
      if (closed) return;
      relay?.start();
      leadership.start();
    },
    async listen(host, port) {
      await app.listen({ host, port });
      if (scheduling.startOnListen ?? true) {
        relay?.start();
        leadership.start();
      }
      const address = app.server.address();
      const actualPort = typeof address === 'object' && address ? address.port : port;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;
      log.info({ url }, 'listening');
      return url;
    },
    async close() {
      if (closed) return;
      closed = true;
      await leadership.stop();
      await relay?.stop();
      await leader.close();
      await app.close();
      await taskEvents.close();
      if (ownsDatabases) await databases.close();
    },
  };
}
