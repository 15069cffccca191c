/**
 * The contract every transport (exec, ssh, agent) must keep, as one suite run against each: a command
 * reaches every node, output is attributed to its node line by line and byte for byte, return codes
 * (128 + signal for a killed command) come back, stderr is kept apart or merged on request, input
 * reaches the commands, timeouts kill and report, abort stops, and copies work where supported.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { NodeSet } from '../../src/nodeset/index.js';
import type { Task, TaskInfo } from '../../src/exec/index.js';
import { withoutLoginNoise } from './support/login-noise.js';

export interface ContractSubject {
  /** A task whose distant transport is the one under test. */
  newTask(info?: Partial<TaskInfo>): Task;
  /** Three node names the transport reaches. */
  nodes: string;
  copies: boolean;
  /**
   * The code of a command killed by SIGKILL: 137 (128 + 9) where the transport sees the process end, 255
   * over ssh (the ssh client's code for a remote command killed by a signal).
   */
  killedRc: number;
  /** Whether merged stdout and stderr keep their relative order (not over ssh: two channels). */
  mergeKeepsOrder: boolean;
}

export function transportContract(subject: () => ContractSubject): void {
  const run = async (
    command: string,
    options: Parameters<Task['shell']>[1] = {},
    info?: Partial<TaskInfo>,
  ) => {
    const { newTask, nodes } = subject();
    const task = newTask(info);
    const worker = task.shell(command, { nodes, stdin: false, ...options });
    await task.run();
    return { task, worker, nodes: [...NodeSet.parse(nodes)] };
  };

  it('runs the command on every node and returns each output and return code', async () => {
    const { task, nodes } = await run('echo hello; exit 3');
    for (const node of nodes) {
      expect(task.nodeBuffer(node).toString()).toBe('hello');
      expect(task.nodeRetcode(node)).toBe(3);
    }
    expect([...task.iterBuffers()].map((g) => g.keys.sort())).toEqual([nodes.sort()]);
    expect(task.maxRetcode()).toBe(3);
  });

  it('reports the code of a command killed by a signal', async () => {
    const { task, nodes } = await run('kill -9 $$');
    for (const node of nodes) expect(task.nodeRetcode(node)).toBe(subject().killedRc);
  });

  it('keeps stderr apart with stderr: true, and merges it in order otherwise', async () => {
    const separate = await run('echo a; echo b >&2; echo c', { stderr: true });
    const node = separate.nodes[0]!;
    expect(separate.task.nodeBuffer(node).toString()).toBe('a\nc');
    expect(withoutLoginNoise(separate.task.nodeError(node).toString())).toBe('b');
    const merged = await run('echo a; echo b >&2; echo c', { stderr: false });
    const lines = withoutLoginNoise(merged.task.nodeBuffer(node).toString()).split('\n');
    if (subject().mergeKeepsOrder) expect(lines).toEqual(['a', 'b', 'c']);
    else expect(lines.sort()).toEqual(['a', 'b', 'c']);
    expect(withoutLoginNoise(merged.task.nodeError(node).toString())).toBe('');
  });

  it('delivers long output complete and in order, an unterminated last line, and raw bytes', async () => {
    const { task, nodes } = await run("seq 1 20000; printf 'tail\\377\\001'");
    const lines = task.nodeBuffer(nodes[1]!).toString('latin1').split('\n');
    expect(lines).toHaveLength(20001);
    expect(lines[19999]).toBe('20000');
    expect(Buffer.from(lines[20000]!, 'latin1')).toEqual(Buffer.from([0x74, 0x61, 0x69, 0x6c, 0xff, 0x01]));
  });

  it('delivers lines as events, attributed to their node', async () => {
    const reads: string[] = [];
    const { nodes } = await run('echo one; echo two', {
      handler: { read: (_w, node, _s, line) => reads.push(`${node}:${line.toString()}`) },
    });
    for (const node of nodes) {
      expect(reads.filter((r) => r.startsWith(`${node}:`))).toEqual([`${node}:one`, `${node}:two`]);
    }
  });

  it('gives nothing for a node that printed nothing', async () => {
    const { task, nodes } = await run('true');
    expect([...task.iterBuffers()]).toEqual([]);
    expect(task.nodeBuffer(nodes[0]!).length).toBe(0);
    expect(task.nodeRetcode(nodes[0]!)).toBe(0);
  });

  it('sends written input to every command', async () => {
    const { newTask, nodes } = subject();
    const task = newTask();
    const worker = task.shell('cat; echo done', { nodes });
    worker.write('first\n');
    worker.write(Buffer.from([0x73, 0x65, 0x63, 0xc3, 0xa9, 0x0a]));
    worker.setWriteEof();
    await task.run();
    for (const node of NodeSet.parse(nodes))
      expect(task.nodeBuffer(node).toString()).toBe('first\nsecé\ndone');
  });

  it('kills a command past its timeout: no return code, the node is listed as timed out', async () => {
    const started = Date.now();
    const closes: boolean[] = [];
    const { task, nodes } = await run('echo started; sleep 20', {
      timeout: 1,
      handler: { close: (_w, timedout) => closes.push(timedout) },
    });
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(task.numTimeout()).toBe(nodes.length);
    expect(task.maxRetcode()).toBeUndefined();
    expect(closes).toEqual([true]);
  });

  it('abort stops every command', async () => {
    const { newTask, nodes } = subject();
    const task = newTask();
    task.shell('sleep 20', { nodes, stdin: false });
    const running = task.run();
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await task.abort();
    await running;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(task.maxRetcode()).toBeUndefined();
  });

  it('copies a file to the nodes and back, or refuses to when it cannot', async () => {
    const { newTask, nodes, copies } = subject();
    const dir = mkdtempSync(join(tmpdir(), 'drover-copy-'));
    try {
      const source = join(dir, 'payload.txt');
      writeFileSync(source, 'payload\n');
      const first = [...NodeSet.parse(nodes)][0]!;
      const task = newTask();
      if (!copies) {
        expect(() => task.copy(source, join(dir, 'out'), { nodes: first })).toThrow(/cannot copy/);
        return;
      }
      // Every test node shares this host's file system, so copy to a path that differs per node.
      const remote = join(dir, 'remote');
      mkdirSync(remote);
      task.copy(source, join(remote, 'copied.txt'), { nodes: first });
      await task.run();
      expect(task.nodeRetcode(first)).toBe(0);
      expect(readFileSync(join(remote, 'copied.txt'), 'utf8')).toBe('payload\n');
      const back = join(dir, 'back');
      mkdirSync(back);
      task.rcopy(join(remote, 'copied.txt'), back, { nodes: first });
      await task.run();
      expect(task.nodeRetcode(first)).toBe(0);
      expect(existsSync(join(back, `copied.txt.${first}`))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
