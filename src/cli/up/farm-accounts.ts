/**
 * The accounts `drover up` needs, made on the first run and checked on every later one:
 * - the first admin (`admin`, a generated password kept in the data directory);
 * - an API token of the admin in `admin-token`, for scripts;
 * - a user `local-agents` (role agent) and its agent token in `agent-token`, for the local agents;
 * - the local user's CLI login (the credentials file of `drover login`) for this master.
 * A token that was revoked or has expired is replaced; a live one is kept, so restarts change nothing.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { findTokenByHash } from '../../db/users/token.repository.js';
import { findUser } from '../../db/users/user.repository.js';
import {
  createAccountWithPassword,
  createApiToken,
  ensureAdmin,
  setupRequired,
} from '../../master/auth/auth.service.js';
import { hashSecret } from '../../master/auth/token-secret.js';
import type { MasterContext } from '../../master/context.js';
import { normaliseMasterUrl } from '../client/connection.js';
import { credentialsPath, readCredentials, writeCredentials } from '../client/credentials.js';
import { readSecretFile, writeSecretFile, type FarmLayout } from './farm-layout.js';

export const ADMIN_USERNAME = 'admin';
export const AGENTS_USERNAME = 'local-agents';

export interface FarmAccounts {
  adminUsername: string;
  /** The generated password, only on the run that created the admin. */
  newAdminPassword: string | undefined;
  agentToken: string;
}

async function isTokenLive(ctx: MasterContext, token: string | undefined): Promise<boolean> {
  if (token === undefined) return false;
  const record = await findTokenByHash(ctx.db, hashSecret(token));
  return (
    record !== undefined && !record.revoked && (record.expires === null || record.expires > ctx.clock.now())
  );
}

function generatePassword(): string {
  // 18 random bytes: 24 URL-safe characters, easy to copy, far beyond guessing.
  return randomBytes(18).toString('base64url');
}

export async function prepareFarmAccounts(ctx: MasterContext, layout: FarmLayout): Promise<FarmAccounts> {
  let newAdminPassword: string | undefined;
  if (await setupRequired(ctx)) {
    newAdminPassword = generatePassword();
    await ensureAdmin(ctx, { username: ADMIN_USERNAME, password: newAdminPassword });
    writeSecretFile(layout.adminPassword, `${newAdminPassword}\n`);
  }

  if (
    !(await isTokenLive(ctx, readSecretFile(layout.adminToken))) &&
    (await findUser(ctx.db, ADMIN_USERNAME))
  ) {
    const issued = await createApiToken(ctx, {
      username: ADMIN_USERNAME,
      name: 'drover up: admin token',
      kind: 'api',
    });
    writeSecretFile(layout.adminToken, `${issued.token}\n`);
  }

  let agentToken = readSecretFile(layout.agentToken);
  if (!(await isTokenLive(ctx, agentToken))) {
    if (!(await findUser(ctx.db, AGENTS_USERNAME))) {
      await createAccountWithPassword(ctx, { username: AGENTS_USERNAME, roles: ['agent'] });
    }
    const issued = await createApiToken(ctx, {
      username: AGENTS_USERNAME,
      name: 'drover up: local agents',
      kind: 'agent',
    });
    agentToken = issued.token;
    writeSecretFile(layout.agentToken, `${agentToken}\n`);
  }
  return { adminUsername: ADMIN_USERNAME, newAdminPassword, agentToken: agentToken! };
}

export type CliLoginOutcome = 'kept' | 'created' | 'replaced';

/**
 * Logs the local user's CLI in to this master as the admin, unless it already holds a live token for it.
 * 'replaced' means the credentials file named another master (or a dead token) before.
 */
export async function loginLocalCli(
  ctx: MasterContext,
  env: NodeJS.ProcessEnv,
  masterUrl: string,
): Promise<{ outcome: CliLoginOutcome; previousMaster: string | undefined; path: string }> {
  let stored;
  try {
    stored = readCredentials(env);
  } catch {
    stored = undefined;
  }
  const master = normaliseMasterUrl(masterUrl);
  if (stored && normaliseMasterUrl(stored.master) === master && (await isTokenLive(ctx, stored.token))) {
    return { outcome: 'kept', previousMaster: stored.master, path: credentialsPath(env) };
  }
  const issued = await createApiToken(ctx, {
    username: ADMIN_USERNAME,
    name: `drover CLI (${ADMIN_USERNAME}@${hostname()})`,
    kind: 'api',
  });
  const path = writeCredentials(env, {
    master,
    username: ADMIN_USERNAME,
    token: issued.token,
    kind: 'api',
    token_id: issued.record.id,
  });
  return { outcome: stored ? 'replaced' : 'created', previousMaster: stored?.master, path };
}
