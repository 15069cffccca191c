/**
 * Setup, login/logout, the caller's identity, users and tokens. Setup and login are public; everything
 * else needs credentials. PyFarm's root paths /setup/, /login/ and /logout/ answer too.
 */
import Type from 'typebox';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import { findToken, listTokens, revokeToken, type ApiToken } from '../../db/users/token.repository.js';
import { deleteUser, findUser, listUserRoles, listUsers } from '../../db/users/user.repository.js';
import {
  CreateTokenBody,
  CreatedToken,
  CreateUserBody,
  LoginBody,
  MeView,
  SetupBody,
  SetupStatus,
  TokenView,
  UpdateUserBody,
  UserView,
} from '../../api/schemas/auth.js';
import { errors, IdOrName, isoTime } from '../../api/schemas/common.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { acceptFormBodies } from '../http/form-body.js';
import { idOrName } from '../http/id-or-name.js';
import type { Authenticator } from './authenticator.js';
import {
  changeAccount,
  createAccountWithPassword,
  createApiToken,
  createFirstAdmin,
  login,
  setupRequired,
  type UserWithRoles,
} from './auth.service.js';
import { clearedSessionCookie, readCookie, SESSION_COOKIE, sessionCookie } from './session-cookie.js';
import { hashSecret } from './token-secret.js';
import { findTokenByHash } from '../../db/users/token.repository.js';

const tags = ['auth'];

export function userView({ user, roles }: UserWithRoles): UserView {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    active: user.active,
    expiration: isoTime(user.expiration),
    last_login: isoTime(user.lastLogin),
    roles,
  };
}

function tokenView(token: ApiToken, username: string) {
  return {
    id: token.id,
    name: token.name,
    kind: token.kind,
    user: username,
    prefix: token.prefix,
    created_on: isoTime(token.createdOn),
    last_used: isoTime(token.lastUsed),
    expires: isoTime(token.expires),
    revoked: token.revoked,
  };
}

