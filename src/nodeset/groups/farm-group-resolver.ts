/**
 * Node groups taken from the farm itself: the render agents, by tag and by state. Three sources:
 *   farm (default)  `@all` and `@*`: every agent
 *   tag             `@tag:gpu`: agents with that tag; `@tag:*`: every agent
 *   state           `@state:online`: agents in that state
 * Agent host names are the node names. The agent list comes from `listAgents` (the master's REST API,
 * wired by the caller); one answer is shared by all lookups for `cacheTtlMs` (default 5 s) so a command
 * line naming several groups sees one consistent farm.
 */
import type { GroupAnswer, GroupSource } from './group-source.js';
import { GroupResolver } from './group-resolver.js';

export interface FarmAgent {
  hostname: string;
  /** An AgentState name: online, offline, running, disabled. */
  state: string;
  tags: readonly string[];
}

export interface FarmGroupsOptions {
  listAgents: () => readonly FarmAgent[] | Promise<readonly FarmAgent[]>;
  cacheTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export function createFarmGroupResolver(options: FarmGroupsOptions): GroupResolver {
  const ttl = options.cacheTtlMs ?? 5000;
  const now = options.now ?? Date.now;
  let snapshot: { at: number; agents: Promise<readonly FarmAgent[]> } | undefined;
  const agents = (): Promise<readonly FarmAgent[]> => {
    if (!snapshot || now() - snapshot.at >= ttl) {
      snapshot = { at: now(), agents: Promise.resolve(options.listAgents()) };
      // A failed listing must not be reused.
      snapshot.agents.catch(() => (snapshot = undefined));
    }
    return snapshot.agents;
  };
  const hosts = (keep: (agent: FarmAgent) => boolean) => async (): Promise<GroupAnswer> =>
    (await agents()).filter(keep).map((a) => a.hostname);
  const allHosts = hosts(() => true);
  const byHost = async (node: string): Promise<FarmAgent[]> =>
    (await agents()).filter((a) => a.hostname === node);
  const distinct = (values: Iterable<string>): string[] => [...new Set(values)].sort();

  const farm: GroupSource = {
    name: 'farm',
    cacheTtlMs: ttl,
    map: (group) => (group === 'all' ? allHosts() : ''),
    list: () => ['all'],
    all: allHosts,
  };
  const tag: GroupSource = {
    name: 'tag',
    cacheTtlMs: ttl,
    map: (group) => hosts((a) => a.tags.includes(group))(),
    list: async () => distinct((await agents()).flatMap((a) => a.tags)),
    all: allHosts,
    reverse: async (node) => distinct((await byHost(node)).flatMap((a) => a.tags)),
  };
  const state: GroupSource = {
    name: 'state',
    cacheTtlMs: ttl,
    map: (group) => hosts((a) => a.state === group)(),
    list: async () => distinct((await agents()).map((a) => a.state)),
    all: allHosts,
    reverse: async (node) => distinct((await byHost(node)).map((a) => a.state)),
  };
  return new GroupResolver([farm, tag, state], { defaultSource: 'farm', cacheTtlMs: ttl, now });
}
