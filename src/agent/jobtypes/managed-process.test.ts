import { expect, test } from 'vitest';
import { describeExit, ManagedProcess } from './managed-process.js';
import { isAlive } from '../system/process-tree.js';

const base = { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, cwd: process.cwd() };

function run(command: string, args: string[], killDelayMs?: number) {
  const out: string[] = [];
  const err: string[] = [];
  const p = new ManagedProcess(
    { ...base, command, args },
    { stdout: (c) => out.push(c.toString()), stderr: (c) => err.push(c.toString()) },
    killDelayMs,
  );
  return { p, out, err };
}

test('exit code and output of a real process', async () => {
  const { p, out, err } = run('sh', ['-c', 'echo hi; echo oops >&2; exit 3']);
  const exit = await p.exited;
  expect(exit.exitCode).toBe(3);
  expect(out.join('')).toBe('hi\n');
  expect(err.join('')).toBe('oops\n');
  expect(describeExit('sh', p.pid, exit)).toBe(`sh (pid ${p.pid}) exited with code 3`);
});

test('a missing program is a start error, not a crash', async () => {
  const { p } = run('/nonexistent/program', []);
  const exit = await p.exited;
  expect(exit.startError).toBeDefined();
  expect(describeExit('/nonexistent/program', p.pid, exit)).toMatch(/could not start/);
});

test('stop: TERM reaches the tree, KILL follows for what ignores it', async () => {
  const { p, out } = run('sh', ['-c', "trap '' TERM; sleep 30 & echo $!; wait"], 300);
  while (out.length === 0) await new Promise((r) => setTimeout(r, 10));
  const grandchild = Number(out.join('').trim());
  const started = Date.now();
  const exit = await p.stop();
  expect(exit.signal).toBe('SIGKILL');
  expect(exit.killedFor).toBe('stopped');
  expect(Date.now() - started).toBeLessThan(3000);
  for (let i = 0; i < 50 && isAlive(grandchild); i++) await new Promise((r) => setTimeout(r, 20));
  expect(isAlive(grandchild)).toBe(false);
});

test('ram_max kills the tree and says so', async () => {
  // node holding ~80 MB of touched memory; limit 40 MB.
  const { p } = run(process.execPath, [
    '-e',
    'const b = Buffer.alloc(80 * 1024 * 1024, 1); setTimeout(() => {}, 20000)',
  ]);
  let exceeded = 0;
  p.watchRam({ maxMb: 40, warningMb: 20, intervalMs: 50, onExceeded: (mb) => (exceeded = mb) });
  const exit = await p.exited;
  expect(exit.killedFor).toBe('ram_max');
  expect(exceeded).toBeGreaterThan(40);
  expect(describeExit('node', p.pid, exit)).toMatch(/exceeded the job's ram_max/);
});

test('leftover descendants holding the pipes do not keep a finished process open forever', async () => {
  const { p } = run('sh', ['-c', 'sleep 30 & exit 0']);
  const started = Date.now();
  const exit = await p.exited;
  expect(exit.exitCode).toBe(0);
  expect(Date.now() - started).toBeLessThan(5000);
});
