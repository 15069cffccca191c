/**
 * Where each Drover agent can be reached, by node (host) name, for the `agent` transport. The master
 * knows the farm (`GET /api/v1/agents/`); its records give the agent API address the way the master
 * itself builds it (`http://{host}:{port}/api/v1`, host = remote_ip or hostname per `use_address`;
 * passive agents are never contacted). The same listing feeds the farm groups (`@tag:gpu`,
 * `@state:online`, `@all`).
 */
import type { FarmAgent } from '../../nodeset/index.js';
import { ExecError } from '../errors.js';

export interface AgentEndpoint {
  /** Base of the agent's API, e.g. `http://10.0.0.7:50000/api/v1`. */
  url: string;
}

export interface AgentDirectory {
  /** The endpoint of the agent named `node`, or undefined when the farm has no such agent. */
  find(node: string): Promise<AgentEndpoint | undefined>;
}

/** An agent as the master lists it (the fields used here). */
export interface AgentRecord {
  hostname: string;
  port: number;
  remote_ip?: string | null;
  use_address?: string;
  state?: string;
  tags?: readonly string[];
}

/** The agent API base of a record; undefined for agents that cannot be contacted (passive, local). */
export function agentApiUrl(
  agent: AgentRecord,
  template = 'http://{host}:{port}/api/v1',
): string | undefined {
  const use = agent.use_address ?? 'remote';
  let host: string | undefined;
  if (use === 'remote') host = agent.remote_ip ?? undefined;
  else if (use === 'hostname') host = agent.hostname;
  if (!host) return undefined;
  return template.replace('{host}', host).replace('{port}', String(agent.port));
}

/** A fixed node → URL map (tests; gateways, which receive the map with the request). */
export function staticAgentDirectory(urls: Readonly<Record<string, string>>): AgentDirectory {
  return { find: async (node) => (Object.hasOwn(urls, node) ? { url: urls[node]! } : undefined) };
}

export interface MasterDirectoryOptions {
  /** The master's base URL, e.g. `http://farm:5000` (the API is under `/api/v1`). */
  master: string;
  /** An API token of a user allowed to list agents. */
  token?: string;
  urlTemplate?: string;
  /** Listing reuse, in ms (default 5 s): one command line sees one farm. */
  cacheTtlMs?: number;
}

/** The master could not be asked for its agents (unreachable, refused); `status` when it answered. */
export class MasterAgentDirectoryError extends ExecError {
  readonly code = 'master_directory';

  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The agents the master knows, fetched page by page, shared by the transport and the farm groups. */
export class MasterAgentDirectory implements AgentDirectory {
  private cached:
    { at: number; agents: Promise<AgentRecord[]>; index?: Map<string, AgentRecord> } | undefined;

  constructor(private readonly options: MasterDirectoryOptions) {}

  private async fetchAll(): Promise<AgentRecord[]> {
    const base = this.options.master.replace(/\/+$/, '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    const agents: AgentRecord[] = [];
    for (let page = 1; ; page++) {
      let response: Response;
      try {
        response = await fetch(`${base}/api/v1/agents/?page=${page}&per_page=1000`, { headers });
      } catch (error) {
        throw new MasterAgentDirectoryError(
          undefined,
          `cannot reach the master at ${base}: ${(error as Error).message}`,
        );
      }
      if (!response.ok) {
        const body = await response.text();
        let detail = body.slice(0, 200);
        try {
          detail = (JSON.parse(body) as { error?: string }).error ?? detail;
        } catch {
          // not JSON: keep the text
        }
        throw new MasterAgentDirectoryError(
          response.status,
          `the master refused to list agents (${response.status}): ${detail}`,
        );
      }
      const body = (await response.json()) as { agents?: AgentRecord[]; total?: number } | AgentRecord[];
      const list = Array.isArray(body) ? body : (body.agents ?? []);
      agents.push(...list);
      if (Array.isArray(body) || list.length === 0 || agents.length >= (body.total ?? 0)) return agents;
    }
  }

  /** Every agent (one listing per `cacheTtlMs`). */
  agents(): Promise<AgentRecord[]> {
    const ttl = this.options.cacheTtlMs ?? 5000;
    if (!this.cached || Date.now() - this.cached.at >= ttl) {
      const agents = this.fetchAll();
      this.cached = { at: Date.now(), agents };
      agents.catch(() => (this.cached = undefined));
    }
    return this.cached.agents;
  }

  /** The farm as the farm group resolver wants it. */
  async farmAgents(): Promise<FarmAgent[]> {
    return (await this.agents()).map((a) => ({
      hostname: a.hostname,
      state: a.state ?? 'online',
      tags: a.tags ?? [],
    }));
  }

  async find(node: string): Promise<AgentEndpoint | undefined> {
    const agents = await this.agents();
    const cached = this.cached;
    let index = cached?.index;
    if (!index) {
      index = new Map(agents.map((a) => [a.hostname, a]));
      if (cached) cached.index = index;
    }
    const agent = index.get(node);
    const url = agent && agentApiUrl(agent, this.options.urlTemplate);
    return url ? { url } : undefined;
  }
}
