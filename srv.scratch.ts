/**
 * The master under test, in a process of its own so that the client's work does not share its event loop:
 * `createMaster` + `listen` on 127.0.0.1 (port 0), request logging at info level to /dev/null (production
 * pays for formatting the lines), agents accepted from loopback. Prints one JSON line
 * `{"url":..., "tokens": {"admin":..., "agent":...}}` when ready and closes on SIGTERM/SIGINT.
 *
 *   node --import tsx bench/api/server.ts '{"database":"sqlite:///tmp/x.sqlite","dir":"/tmp/x"}'
 */
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from './src/core/config/index.js';
import { createLogger } from './src/core/logging.js';
import { createAccountWithPassword, createApiToken } from './src/master/auth/auth.service.js';
import { createMaster } from './src/master/master.js';

const { database, dir, logLevel } = JSON.parse(process.argv[2] ?? '{}') as {
  database: string;
  dir: string;
  logLevel?: 'info' | 'warn';
};
const { config } = loadConfig({
  env: {},
  cwd: dir,
  overrides: {
    database,
    statistics_database: database,
    tasklogs_dir: join(dir, 'task_logs'),
    agent_updates_dir: join(dir, 'updates'),
    smtp_server: null,
  },
});
const logger = createLogger({
  level: logLevel ?? 'info',
  pretty: false,
  destination: pino.destination({ dest: '/dev/null', sync: false }),
});
const master = await createMaster({ config, logger, version: 'bench', allowAgentLoopback: true });
const tokens: Record<string, string> = {};
for (const role of ['admin', 'agent'] as const) {
  const username = `bench-${role}-${process.pid}`;
  await createAccountWithPassword(master.context, {
    username,
    password: 'benchmark password',
    roles: [role],
  });
  const issued = await createApiToken(master.context, {
    username,
    name: 'bench',
    kind: role === 'agent' ? 'agent' : 'api',
  });
  tokens[role] = issued.token;
}
const { createBenchJobType, insertJobs } = await import('./bench/api/seed.js');
const jt = await createBenchJobType(master.context.db);
await insertJobs(master.context.db, jt.versionId, 500, 10);
const url = await master.listen('127.0.0.1', 0);
process.stdout.write(`${JSON.stringify({ url, tokens })}\n`);

const stop = async () => {
  await master.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
