/**
 * A master in its own process, for tests that kill one: it serves nothing over HTTP but competes for the
 * scheduling leadership on the database given in DROVER_TEST_DATABASE and runs the scheduler when it
 * wins. It prints "ready" once started and "leader" when it becomes the leader; SIGTERM stops it cleanly
 * (SIGKILL is the crash the tests want).
 *
 *   node --import tsx test/support/master-process.ts
 */
import { loadConfig } from '../../src/core/config/index.js';
import { createLogger } from '../../src/core/logging.js';
import { createMaster } from '../../src/master/master.js';

const url = process.env.DROVER_TEST_DATABASE;
if (!url) throw new Error('DROVER_TEST_DATABASE is not set');
const { config } = loadConfig({
  env: {},
  cwd: process.cwd(),
  overrides: {
    database: url,
    statistics_database: url,
    smtp_server: null,
    agent_offline_timeout: 3600,
    ...(process.env.DROVER_TEST_CONFIG ? JSON.parse(process.env.DROVER_TEST_CONFIG) : {}),
  },
});
const master = await createMaster({
  config,
  logger: createLogger({
    level: (process.env.DROVER_TEST_LOG_LEVEL as 'info') ?? 'warn',
    name: 'master',
    pretty: false,
  }),
  version: 'test',
  allowAgentLoopback: true,
  builtinJobTypesDir: null,
  scheduling: {
    leadershipRetryMs: 200,
    leadershipHeartbeatMs: 200,
    timings: { dispatchRetries: 2, dispatchRetryDelayMs: 50, refusalCooldownMs: 200 },
  },
});
master.startScheduling();
process.stdout.write('ready\n');
const announce = setInterval(() => {
  if (master.leadership.isLeader) {
    process.stdout.write('leader\n');
    clearInterval(announce);
  }
}, 20);
if (process.env.DROVER_TEST_STATS) {
  setInterval(() => {
    if (master.leadership.isLeader)
      process.stderr.write(`stats ${JSON.stringify(master.leader.engine.totals)}\n`);
  }, 5000).unref();
}
process.on('SIGTERM', () => {
  clearInterval(announce);
  void master.close().then(() => process.exit(0));
});
