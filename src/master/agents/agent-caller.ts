/**
 * Who is speaking about an agent, and whether they may. An agent token speaks only for the agents it
 * registered (`agents.token_id`): a render node cannot impersonate another one, re-announce for it, or
 * change its secret. Wranglers manage agents (state, notes, tags, restarts); admins may do everything.
 *
 * An agent token may take over a record registered by another agent token only when that token can no
 * longer be used (revoked, expired or deleted): that is how a node whose token was rotated gets its record
 * back. A record created by a wrangler or admin (no token) stays theirs.
 */
import type { Kysely } from 'kysely';
import { ForbiddenError } from '../../core/errors.js';
import type { Agent } from '../../db/agents/agent.repository.js';
import type { Database, Millis } from '../../db/database.js';
import { findToken } from '../../db/users/token.repository.js';
import type { Principal } from '../http/access.js';

export type AgentCaller = { kind: 'agent'; tokenId: number } | { kind: 'wrangler' } | { kind: 'admin' };

export function agentCallerOf(principal: Principal | undefined): AgentCaller {
  if (principal?.roles.has('admin')) return { kind: 'admin' };
  if (principal?.roles.has('wrangler')) return { kind: 'wrangler' };
  if (principal?.roles.has('agent')) {
    if (principal.tokenId === null) throw new ForbiddenError('agents speak with an agent token');
    return { kind: 'agent', tokenId: principal.tokenId };
  }
  throw new ForbiddenError('only agents, wranglers and admins change agents');
}

/**
 * Checks that an agent caller may speak for `agent`. Returns the token the record should carry from now on
 * (the caller's, also after a takeover), or undefined to leave it unchanged.
 */
export async function authorizeAgentCaller(
  db: Kysely<Database>,
  caller: AgentCaller,
  agent: Agent,
  now: Millis,
): Promise<number | undefined> {
  if (caller.kind !== 'agent') return undefined;
  if (agent.tokenId === caller.tokenId) return undefined;
  if (agent.tokenId === null) {
    throw new ForbiddenError(
      `agent ${agent.id} was registered by a wrangler or admin; only they may change it`,
    );
  }
  const previous = await findToken(db, agent.tokenId);
  const usable = previous && !previous.revoked && (previous.expires === null || previous.expires > now);
  if (usable) throw new ForbiddenError(`agent ${agent.id} is registered by another agent token`);
  return caller.tokenId;
}

/** Rejects `field` unless the caller may set it. */
export function assertMaySet(
  caller: AgentCaller,
  field: string,
  allowed: readonly AgentCaller['kind'][],
): void {
  if (caller.kind === 'admin' || allowed.includes(caller.kind)) return;
  const who = caller.kind === 'agent' ? 'an agent' : 'a wrangler';
  throw new ForbiddenError(`${field}: ${who} may not set this field`);
}
