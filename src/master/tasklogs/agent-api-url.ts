/**
 * The base URL of an agent's own REST API, from `agent_api_url_template` (`http://{host}:{port}/api/v1`):
 * the host is the agent's remote IP (use_address REMOTE) or its hostname (HOSTNAME). LOCAL and PASSIVE
 * agents have no URL the master may use (PyFarm raised an error; PASSIVE agents are never contacted).
 */
import { isIPv6 } from 'node:net';
import { UseAgentAddress } from '../../core/enums.js';
import type { Agent } from '../../db/agents/agent.repository.js';

export function agentApiUrl(
  template: string,
  agent: Pick<Agent, 'hostname' | 'remoteIp' | 'port' | 'useAddress'>,
): string | undefined {
  let host: string | null;
  switch (agent.useAddress) {
    case UseAgentAddress.values.REMOTE:
      host = agent.remoteIp;
      break;
    case UseAgentAddress.values.HOSTNAME:
      host = agent.hostname;
      break;
    default:
      host = null;
  }
  if (host === null || host === '') return undefined;
  const hostPart = isIPv6(host) ? `[${host}]` : host;
  return template.replaceAll('{host}', hostPart).replaceAll('{port}', String(agent.port)).replace(/\/+$/, '');
}
