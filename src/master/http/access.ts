/**
 * Who may call a route. Every route declares its access in `config.access`; a mutating route without a
 * declaration is refused at registration time, so nothing can be added that is open by accident.
 *
 * - `public`: anyone (setup, login, health, the OpenAPI document);
 * - `read`: any authenticated caller, or anyone when `public_read` is configured;
 * - `{ roles }`: an authenticated caller holding one of the roles (admins pass every role check).
 * Finer rules (an artist may change only their own jobs, an agent may report only its own tasks) are
 * checked by the handlers, which know the resource.
 */
export const ROLES = ['admin', 'wrangler', 'artist', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export type Access = 'public' | 'read' | { roles: readonly Role[] };

/** The authenticated caller of a request. */
export interface Principal {
  userId: number;
  username: string;
  roles: ReadonlySet<Role>;
  /** The API token used, or null for a browser session. */
  tokenId: number | null;
  via: 'token' | 'session';
}

export function hasRole(principal: Principal | undefined, allowed: readonly Role[]): boolean {
  if (!principal) return false;
  if (principal.roles.has('admin')) return true;
  return allowed.some((role) => principal.roles.has(role));
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    principal: Principal | undefined;
  }
}
