/**
 * The base URL of an agent's REST API (PyFarm's `Agent.api_url()`): `agent_api_url_template` with the
 * agent's port and, per `use_address`, its remote IP (the default) or its hostname. A passive agent is never
 * contacted by the master, so it has no URL.
 */
import { UseAgentAddress } from '../../core/enums.js';
import type { Agent } from '../../db/agents/agent.repository.js';

export function agentApiUrl(
  template: string,
  agent: Pick<Agent, 'hostname' | 'remoteIp' | 'port' | 'useAddress'>,
): string | undefined {
  const { values } = UseAgentAddress;
  let host: string;
  switch (agent.useAddress) {
    case values.PASSIVE:
      return undefined;
    case values.HOSTNAME:
      host = agent.hostname;
      break;
    case values.LOCAL:
      host = '127.0.0.1';
      break;
    default:
      host = agent.remoteIp ?? agent.hostname;
  }
  if (host.includes(':')) host = `[${host}]`;
  return template.replace('{host}', host).replace('{port}', String(agent.port)).replace(/\/+$/, '');
}