/** Routes under /api/v1. */
export function authRoutes(ctx: MasterContext, authenticator: Authenticator) {
  return async (app: MasterApp) => {
    await app.register(async (scope) => {
      acceptFormBodies(scope);
      registerSessionRoutes(scope as unknown as MasterApp, ctx, authenticator);
    });

    app.get(
      '/me',
      { schema: { tags, summary: 'The caller', response: { 200: MeView, ...errors } } },
      async (req) => {
        const p = req.principal;
        if (!p) throw new ForbiddenError('public reads have no caller');
        return { id: p.userId, username: p.username, roles: [...p.roles], via: p.via };
      },
    );

    // --- users (admins manage them; anyone authenticated may read the list, e.g. to notify a colleague)
    app.get(
      '/users/',
      { schema: { tags, summary: 'List users', response: { 200: Type.Array(UserView), ...errors } } },
      async () => {
        const users = await listUsers(ctx.db);
        return Promise.all(
          users.map(async (user) =>
            userView({ user, roles: (await listUserRoles(ctx.db, user.id)).map((r) => r.name) }),
          ),
        );
      },
    );
    app.post(
      '/users/',
      {
        config: { access: { roles: ['admin'] } },
        schema: {
          tags,
          summary: 'Create a user',
          body: CreateUserBody,
          response: { 201: UserView, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(userView(await createAccountWithPassword(ctx, req.body))),
    );
    app.get(
      '/users/:user',
      {
        schema: {
          tags,
          summary: 'One user',
          params: Type.Object({ user: IdOrName }),
          response: { 200: UserView, ...errors },
        },
      },
      async (req) => {
        const user = await findUser(ctx.db, idOrName(req.params.user));
        if (!user) throw new NotFoundError('user', req.params.user);
        return userView({ user, roles: (await listUserRoles(ctx.db, user.id)).map((r) => r.name) });
      },
    );
    app.post(
      '/users/:user',
      {
        // Admins change anyone; every user may change their own password and email.
        config: { access: { roles: ['wrangler', 'artist', 'agent'] } },
        schema: {
          tags,
          summary: 'Change a user',
          params: Type.Object({ user: IdOrName }),
          body: UpdateUserBody,
          response: { 200: UserView, ...errors },
        },
      },
      async (req) => {
        const principal = req.principal!;
        const key = idOrName(req.params.user);
        const self = key === principal.userId || key === principal.username;
        const admin = principal.roles.has('admin');
        if (!admin && (!self || req.body.roles !== undefined || req.body.active !== undefined)) {
          throw new ForbiddenError('only admins change other users, roles and the active flag');
        }
        const changed = await changeAccount(ctx, key, req.body);
        authenticator.forget();
        return userView(changed);
      },
    );
    app.delete(
      '/users/:user',
      {
        config: { access: { roles: ['admin'] } },
        schema: {
          tags,
          summary: 'Delete a user',
          params: Type.Object({ user: IdOrName }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        const user = await findUser(ctx.db, idOrName(req.params.user));
        if (user) await deleteUser(ctx.db, user.id);
        authenticator.forget();
        return reply.status(204).send(null);
      },
    );

    // --- tokens
    app.get(
      '/tokens/',
      {
        schema: {
          tags,
          summary: 'List tokens (admins: all; others: their own)',
          response: { 200: Type.Array(TokenView), ...errors },
        },
      },
      async (req) => {
        const principal = req.principal;
        if (!principal) throw new ForbiddenError('tokens are listed for their owners only');
        const all = principal.roles.has('admin');
        const tokens = (await listTokens(ctx.db, all ? {} : { userId: principal.userId })).filter(
          (t) => t.kind !== 'session',
        );
        const names = new Map<number, string>();
        for (const t of tokens) {
          if (!names.has(t.userId)) names.set(t.userId, (await findUser(ctx.db, t.userId))?.username ?? '?');
        }
        return tokens.map((t) => tokenView(t, names.get(t.userId)!));
      },
    );
    app.post(
      '/tokens/',
      {
        config: { access: { roles: ['admin'] } },
        schema: {
          tags,
          summary: 'Create an API or agent token (the token is shown once)',
          body: CreateTokenBody,
          response: { 201: CreatedToken, ...errors },
        },
      },
      async (req, reply) => {
        const issued = await createApiToken(ctx, {
          username: req.body.user ?? req.principal!.username,
          name: req.body.name,
          kind: req.body.kind ?? 'api',
          ...(req.body.expires_in !== undefined ? { expiresInSeconds: req.body.expires_in } : {}),
        });
        return reply.status(201).send({ ...tokenView(issued.record, issued.username), token: issued.token });
      },
    );
    app.delete(
      '/tokens/:id',
      {
        config: { access: { roles: ['wrangler', 'artist', 'agent'] } },
        schema: {
          tags,
          summary: 'Revoke a token (admins: any; others: their own)',
          params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        const token = await findToken(ctx.db, req.params.id);
        if (!token) throw new NotFoundError('token', req.params.id);
        const principal = req.principal!;
        if (!principal.roles.has('admin') && token.userId !== principal.userId) {
          throw new ForbiddenError('you may revoke only your own tokens');
        }
        await revokeToken(ctx.db, token.id);
        authenticator.forget();
        return reply.status(204).send(null);
      },
    );
  };
}

function registerSessionRoutes(app: MasterApp, ctx: MasterContext, authenticator: Authenticator): void {
  const secure = ctx.config.base_url.startsWith('https:');
  app.get(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Whether the first admin still has to be created',
        response: { 200: SetupStatus },
      },
    },
    async () => ({ setup_required: await setupRequired(ctx) }),
  );
  app.post(
    '/setup',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Create the first admin (only while none exists)',
        body: SetupBody,
        response: { 201: UserView, ...errors },
      },
    },
    async (req, reply) => reply.status(201).send(userView(await createFirstAdmin(ctx, req.body))),
  );
  app.post(
    '/login',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Open a browser session (sets the session cookie)',
        body: LoginBody,
        response: { 200: UserView, ...errors },
      },
    },
    async (req, reply) => {
      const { session, account, maxAgeSeconds } = await login(ctx, req.body.username, req.body.password);
      reply.header('set-cookie', sessionCookie(session.token, maxAgeSeconds, secure));
      return userView(account);
    },
  );
  app.post(
    '/logout',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'End the browser session', response: { 204: Type.Null() } },
    },
    async (req, reply) => {
      const secret = readCookie(req.headers.cookie, SESSION_COOKIE);
      if (secret !== undefined) {
        const token = await findTokenByHash(ctx.db, hashSecret(secret));
        if (token?.kind === 'session') await revokeToken(ctx.db, token.id);
        authenticator.forget();
      }
      reply.header('set-cookie', clearedSessionCookie());
      return reply.status(204).send(null);
    },
  );
}

/** PyFarm's root-level /setup/, /login/ and /logout/ (same handlers as under /api/v1). */
export function rootSessionRoutes(ctx: MasterContext, authenticator: Authenticator) {
  return async (app: MasterApp) => {
    await app.register(async (scope) => {
      acceptFormBodies(scope);
      const typed = scope as unknown as MasterApp;
      typed.addHook('onRoute', (route) => {
        route.schema = { ...route.schema, hide: true };
      });
      registerSessionRoutes(typed, ctx, authenticator);
    });
  };
}
