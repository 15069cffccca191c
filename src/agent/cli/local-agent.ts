/**
 * How the CLI finds and talks to an agent running on this machine: its state file (port and control
 * secret, readable only by the agent's user) and its REST API on loopback.
 */
import { sendRequest } from '../master-client/http-request.js';
import { readStateFile, runningAgentPid, type AgentStateFile } from '../daemon/run-files.js';
import type { AgentSettings } from '../settings/agent-settings.js';

export interface LocalAgent {
  pid: number | undefined;
  state: AgentStateFile | undefined;
}

export function findLocalAgent(settings: AgentSettings): LocalAgent {
  const state = readStateFile(settings.stateFile);
  return { pid: runningAgentPid(settings.pidfile), state };
}

function apiHost(state: AgentStateFile): string {
  return state.bind === '0.0.0.0' || state.bind === '::' || state.bind === '' ? '127.0.0.1' : state.bind;
}

export async function callLocalAgent(
  state: AgentStateFile,
  method: string,
  path: string,
  body?: unknown,
  timeoutMs = 10_000,
): Promise<{ status: number; json: unknown }> {
  const host = apiHost(state);
  const answer = await sendRequest({
    method,
    url: new URL(`http://${host.includes(':') ? `[${host}]` : host}:${state.port}/api/v1${path}`),
    headers: {
      authorization: `Bearer ${state.controlSecret}`,
      accept: 'application/json',
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    timeoutMs,
  });
  let json: unknown;
  try {
    json = JSON.parse(answer.body.toString('utf8'));
  } catch {
    json = undefined;
  }
  return { status: answer.status, json };
}
