/**
 * Tree mode: commands fan out through gateways named by a topology. Gateways run `drover exec --gateway`
 * (locally through the exec transport, or over ssh to a loopback sshd) or are agents that forward to
 * other agents. The root opens one channel per gateway, not one per node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentTransport,
  basicAuthorization,
  execTransport,
  GATEWAY_FAILURE_RC,
  sshTransport,
  staticAgentDirectory,
  Task,
  Topology,
  type Transport,
} from '../../src/exec/index.js';
import { GATEWAY_COMMAND } from './support/gateway-command.js';
import { withoutLoginNoise } from './support/login-noise.js';
import { requireSshd, skipSsh, startSshd, type Sshd } from './support/sshd.js';
import { startTestAgent, type TestAgent } from './support/test-agent.js';

/** Counts what the root itself opens. */
function counting(transport: Transport) {
  const counts = { direct: 0, gateways: [] as string[] };
  const wrapped: Transport = {
    ...transport,
    start: (request, sink) => {
      counts.direct += 1;
      return transport.start(request, sink);
    },
    startGateway: (gateway, request, sink, info) => {
      counts.gateways.push(gateway);
      return transport.startGateway(gateway, request, sink, info);
    },
  };
  return { transport: wrapped, counts };
}

function treeTask(transport: Transport, routes: string, info: Record<string, unknown> = {}): Task {
  const task = new Task({
    info: { gateway_command: GATEWAY_COMMAND, ...info },
    defaults: { distant_worker: transport },
  });
  task.topology = Topology.parse(routes, 'admin');
  return task;
}

describe('tree mode through local gateways (exec transport)', () => {
  it(
    'reaches every target through two gateways, with per-node output and return codes',
    { timeout: 60_000 },
    async () => {
      const { transport, counts } = counting(execTransport);
      const task = treeTask(transport, '[routes]\nadmin: gw[1-2]\ngw[1-2]: n[1-40]\n');
      const worker = task.shell('echo %h; exit $((%n %% 4))', { nodes: 'n[1-40],direct1', stderr: true });
      await task.run();
      expect(counts.gateways.sort()).toEqual(['gw1', 'gw2']);
      expect(counts.direct).toBe(1);
      for (let i = 1; i <= 40; i++) expect(task.nodeBuffer(`n${i}`).toString()).toBe(`n${i}`);
      expect(task.nodeBuffer('direct1').toString()).toBe('direct1');
      // Ranks count within each gateway's share (n1, n3, ... through gw1), as ClusterShell's gateways do.
      expect(new Set([...task.iterRetcodes()].map(([rc]) => rc))).toEqual(new Set([0, 1, 2, 3]));
      expect([...worker.iterBuffers()]).toHaveLength(41);
    },
  );

  it(
    'goes two levels deep, forwards input, and reports timeouts from the gateway',
    { timeout: 90_000 },
    async () => {
      const { transport, counts } = counting(execTransport);
      const task = treeTask(transport, '[routes]\nadmin: gw1\ngw1: sub[1-2]\nsub[1-2]: n[1-8]\n');
      const worker = task.shell('cat; [ %h = n8 ] && sleep 30; echo %h', { nodes: 'n[1-8]', timeout: 3 });
      worker.write('input line\n');
      worker.setWriteEof();
      await task.run();
      expect(counts.gateways).toEqual(['gw1']);
      for (let i = 1; i <= 7; i++) expect(task.nodeBuffer(`n${i}`).toString()).toBe(`input line\nn${i}`);
      expect([...task.iterKeysTimeout()]).toEqual(['n8']);
      expect(task.nodeRetcode('n8')).toBeUndefined();
    },
  );

  it(
    'gives every target of a gateway that cannot be started code 255 and the reason',
    { timeout: 30_000 },
    async () => {
      const task = treeTask(execTransport, '[routes]\nadmin: gw1\ngw1: n[1-3]\n', {
        gateway_command: 'echo broken >&2; exit 7; :',
      });
      task.shell('echo %h', { nodes: 'n[1-3]', stderr: true });
      await task.run();
      for (const node of ['n1', 'n2', 'n3']) {
        expect(task.nodeRetcode(node)).toBe(GATEWAY_FAILURE_RC);
        expect(task.nodeError(node).toString()).toBe('gateway gw1: exited with code 7: broken');
      }
    },
  );
});

describe.skipIf(skipSsh)('tree mode over ssh', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    requireSshd();
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it(
    'runs drover exec --gateway on the gateway over ssh, which reaches the targets over ssh',
    { timeout: 90_000 },
    async () => {
      const { transport, counts } = counting(sshTransport);
      const task = treeTask(transport, '[routes]\nadmin: gw1\ngw1: n[1-6]\n', {
        ssh_options: sshd.sshOptions,
      });
      task.shell('echo hello from $((6*7))', { nodes: 'n[1-6]', stdin: false, stderr: true });
      await task.run();
      expect(counts).toEqual({ direct: 0, gateways: ['gw1'] });
      const results = [1, 2, 3, 4, 5, 6].map((i) => {
        const node = `n${i}`;
        return [
          node,
          task.nodeBuffer(node).toString(),
          withoutLoginNoise(task.nodeError(node).toString()),
          task.nodeRetcode(node),
        ];
      });
      expect(results).toEqual([1, 2, 3, 4, 5, 6].map((i) => [`n${i}`, 'hello from 42', '', 0]));
    },
  );
});

describe('tree mode through gateway agents', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent({ password: 'secret' });
  });
  afterAll(() => agent?.stop());

  it('asks the gateway agent to forward the command to the target agents', { timeout: 60_000 }, async () => {
    const urls = Object.fromEntries(['gw1', 'n1', 'n2', 'n3', 'n4'].map((n) => [n, agent.url]));
    const { transport, counts } = counting(
      agentTransport({
        directory: staticAgentDirectory(urls),
        authorization: basicAuthorization('agent', 'secret'),
      }),
    );
    const task = treeTask(transport, '[routes]\nadmin: gw1\ngw1: n[1-4]\n');
    const worker = task.shell('cat; echo done', { nodes: 'n[1-4]' });
    worker.write('in\n');
    worker.setWriteEof();
    await task.run();
    expect(counts).toEqual({ direct: 0, gateways: ['gw1'] });
    for (const node of ['n1', 'n2', 'n3', 'n4']) expect(task.nodeBuffer(node).toString()).toBe('in\ndone');
    const forwarded = agent.requests.find((r) => r.forward);
    expect(forwarded?.forward?.gateway).toBe('gw1');
    expect(forwarded?.forward?.nodes).toBe('n[1-4]');
    // The gateway agent called each target itself.
    expect(agent.requests.filter((r) => !r.forward)).toHaveLength(4);
  });
});
