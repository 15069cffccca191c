/**
 * The benchmark's master, in its own process so that its CPU time can be read from /proc and the clients
 * do not share its event loop. Prints `{"url", "token", "pid"}` on one line, then serves until stdin closes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import { createAccountWithPassword, createApiToken } from '../../src/master/auth/auth.service.js';
import { createMaster } from '../../src/master/master.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-bench-agents-'));
const database = process.argv[2] || `sqlite:///${join(dir, 'bench.sqlite')}`;
const { config } = loadConfig({
  env: {},
  cwd: dir,
  overrides: { database, tasklogs_dir: join(dir, 'logs'), agent_updates_dir: join(dir, 'updates') },
});
const master = await createMaster({
  config,
  logger: silentLogger(),
  version: 'bench',
  allowAgentLoopback: true,
});
await createAccountWithPassword(master.context, { username: 'bench-agent', roles: ['agent'] });
const { token } = await createApiToken(master.context, {
  username: 'bench-agent',
  name: 'bench',
  kind: 'agent',
});
const url = await master.listen('127.0.0.1', 0);
process.stdout.write(
  `${JSON.stringify({ url, token, pid: process.pid, dialect: master.context.dialect })}\n`,
);

process.stdin.resume();
process.stdin.on('end', () => {
  void master.close().finally(() => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
});
