/**
 * A real master on a real test database, for black-box HTTP tests through `inject`:
 *
 *   forEachDialectMaster((dialect, farm) => {
 *     it('lists jobs', async () => {
 *       const res = await farm().inject({ url: '/api/v1/jobs/', as: 'artist' });
 *       expect(res.statusCode).toBe(200);
 *     });
 *   });
 *
 * Each role has a user (`admin`, `wrangler`, `artist`, `agent`) and an API token; `as` picks the token
 * (the agent's is an agent token). `as: 'anonymous'` sends no credentials.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { loadConfig, type Config } from '../../src/core/config/index.js';
import { silentLogger } from '../../src/core/logging.js';
import type { DialectName } from '../../src/db/dialect-name.js';
import { createAccountWithPassword, createApiToken } from '../../src/master/auth/auth.service.js';
import type { Role } from '../../src/master/http/access.js';
import { createMaster, type Master } from '../../src/master/master.js';
import { forEachDialect, type TestDatabase } from './databases.js';

export const TEST_ROLES: readonly Role[] = ['admin', 'wrangler', 'artist', 'agent'];
export const TEST_PASSWORD = 'correct horse battery';

export interface TestMaster {
  readonly master: Master;
  readonly config: Config;
  readonly dialect: DialectName;
  readonly database: TestDatabase;
  /** API tokens by role (the agent's is an agent token). */
  readonly tokens: Readonly<Record<Role, string>>;
  readonly users: Readonly<Record<Role, { id: number; username: string }>>;
  /** A scratch directory for this master (task logs, updates). */
  readonly dir: string;
  inject(options: InjectOptions & { as?: Role | 'anonymous' }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestMasterOptions {
  /** Configuration overrides (flat keys), applied over the test defaults. */
  config?: Record<string, unknown>;
  clock?: Clock;
  allowAgentLoopback?: boolean;
}

export async function createTestMaster(
  database: TestDatabase,
  options: TestMasterOptions = {},
): Promise<TestMaster> {
  const dir = mkdtempSync(join(tmpdir(), 'drover-master-'));
  const { config } = loadConfig({
    env: {},
    cwd: dir,
    overrides: {
      database: database.url,
      tasklogs_dir: join(dir, 'task_logs'),
      agent_updates_dir: join(dir, 'updates'),
      smtp_server: null,
      ...options.config,
    },
  });
  const master = await createMaster({
    config,
    logger: silentLogger(),
    version: 'test',
    databases: database,
    allowAgentLoopback: options.allowAgentLoopback ?? true,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const tokens = {} as Record<Role, string>;
  const users = {} as Record<Role, { id: number; username: string }>;
  for (const role of TEST_ROLES) {
    const username = `${role}-user`;
    const account = await createAccountWithPassword(master.context, {
      username,
      password: TEST_PASSWORD,
      roles: [role],
    });
    users[role] = { id: account.user.id, username };
    const issued = await createApiToken(master.context, {
      username,
      name: `${role} test token`,
      kind: role === 'agent' ? 'agent' : 'api',
    });
    tokens[role] = issued.token;
  }
  return {
    master,
    config,
    dialect: database.dialect,
    database,
    tokens,
    users,
    dir,
    inject({ as = 'admin', ...request }) {
      const headers = { ...(request.headers ?? {}) };
      if (as !== 'anonymous') headers.authorization = `Bearer ${tokens[as]}`;
      return master.app.inject({ ...request, headers });
    },
    async close() {
      await master.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `forEachDialect` with a master per dialect, created before the block's tests and closed after them. */
export function forEachDialectMaster(
  define: (dialect: DialectName, farm: () => TestMaster) => void,
  options: TestMasterOptions = {},
): void {
  forEachDialect((dialect, database) => {
    let farm: TestMaster | undefined;
    beforeAll(async () => {
      farm = await createTestMaster(database(), options);
    });
    afterAll(async () => {
      await farm?.close();
    });
    define(dialect, () => {
      if (!farm) throw new Error(`the ${dialect} test master is not ready`);
      return farm;
    });
  });
}
