/**
 * Differential test: `drover exec` (in-process) against ClusterShell's `clush`, on random command lines
 * with the exec transport, and on a sample over ssh to a loopback sshd. Exit code, stdout and stderr
 * must match; lines whose order depends on completion order are compared sorted, and clush's progress
 * meter is ignored. Seeded; DROVER_EXEC_DIFF_SEED and _RUNS change the sample.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { comparable, DIFF_ENV, requireClush, runClush, skipClusterShell } from './clush.js';
import { execCase, type ExecCase } from './differential-cases.js';
import { loginShellNoise } from './support/login-noise.js';
import { requireSshd, skipSsh, startSshd, type Sshd } from './support/sshd.js';

const SEED = Number(process.env.DROVER_EXEC_DIFF_SEED ?? 20261122);
const RUNS = Number(process.env.DROVER_EXEC_DIFF_RUNS ?? 80);

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function clean(result: ReturnType<typeof comparable>): ReturnType<typeof comparable> {
  return { ...result, stderr: result.stderr.filter((line) => !loginShellNoise(line)) };
}

async function mismatches(cases: readonly ExecCase[]) {
  const results = await mapLimit(cases, 2, async (c) => {
    const expected = clean(comparable(await runClush(c.args, c.stdin), c.sortStdout));
    const actual = clean(
      comparable(await runCli(['exec', ...c.args], { stdin: c.stdin, env: DIFF_ENV }), c.sortStdout),
    );
    return JSON.stringify(actual) === JSON.stringify(expected) ? undefined : { case: c, expected, actual };
  });
  return results.filter((m) => m !== undefined);
}

describe.skipIf(skipClusterShell)('drover exec vs ClusterShell clush (differential)', () => {
  it(
    `agrees with clush -R exec on ${RUNS} random command lines (seed ${SEED})`,
    { timeout: 300_000 },
    async () => {
      requireClush();
      const found = await mismatches(fc.sample(execCase, { seed: SEED, numRuns: RUNS }));
      expect(found.slice(0, 3)).toEqual([]);
    },
  );

  it('agrees on timeouts and the -S exit code', { timeout: 120_000 }, async () => {
    requireClush();
    const cases: ExecCase[] = [
      {
        args: ['-R', 'exec', '-w', 'n[1-4]', '-u', '1', '-b', 'echo x; [ %n -ge 2 ] && sleep 5; true'],
        stdin: '',
        sortStdout: false,
      },
      {
        args: ['-R', 'exec', '-w', 'n[1-4]', '-u', '1', '-S', 'echo x; [ %n -ge 2 ] && sleep 5; exit 4'],
        stdin: '',
        sortStdout: true,
      },
      { args: ['-R', 'exec', '-w', 'n[1-2]', '-u', '1', '-qS', 'sleep 5'], stdin: '', sortStdout: true },
    ];
    expect(await mismatches(cases)).toEqual([]);
  });

  it('agrees on usage errors and bad input', { timeout: 120_000 }, async () => {
    requireClush();
    const lines = [
      ['-R', 'exec', '-w', 'n1', '-x', 'n1', 'true'],
      ['-R', 'exec', '-w', 'n[1-2', 'true'],
      ['-R', 'exec', '--bogus', 'true'],
      ['-R', 'exec', '-f'],
      ['-R', 'exec', '-f', 'x', '-w', 'n1', 'true'],
      ['-R', 'exec', '-w', '-n1', 'true'],
      ['-R', 'exec', '--color=pink', '-w', 'n1', 'true'],
      ['-R', 'exec', '-w', 'n1', '--diff', '-L', 'true'],
      ['-R', 'exec', '-w', 'n1', '-c'],
      ['-R', 'exec', '-w', 'n1', '--hostfile', '/nonexistent/hosts', 'true'],
      ['-R', 'nosuchworker', '-w', 'n1', 'true'],
      ['-R', 'exec', '-w', 'n1', '-O', 'fanout=x', 'true'],
      ['-R', 'exec', '-w', 'n1', '-O', 'node_count', 'true'],
      ['-R', 'exec', '-w', '@nosuchsource:x', 'true'],
      ['--version'],
    ];
    const cases = lines.map((args) => ({ args, stdin: '', sortStdout: false }));
    expect(await mismatches(cases)).toEqual([]);
  });
});

describe.skipIf(skipClusterShell || skipSsh)('drover exec vs clush over ssh (differential)', () => {
  let sshd: Sshd;
  beforeAll(async () => {
    requireClush();
    requireSshd();
    sshd = await startSshd();
  });
  afterAll(() => sshd?.stop());

  it('agrees on a sample of command lines over ssh', { timeout: 240_000 }, async () => {
    const commands = [
      'echo %h',
      'echo same; exit 2',
      'echo out; echo err >&2',
      'hostname >/dev/null; echo ok',
      'cat',
    ];
    const modes = [['-b'], [], ['-L'], ['-B', '-S']];
    const cases: ExecCase[] = commands.map((command, i) => {
      const mode = modes[i % modes.length]!;
      return {
        args: ['-o', sshd.sshOptions, '-w', 'n[1-3]', ...mode, command],
        stdin: command === 'cat' ? 'via ssh\n' : '',
        sortStdout: mode.length === 0,
      };
    });
    expect(await mismatches(cases)).toEqual([]);
  });
});
