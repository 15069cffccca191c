/**
 * HTTP calls from the master to an agent's own API (spec §4, §5): where the agent listens, the master's
 * credentials and User-Agent, a timeout, keep-alive connections. Answers come back as status + parsed
 * body; a connection failure or timeout is an `AgentUnreachableError`, which the callers retry.
 */
import { Agent as HttpPool, request } from 'undici';
import { UseAgentAddress, type UseAgentAddressValue } from '../../core/enums.js';
import { DroverError } from '../../core/errors.js';

export class AgentUnreachableError extends DroverError {
  readonly code = 'agent_unreachable';
  constructor(
    readonly agentId: string,
    readonly url: string,
    cause: unknown,
  ) {
    super(`agent ${agentId} at ${url} did not answer: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
  }
}

/** What the master needs to know to call an agent. */
export interface AgentAddress {
  readonly id: string;
  readonly hostname: string;
  readonly remoteIp: string | null;
  readonly port: number;
  readonly useAddress: UseAgentAddressValue;
  /** The secret the agent gave at registration; the master presents it as a bearer token. */
  readonly apiSecret: string | null;
}

export interface AgentAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface AgentClientOptions {
  /** `agent_api_url_template`, e.g. `http://{host}:{port}/api/v1`. */
  urlTemplate: string;
  /** `master_user_agent`. */
  userAgent: string;
  /** `agent_request_timeout`. */
  timeoutMs: number;
}

/**
 * The agent's API base URL, or undefined for a passive agent (never contacted: it fetches its work).
 * REMOTE uses the address the agent registered from, HOSTNAME its host name, LOCAL the loopback address
 * (PyFarm refused LOCAL; Drover reads it as "on this machine").
 */
export function agentApiUrl(agent: AgentAddress, template: string): string | undefined {
  let host: string | null;
  switch (agent.useAddress) {
    case UseAgentAddress.values.PASSIVE:
      return undefined;
    case UseAgentAddress.values.HOSTNAME:
      host = agent.hostname;
      break;
    case UseAgentAddress.values.LOCAL:
      host = '127.0.0.1';
      break;
    default:
      host = agent.remoteIp ?? agent.hostname;
  }
  return template.replace('{host}', host).replace('{port}', String(agent.port)).replace(/\/+$/, '');
}

export class AgentClient {
  private readonly pool = new HttpPool({ keepAliveTimeout: 30_000, connections: 8 });

  constructor(private readonly options: AgentClientOptions) {}

  async call(
    agent: AgentAddress,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<AgentAnswer> {
    const base = agentApiUrl(agent, this.options.urlTemplate);
    if (base === undefined)
      throw new AgentUnreachableError(agent.id, '(passive)', new Error('passive agents are never contacted'));
    const url = `${base}${path}`;
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json',
    };
    if (agent.apiSecret) headers.authorization = `Bearer ${agent.apiSecret}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await request(url, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        dispatcher: this.pool,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await response.body.text();
      let parsed: unknown = text;
      if (text !== '') {
        try {
          parsed = JSON.parse(text);
        } catch {
          // Not JSON (an HTML error page, an empty 202): keep the text for the log.
        }
      }
      return { status: response.statusCode, body: parsed };
    } catch (err) {
      throw new AgentUnreachableError(agent.id, url, err);
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
