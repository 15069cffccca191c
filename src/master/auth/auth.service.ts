/**
 * Accounts and credentials: the first admin, logins (browser sessions), API and agent tokens, users.
 * Passwords are hashed here (scrypt); tokens are stored as SHA-256 digests and shown once.
 */
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
} from '../../core/errors.js';
import { durationMs } from '../../core/config/index.js';
import { transaction } from '../../db/transaction.js';
import { createToken, type ApiToken, type TokenKind } from '../../db/users/token.repository.js';
import {
  createUser,
  findUser,
  isUserActive,
  listUserRoles,
  setUserRoles,
  updateUser,
  type User,
} from '../../db/users/user.repository.js';
import type { MasterContext } from '../context.js';
import { hashPassword, verifyPassword } from './password.js';
import { issueSecret } from './token-secret.js';

export interface UserWithRoles {
  user: User;
  roles: string[];
}

export interface IssuedToken {
  token: string;
  record: ApiToken;
  username: string;
}

/** True while no active admin exists: the farm still needs its first-run setup. */
export async function setupRequired(ctx: MasterContext): Promise<boolean> {
  const admin = await ctx.db
    .selectFrom('users')
    .innerJoin('user_roles', 'user_roles.user_id', 'users.id')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .select('users.id')
    .where('roles.name', '=', 'admin')
    .where('users.active', '=', true)
    .executeTakeFirst();
  return admin === undefined;
}

/** Creates the first admin; refused once an admin exists (then admins create users). */
export async function createFirstAdmin(
  ctx: MasterContext,
  input: { username: string; password: string; email?: string | null },
): Promise<UserWithRoles> {
  const passwordHash = await hashPassword(input.password);
  return transaction(ctx.db, async (trx) => {
    if (!(await setupRequired({ ...ctx, db: trx })))
      throw new ForbiddenError('setup is already done: an admin exists');
    return createAccount(trx, { ...input, passwordHash, roles: ['admin'] });
  });
}

/**
 * Creates an admin from the command line (`drover master --create-admin`), whether or not admins exist.
 * An existing user of that name gets the admin role and the new password.
 */
export async function ensureAdmin(
  ctx: MasterContext,
  input: { username: string; password: string },
): Promise<UserWithRoles> {
  const passwordHash = await hashPassword(input.password);
  return transaction(ctx.db, async (trx) => {
    const existing = await findUser(trx, input.username);
    if (!existing) return createAccount(trx, { username: input.username, passwordHash, roles: ['admin'] });
    const roles = new Set((await listUserRoles(trx, existing.id)).map((r) => r.name));
    roles.add('admin');
    const user = await updateUser(trx, existing.id, { passwordHash, active: true });
    return { user, roles: (await setUserRoles(trx, existing.id, [...roles])).map((r) => r.name) };
  });
}

async function createAccount(
  db: MasterContext['db'],
  input: {
    username: string;
    passwordHash: string | null;
    email?: string | null;
    roles: string[];
    active?: boolean;
  },
): Promise<UserWithRoles> {
  if (await findUser(db, input.username))
    throw new ConflictError(`user ${JSON.stringify(input.username)} exists`);
  const user = await createUser(db, {
    username: input.username,
    passwordHash: input.passwordHash,
    email: input.email ?? null,
    active: input.active ?? true,
    roles: input.roles,
  });
  return { user, roles: input.roles };
}

/** Checks a username and password and opens a browser session (a token of kind "session"). */
export async function login(
  ctx: MasterContext,
  username: string,
  password: string,
): Promise<{ session: IssuedToken; account: UserWithRoles; maxAgeSeconds: number }> {
  const user = await findUser(ctx.db, username);
  const ok = await verifyPassword(password, user?.passwordHash ?? null);
  const now = ctx.clock.now();
  const roles = user ? await listUserRoles(ctx.db, user.id) : [];
  if (!user || !ok || !isUserActive(user, roles, now))
    throw new UnauthenticatedError('wrong username or password');
  const lifetime = durationMs(ctx.config.cookie_duration);
  const session = await issueToken(ctx, {
    userId: user.id,
    username: user.username,
    name: 'browser session',
    kind: 'session',
    expires: now + lifetime,
  });
  const updated = await updateUser(ctx.db, user.id, { lastLogin: now });
  return {
    session,
    account: { user: updated, roles: roles.map((r) => r.name) },
    maxAgeSeconds: lifetime / 1000,
  };
}

export async function issueToken(
  ctx: MasterContext,
  input: { userId: number; username: string; name: string; kind: TokenKind; expires?: number | null },
): Promise<IssuedToken> {
  const secret = issueSecret();
  const record = await createToken(
    ctx.db,
    {
      userId: input.userId,
      name: input.name,
      kind: input.kind,
      tokenHash: secret.hash,
      prefix: secret.prefix,
      expires: input.expires ?? null,
    },
    { now: ctx.clock.now() },
  );
  return { token: secret.token, record, username: input.username };
}

/** An API or agent token for `username`; agent tokens need a user holding the agent role. */
export async function createApiToken(
  ctx: MasterContext,
  input: { username: string; name: string; kind: 'api' | 'agent'; expiresInSeconds?: number },
): Promise<IssuedToken> {
  const user = await findUser(ctx.db, input.username);
  if (!user) throw new NotFoundError('user', input.username);
  if (input.kind === 'agent') {
    const roles = await listUserRoles(ctx.db, user.id);
    if (!roles.some((r) => r.name === 'agent')) {
      throw new ValidationError(
        `kind: agent tokens need a user with the agent role; ${user.username} has none`,
        {
          field: 'kind',
        },
      );
    }
  }
  const expires =
    input.expiresInSeconds === undefined ? null : ctx.clock.now() + input.expiresInSeconds * 1000;
  return issueToken(ctx, {
    userId: user.id,
    username: user.username,
    name: input.name,
    kind: input.kind,
    expires,
  });
}

export async function createAccountWithPassword(
  ctx: MasterContext,
  input: { username: string; password?: string; email?: string | null; active?: boolean; roles?: string[] },
): Promise<UserWithRoles> {
  const passwordHash = input.password === undefined ? null : await hashPassword(input.password);
  return transaction(ctx.db, (trx) =>
    createAccount(trx, {
      username: input.username,
      passwordHash,
      email: input.email ?? null,
      active: input.active ?? true,
      roles: input.roles ?? [],
    }),
  );
}

export async function changeAccount(
  ctx: MasterContext,
  key: number | string,
  patch: { password?: string; email?: string | null; active?: boolean; roles?: string[] },
): Promise<UserWithRoles> {
  const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password);
  return transaction(ctx.db, async (trx) => {
    const existing = await findUser(trx, key);
    if (!existing) throw new NotFoundError('user', key);
    const user = await updateUser(trx, existing.id, {
      ...(passwordHash !== undefined ? { passwordHash } : {}),
      ...(patch.email !== undefined ? { email: patch.email } : {}),
      ...(patch.active !== undefined ? { active: patch.active } : {}),
    });
    const roles =
      patch.roles === undefined
        ? await listUserRoles(trx, user.id)
        : await setUserRoles(trx, user.id, patch.roles);
    return { user, roles: roles.map((r) => r.name) };
  });
}
