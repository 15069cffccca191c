/**
 * User-Agent headers between master and agent. PyFarm used `PyFarm/1.0 (agent)` / `PyFarm/1.0 (master)` to
 * tell the two apart (the agent counts only master requests as "contact"); Drover sends `Drover/<version>
 * (agent|master)` and still recognises the PyFarm master string.
 */
export function agentUserAgent(version: string): string {
  return `Drover/${version} (agent)`;
}

export function masterUserAgent(version: string): string {
  return `Drover/${version} (master)`;
}

const MASTER_USER_AGENT = /^(Drover\/[\w.+-]+|PyFarm\/1\.0) \(master\)$/;
const AGENT_USER_AGENT = /^(Drover\/[\w.+-]+|PyFarm\/1\.0) \(agent\)$/;

export function isMasterUserAgent(header: string | undefined): boolean {
  return header !== undefined && MASTER_USER_AGENT.test(header);
}

export function isAgentUserAgent(header: string | undefined): boolean {
  return header !== undefined && AGENT_USER_AGENT.test(header);
}
