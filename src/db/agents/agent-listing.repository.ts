/**
 * The agent list of the web UI and the CLI: the seed's filters plus states, tags (any), versions and a
 * host name substring, sorted by a whitelisted column and paged. Nullable sort columns put NULLs last in
 * both directions on every dialect, and the id breaks ties, so pages are stable.
 */
import { sql, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { AgentStateValue } from '../../core/enums.js';
import type { Database } from '../database.js';
import { listAgents, type Agent, type AgentFilter } from './agent.repository.js';

export interface AgentListFilter extends AgentFilter {
  /** Case-insensitive substring of the host name. */
  hostnameContains?: string;
  /** Agents carrying any of these tags (by name). */
  tags?: readonly string[];
  versions?: readonly string[];
}

export type AgentSortColumn =
  'hostname' | 'remote_ip' | 'state' | 'version' | 'last_heard_from' | 'cpus' | 'ram' | 'last_success_on';

export interface AgentListOrder {
  column: AgentSortColumn;
  direction: 'asc' | 'desc';
}

export interface AgentPageRequest {
  /** 1-based. */
  page: number;
  perPage: number;
}

const NULLABLE_COLUMNS: ReadonlySet<AgentSortColumn> = new Set([
  'remote_ip',
  'version',
  'last_heard_from',
  'last_success_on',
]);

/** One page of the agents matching `filter`, and how many match in all. */
export async function listAgentPage(
  db: Kysely<Database>,
  filter: AgentListFilter,
  order: AgentListOrder,
  paging: AgentPageRequest,
): Promise<{ agents: Agent[]; total: number }> {
  const matching = applyFilter(db.selectFrom('agents'), filter);
  if (!matching) return { agents: [], total: 0 };
  const { total } = await matching.select((eb) => eb.fn.countAll().as('total')).executeTakeFirstOrThrow();
  let ids = matching.select('agents.id');
  if (NULLABLE_COLUMNS.has(order.column)) {
    ids = ids.orderBy(sql`case when ${sql.ref(`agents.${order.column}`)} is null then 1 else 0 end`);
  }
  const page = await ids
    .orderBy(`agents.${order.column}`, order.direction)
    .orderBy('agents.id')
    .limit(paging.perPage)
    .offset((paging.page - 1) * paging.perPage)
    .execute();
  const rank = new Map(page.map((row, i) => [row.id, i]));
  const agents = await listAgents(db, { ids: page.map((row) => row.id) });
  agents.sort((a, b) => rank.get(a.id)! - rank.get(b.id)!);
  return { agents, total: Number(total) };
}

export interface AgentAddress {
  readonly id: string;
  readonly hostname: string;
  readonly port: number;
  readonly remoteIp: string | null;
}

/** Where the matching agents are, by host name then port, unpaged (the seed's index). */
export async function listAgentAddresses(
  db: Kysely<Database>,
  filter: AgentListFilter,
): Promise<AgentAddress[]> {
  const matching = applyFilter(db.selectFrom('agents'), filter);
  if (!matching) return [];
  const rows = await matching
    .select(['agents.id', 'agents.hostname', 'agents.port', 'agents.remote_ip'])
    .orderBy('agents.hostname')
    .orderBy('agents.port')
    .orderBy('agents.id')
    .execute();
  return rows.map((row) => ({ id: row.id, hostname: row.hostname, port: row.port, remoteIp: row.remote_ip }));
}

type AgentQuery = SelectQueryBuilder<Database, 'agents', object>;

/** undefined when the filter cannot match anything (an empty list of allowed values). */
function applyFilter(query: AgentQuery, filter: AgentListFilter): AgentQuery | undefined {
  let q = query;
  if (filter.minRam !== undefined) q = q.where('agents.ram', '>=', filter.minRam);
  if (filter.maxRam !== undefined) q = q.where('agents.ram', '<=', filter.maxRam);
  if (filter.minCpus !== undefined) q = q.where('agents.cpus', '>=', filter.minCpus);
  if (filter.maxCpus !== undefined) q = q.where('agents.cpus', '<=', filter.maxCpus);
  if (filter.hostname !== undefined) q = q.where('agents.hostname', '=', filter.hostname);
  if (filter.remoteIp !== undefined) q = q.where('agents.remote_ip', '=', filter.remoteIp);
  if (filter.port !== undefined) q = q.where('agents.port', '=', filter.port);
  if (filter.states !== undefined) {
    if (filter.states.length === 0) return undefined;
    q = q.where('agents.state', 'in', filter.states as AgentStateValue[]);
  }
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return undefined;
    q = q.where(
      'agents.id',
      'in',
      filter.ids.map((id) => id.toLowerCase()),
    );
  }
  if (filter.versions !== undefined) {
    if (filter.versions.length === 0) return undefined;
    q = q.where('agents.version', 'in', filter.versions);
  }
  if (filter.hostnameContains !== undefined && filter.hostnameContains !== '') {
    const pattern = `%${filter.hostnameContains.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
    q = q.where(sql<boolean>`lower(${sql.ref('agents.hostname')}) like ${pattern} escape '!'`);
  }
  if (filter.tags !== undefined) {
    const tags = filter.tags;
    if (tags.length === 0) return undefined;
    q = q.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('agent_tag_associations')
          .innerJoin('tags', 'tags.id', 'agent_tag_associations.tag_id')
          .select('agent_tag_associations.tag_id')
          .whereRef('agent_tag_associations.agent_id', '=', 'agents.id')
          .where('tags.tag', 'in', tags),
      ),
    );
  }
  return q;
}
