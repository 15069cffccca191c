/**
 * A real master for browser tests: listening on loopback (port 0), on a fresh SQLite database, serving the
 * built UI from dist/web, with an admin (and optionally other users) ready to log in.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../../src/core/config/index.js';
import { silentLogger } from '../../../src/core/logging.js';
import { createAccountWithPassword, createApiToken } from '../../../src/master/auth/auth.service.js';
import type { Role } from '../../../src/master/http/access.js';
import { createMaster, type Master } from '../../../src/master/master.js';

export const PASSWORD = 'render-farm-password';

export interface BrowserFarm {
  master: Master;
  config: Config;
  url: string;
  dir: string;
  /** API token of the admin, for setting up data through the REST API. */
  adminToken: string;
  addUser(username: string, roles: Role[]): Promise<void>;
  /** fetch against the master's API as the admin. */
  api(path: string, init?: { method?: string; body?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function startBrowserFarm(
  options: { config?: Record<string, unknown>; withAdmin?: boolean } = {},
): Promise<BrowserFarm> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-e2e-'));
  const database = `sqlite:///${join(dir, 'drover.sqlite')}`;
  const { config } = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      database,
      statistics_database: database,
      tasklogs_dir: join(dir, 'task_logs'),
      agent_updates_dir: join(dir, 'updates'),
      smtp_server: null,
      farm_name: 'e2e',
      allow_agents_from_loopback: true,
      ...options.config,
    },
  });
  const master = await createMaster({
    config,
    logger: silentLogger(),
    version: 'e2e',
    allowAgentLoopback: true,
  });
  const url = await master.listen('127.0.0.1', 0);
  let adminToken = '';
  if (options.withAdmin ?? true) {
    await createAccountWithPassword(master.context, {
      username: 'admin',
      password: PASSWORD,
      roles: ['admin'],
    });
    adminToken = (await createApiToken(master.context, { username: 'admin', name: 'e2e', kind: 'api' }))
      .token;
  }
  return {
    master,
    config,
    url,
    dir,
    adminToken,
    async addUser(username, roles) {
      await createAccountWithPassword(master.context, { username, password: PASSWORD, roles });
    },
    api(path, init = {}) {
      return fetch(`${url}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: init.body === undefined ? undefined : JSON.stringify(init.body),
      });
    },
    async close() {
      await master.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
