/**
 * The transport contract for `agent` (Drover agents' REST API), against a stand-in agent route on
 * loopback, plus what only agents do: credentials, the remote-exec switch, unknown agents.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentTransport,
  basicAuthorization,
  staticAgentDirectory,
  Task,
  AGENT_FAILURE_RC,
} from '../../src/exec/index.js';
import { startTestAgent, type TestAgent } from './support/test-agent.js';
import { transportContract } from './transport-contract.js';

describe('agent transport', () => {
  let agent: TestAgent;
  let refusing: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ password: 'secret' });
    refusing = await startTestAgent({ password: 'secret', remoteExec: false });
  });
  afterAll(async () => {
    await agent?.stop();
    await refusing?.stop();
  });

  const taskFor = (urls: Record<string, string>, authorization = basicAuthorization('agent', 'secret')) =>
    new Task({
      defaults: { distant_worker: agentTransport({ directory: staticAgentDirectory(urls), authorization }) },
    });

  transportContract(() => ({
    newTask: (info) => {
      const task = taskFor({ n1: agent.url, n2: agent.url, n3: agent.url });
      for (const [key, value] of Object.entries(info ?? {})) task.setInfo(key, value as never);
      return task;
    },
    nodes: 'n[1-3]',
    copies: false,
    killedRc: 137,
    mergeKeepsOrder: true,
  }));

  it('reports an agent that refuses remote execution, bad credentials and unknown agents as code 255', async () => {
    const task = taskFor({ off: refusing.url, on: agent.url });
    task.shell('echo hi', { nodes: 'off,on,ghost', stdin: false, stderr: true });
    await task.run();
    expect(task.nodeRetcode('on')).toBe(0);
    expect(task.nodeRetcode('off')).toBe(AGENT_FAILURE_RC);
    expect(task.nodeError('off').toString()).toBe(
      'agent off: refused: 403 remote execution is disabled on this agent (agent_remote_exec: false)',
    );
    expect(task.nodeError('ghost').toString()).toBe('agent ghost: no such agent in the farm');

    const wrong = taskFor({ on: agent.url }, basicAuthorization('agent', 'wrong'));
    wrong.shell('echo hi', { nodes: 'on', stdin: false, stderr: true });
    await wrong.run();
    expect(wrong.nodeRetcode('on')).toBe(AGENT_FAILURE_RC);
    expect(wrong.nodeError('on').toString()).toBe('agent on: refused: 401 authentication required');
  });

  it('reports an unreachable agent as code 255', async () => {
    const task = taskFor({ down: 'http://127.0.0.1:9/api/v1' });
    task.shell('echo hi', { nodes: 'down', stdin: false, stderr: true });
    await task.run();
    expect(task.nodeRetcode('down')).toBe(AGENT_FAILURE_RC);
    expect(task.nodeError('down').toString()).toMatch(/^agent down: .*ECONNREFUSED/);
  });

  it('sends the whole input with the request', async () => {
    const task = taskFor({ n1: agent.url });
    const worker = task.shell('wc -c', { nodes: 'n1' });
    worker.write('12345');
    worker.setWriteEof();
    await task.run();
    expect(task.nodeBuffer('n1').toString().trim()).toBe('5');
    expect(agent.requests.at(-1)?.input).toBe(Buffer.from('12345').toString('base64'));
  });
});
