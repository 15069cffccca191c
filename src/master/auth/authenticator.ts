/**
 * Resolves the caller of a request from a bearer token (`Authorization: Bearer drv_…`) or the browser
 * session cookie. Lookups are cached for a few seconds, because the agents' task reports arrive thousands
 * of times a second and each would otherwise cost a query; revoking a token or changing a user clears the
 * cache of this process, and other master replicas see the change within the cache lifetime.
 *
 * A session cookie authorises state-changing requests only from the master's own pages: a request whose
 * Origin names another site is refused (SameSite=Strict already stops browsers from sending the cookie).
 */
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import { ForbiddenError, UnauthenticatedError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import type { Database } from '../../db/database.js';
import { findTokenByHash, touchToken } from '../../db/users/token.repository.js';
import { findUser, isUserActive, listUserRoles } from '../../db/users/user.repository.js';
import { ROLES, type Principal, type Role } from '../http/access.js';
import { readCookie, SESSION_COOKIE } from './session-cookie.js';
import { hashSecret } from './token-secret.js';

const CACHE_TTL_MS = 5_000;
const CACHE_MAX = 10_000;
/** last_used is written at most this often per token. */
const TOUCH_INTERVAL_MS = 60_000;

interface CacheEntry {
  principal: Principal;
  until: number;
}

export class Authenticator {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly touched = new Map<number, number>();

  constructor(
    private readonly db: Kysely<Database>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** For `buildHttpApp`: undefined when the request carries no credentials at all. */
  readonly authenticate = async (request: FastifyRequest): Promise<Principal | undefined> => {
    const header = request.headers.authorization;
    if (header !== undefined) {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!match?.[1]) throw new UnauthenticatedError('the Authorization header must be "Bearer <token>"');
      return this.resolve(match[1], 'token');
    }
    const session = readCookie(request.headers.cookie, SESSION_COOKIE);
    if (session === undefined) return undefined;
    if (isStateChanging(request.method) && !isSameOrigin(request)) {
      throw new ForbiddenError('cross-site request refused');
    }
    return this.resolve(session, 'session');
  };

  /** Drops cached lookups, e.g. after a token is revoked or a user changed. */
  forget(): void {
    this.cache.clear();
  }

  private async resolve(secret: string, via: Principal['via']): Promise<Principal> {
    const hash = hashSecret(secret);
    const now = this.clock.now();
    const cached = this.cache.get(hash);
    if (cached && cached.until > now) return cached.principal;

    const token = await findTokenByHash(this.db, hash);
    const expired = token?.expires != null && token.expires <= now;
    const wrongKind = token !== undefined && (via === 'session') !== (token.kind === 'session');
    if (!token || token.revoked || expired || wrongKind) {
      throw new UnauthenticatedError(
        via === 'session'
          ? 'the session has ended; log in again'
          : 'the token is invalid, revoked or expired',
      );
    }
    const user = await findUser(this.db, token.userId);
    const roles = user ? await listUserRoles(this.db, user.id) : [];
    if (!user || !isUserActive(user, roles, now))
      throw new UnauthenticatedError('the user is disabled or expired');

    const principal: Principal = {
      userId: user.id,
      username: user.username,
      roles: new Set(
        roles.map((r) => r.name).filter((name): name is Role => (ROLES as readonly string[]).includes(name)),
      ),
      tokenId: via === 'token' ? token.id : null,
      via,
    };
    if (this.cache.size >= CACHE_MAX) this.cache.clear();
    this.cache.set(hash, { principal, until: Math.min(now + CACHE_TTL_MS, token.expires ?? Infinity) });
    this.touch(token.id, now);
    return principal;
  }

  private touch(tokenId: number, now: number): void {
    const last = this.touched.get(tokenId) ?? 0;
    if (now - last < TOUCH_INTERVAL_MS) return;
    this.touched.set(tokenId, now);
    touchToken(this.db, tokenId, now).catch((err: unknown) =>
      this.log.warn({ err, tokenId }, 'token touch failed'),
    );
  }
}

function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

function isSameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) {
    const site = request.headers['sec-fetch-site'];
    return site === undefined || site === 'same-origin' || site === 'none';
  }
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}
