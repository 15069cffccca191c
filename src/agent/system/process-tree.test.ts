import { spawn } from 'node:child_process';
import { expect, test } from 'vitest';
import {
  descendantsOf,
  isAlive,
  parseProcStat,
  processStartTime,
  signalTree,
  treeRssMb,
} from './process-tree.js';

test('stat lines with awkward command names', () => {
  const line = '4242 (my (odd) proc) S 1 4242 4242 0 -1 4194560 10 0 0 0 1 2 0 0 20 0 1 0 987654 1000 50';
  expect(parseProcStat(line)).toEqual({ pid: 4242, ppid: 1, pgid: 4242, startTime: '987654' });
});

test('a whole tree is found and killed, including a grandchild in its own session', async () => {
  // sh → (sleep) and setsid sleep: the second escapes the process group.
  const child = spawn('sh', ['-c', 'sleep 30 & setsid sleep 30 & wait'], { detached: true, stdio: 'ignore' });
  const pid = child.pid!;
  let found: number[] = [];
  for (let i = 0; i < 50 && found.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 20));
    found = descendantsOf(pid).map((p) => p.pid);
  }
  expect(found.length).toBeGreaterThanOrEqual(2);
  expect(processStartTime(pid)).toMatch(/^\d+$/);
  expect(treeRssMb(pid)).toBeGreaterThan(0);
  const exited = new Promise((r) => child.on('exit', r));
  signalTree(pid, 'SIGKILL');
  await exited;
  for (let i = 0; i < 50 && found.some(isAlive); i++) await new Promise((r) => setTimeout(r, 20));
  expect(found.filter(isAlive)).toEqual([]);
});
