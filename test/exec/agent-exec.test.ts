/**
 * The agent transport against real Drover agent processes (`drover agent start`, registered with a fake
 * master): the transport contract on agents that allow remote execution, the 403 of an agent that does
 * not, tree mode through a gateway agent, and `drover exec -R agent` resolving nodes and `@tag:` groups
 * through a real master's agent index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AGENT_FAILURE_RC,
  agentTransport,
  basicAuthorization,
  staticAgentDirectory,
  Task,
  Topology,
} from '../../src/exec/index.js';
import { runCli } from '../helpers/cli.js';
import { registerAgent } from '../support/agent-registration.js';
import { AgentProcess } from '../support/agent-process.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { ensureBuilt } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';
import { createTestMaster, type TestMaster } from '../support/master.js';
import { transportContract } from './transport-contract.js';

const PASSWORD = 's3cret';
const AUTH = basicAuthorization('agent', PASSWORD);

let master: FakeMaster;
const agents = new Map<string, AgentProcess>();
const urls: Record<string, string> = {};

function startAgent(name: string, remoteExec: boolean): AgentProcess {
  const args = ['--host', name, '--agent-api-password', PASSWORD];
  if (remoteExec) args.push('--allow-remote-exec');
  const agent = AgentProcess.start({ masterApi: master.url, token: master.token, args });
  agents.set(name, agent);
  return agent;
}

beforeAll(async () => {
  await ensureBuilt();
  master = await new FakeMaster().start();
  for (const name of ['a1', 'a2', 'a3']) startAgent(name, true);
  startAgent('locked', false);
  await master.waitFor(() => master.agents.size === 4 || undefined, 60_000, 'registrations');
  for (const [name, agent] of agents) urls[name] = `http://127.0.0.1:${agent.state().port}/api/v1`;
}, 120_000);

afterAll(async () => {
  await Promise.all([...agents.values()].map((a) => a.stop()));
  await master?.stop();
});

const taskWith = (info: Record<string, unknown> = {}) => {
  const task = new Task({
    defaults: {
      distant_worker: agentTransport({ directory: staticAgentDirectory(urls), authorization: AUTH }),
    },
  });
  for (const [key, value] of Object.entries(info)) task.setInfo(key, value as never);
  return task;
};

describe('agent transport against real agents', () => {
  transportContract(() => ({
    newTask: taskWith,
    nodes: 'a[1-3]',
    copies: false,
    killedRc: 137,
    mergeKeepsOrder: true,
  }));

  it('an agent without agent_remote_exec refuses with 403: code 255 and the reason', async () => {
    const task = taskWith();
    task.shell('echo hi', { nodes: 'a1,locked', stdin: false, stderr: true });
    await task.run();
    expect(task.nodeRetcode('a1')).toBe(0);
    expect(task.nodeRetcode('locked')).toBe(AGENT_FAILURE_RC);
    expect(task.nodeError('locked').toString()).toBe(
      'agent locked: refused: 403 remote execution is disabled on this agent (agent_remote_exec: false)',
    );
  });

  it('forwards through a gateway agent in tree mode', async () => {
    const task = taskWith();
    task.topology = Topology.parse('[routes]\nadmin: a1\na1: a[2-3]\n', 'admin');
    task.shell('echo via gateway', { nodes: 'a[2-3]', stdin: false });
    await task.run();
    expect([...task.iterBuffers()].map((g) => [g.message.toString(), g.keys.sort()])).toEqual([
      ['via gateway', ['a2', 'a3']],
    ]);
  });
});

describe('drover exec -R agent with a real master', () => {
  // The agents above registered with a fake master; here the same agent records go into a real master
  // (SQLite), whose agent index `drover exec` reads to resolve names and @tag:/@state: groups.
  let database: TestDatabase;
  let farm: TestMaster;
  let masterUrl: string;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    farm = await createTestMaster(database);
    masterUrl = await farm.master.listen('127.0.0.1', 0);
    for (const tag of ['gpu', 'big']) {
      await farm.inject({ method: 'POST', url: '/api/v1/tags/', as: 'wrangler', payload: { tag } });
    }
    for (const [hostname, agent] of agents) {
      const { id } = await registerAgent(farm, { id: agent.agentId, hostname, port: agent.state().port });
      if (hostname !== 'locked') {
        const tags = hostname === 'a1' ? ['gpu', 'big'] : ['gpu'];
        for (const tag of tags) {
          const res = await farm.inject({
            method: 'POST',
            url: `/api/v1/tags/${tag}/agents/`,
            payload: { agent_id: id },
          });
          expect(res.statusCode, res.body).toBeLessThan(300);
        }
      }
    }
  }, 60_000);
  afterAll(async () => {
    await farm?.close();
    await database?.destroy();
  });

  const env = () => ({
    DROVER_MASTER: masterUrl,
    DROVER_TOKEN: farm.tokens.wrangler,
    DROVER_AGENT_PASSWORD: PASSWORD,
  });

  it('runs on agents named by farm groups and gathers the output', async () => {
    const result = await runCli(['exec', '-R', 'agent', '-w', '@tag:gpu', '-b', 'echo hello'], {
      env: env(),
    });
    expect(result).toEqual({
      code: 0,
      stdout: '---------------\na[1-3] (3)\n---------------\nhello\n',
      stderr: '',
    });
    const big = await runCli(['exec', '-R', 'agent', '-w', '@tag:big', '-x', 'a2', 'echo %h'], {
      env: env(),
    });
    expect(big).toEqual({ code: 0, stdout: 'a1: %h\n', stderr: '' });
  });

  it('reports refusing and unknown agents like ssh failures, and -S returns 255', async () => {
    const result = await runCli(['exec', '-R', 'agent', '-S', '-w', 'a1,locked,ghost', 'echo hi'], {
      env: env(),
    });
    expect(result.code).toBe(255);
    expect(result.stdout).toBe('a1: hi\n');
    expect(result.stderr.split('\n').sort()).toEqual([
      '',
      'clush: ghost: exited with exit code 255',
      'clush: locked: exited with exit code 255',
      'ghost: agent ghost: no such agent in the farm',
      'locked: agent locked: refused: 403 remote execution is disabled on this agent (agent_remote_exec: false)',
    ]);
  });

  it('says plainly when the master cannot be used', async () => {
    const noMaster = await runCli(['exec', '-R', 'agent', '-w', 'a1', 'true'], { env: {} });
    expect(noMaster.code).toBe(2);
    expect(noMaster.stderr).toMatch(
      /clush: error: -R agent needs the master: --master URL \(or DROVER_MASTER\)\n$/,
    );
    const refused = await runCli(['exec', '-R', 'agent', '-w', '@tag:gpu', 'true'], {
      env: { ...env(), DROVER_TOKEN: 'not-a-token' },
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^clush: the master refused to list agents \(401\): .+\n$/);
  });
});
