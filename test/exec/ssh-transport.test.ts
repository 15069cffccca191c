/** The transport contract for `ssh`, against a real sshd on loopback (every node name reaches it). */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshTransport, Task } from '../../src/exec/index.js';
import { requireSshd, skipSsh, startSshd, type Sshd } from './support/sshd.js';
import { transportContract } from './transport-contract.js';

describe.skipIf(skipSsh)('ssh transport', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    requireSshd();
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  const newTask = (info = {}) =>
    new Task({ info: { ssh_options: sshd.sshOptions, ...info }, defaults: { distant_worker: sshTransport } });

  transportContract(() => ({
    newTask,
    nodes: 'n[1-3]',
    copies: true,
    killedRc: 255,
    mergeKeepsOrder: false,
  }));

  it("fails a node it cannot log into with ssh's code 255 and its message, without a prompt", async () => {
    const task = new Task({
      info: { ssh_options: sshd.sshOptions.replace(/-i \S+/, '-i /nonexistent/key'), connect_timeout: 5 },
      defaults: { distant_worker: sshTransport },
    });
    task.shell('true', { nodes: 'n1', stdin: false, stderr: true });
    await task.run();
    expect(task.nodeRetcode('n1')).toBe(255);
    expect(task.nodeError('n1').toString()).toMatch(/Permission denied/);
  });

  it('gives up connecting after connect_timeout', async () => {
    const task = new Task({
      // 192.0.2.1 (TEST-NET-1) never answers.
      info: { ssh_options: '-oStrictHostKeyChecking=no -oUserKnownHostsFile=/dev/null', connect_timeout: 1 },
      defaults: { distant_worker: sshTransport },
    });
    const started = Date.now();
    task.shell('true', { nodes: '192.0.2.1', stdin: false });
    await task.run();
    expect(task.nodeRetcode('192.0.2.1')).toBe(255);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
