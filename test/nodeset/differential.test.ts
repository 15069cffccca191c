/**
 * Differential test: `drover nodeset` (in-process) against ClusterShell's `nodeset` on random command
 * lines — node sets with padding, steps, negative indexes, nD names, operators and groups; range sets;
 * every command and most options, stdin included. Standard output, standard error and the exit code
 * must be identical. Seeded, so a failure reproduces; DROVER_NODESET_DIFF_SEED and _RUNS override.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { requireClusterShell, runClusterShell, skipClusterShell } from './clustershell.js';
import { cliCase, GROUPS_CONF, ndCase, type Case } from './differential-cases.js';
const SEED = Number(process.env.DROVER_NODESET_DIFF_SEED ?? 20261122);
const RUNS = Number(process.env.DROVER_NODESET_DIFF_RUNS ?? 300);

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

/** Runs both implementations on every case; returns the cases where they differ. */
async function mismatches(cases: readonly Case[]) {
  const results = await mapLimit(cases, 3, async (c) => {
    const expected = await runClusterShell(c.args, c.stdin);
    const actual = await runCli(['nodeset', ...c.args], { stdin: c.stdin });
    // A Python traceback is not a message to copy; only its exit status is compared then.
    const comparable = expected.stderr.includes('Traceback')
      ? { ...expected, stderr: actual.stderr }
      : expected;
    return JSON.stringify(actual) === JSON.stringify(comparable) ? undefined : { case: c, expected, actual };
  });
  return results.filter((m) => m !== undefined);
}

describe.skipIf(skipClusterShell)('drover nodeset vs ClusterShell nodeset (differential)', () => {
  it(`agrees on ${RUNS} random command lines (seed ${SEED})`, { timeout: 240_000 }, async () => {
    requireClusterShell();
    const found = await mismatches(fc.sample(cliCase, { seed: SEED, numRuns: RUNS }));
    expect(found.slice(0, 5)).toEqual([]);
  });

  it('agrees on group commands', { timeout: 120_000 }, async () => {
    requireClusterShell();
    const lines = [
      '--groupsources',
      '-q --groupsources',
      '-L',
      '-LL',
      '-LLL',
      '-l -s roles',
      '-ll -s racks',
      '-lll -s cpu',
      '-lG -s cpu',
      '-l node[1-4]',
      '-ll node[1-4]',
      '-lll node[1-6]',
      '-lll -s rev n[1-4]',
      '-ll -s racks example[4-5,32-40]',
      '-f @racks:old',
      '-f @cpu:hsw',
      '-f @roles:all',
      '-e @racks:rack5',
      '-f @nested',
      '-f @io[1-3]',
      '-f @* -x @compute',
      '-f @@ @@rack',
      '-f @ @:io @unknown',
      '-f example* -x *[1-9]',
      '-f -s racks example2*',
      '-r node[1-6]',
      '-r node[1-3]',
      '-r -s rack node[1-18]',
      '-r -G -s racks example[0,2,4-5,32-159]',
      '-r -s rev n[1-6]',
      '-r -s rev n[1-3]',
      '-a -f',
      '-a -s racks -c',
      '-c -a -x @io',
      '-R -s racks -f 1-3',
      '-R -s nosuch -f 1-3',
      '-s nosuch -f n1',
      '-f @nosuch:x',
      '-f @broken:x',
      '-l -s broken',
      '-l -s nolist',
    ];
    const cases = lines.map((line) => ({
      args: ['--groupsconf', GROUPS_CONF, ...line.split(' ')],
      stdin: '',
    }));
    expect(await mismatches(cases)).toEqual([]);
  });

  it(
    `folds ${RUNS / 2} random nD combinations into the same shapes (seed ${SEED})`,
    { timeout: 240_000 },
    async () => {
      requireClusterShell();
      const found = await mismatches(fc.sample(ndCase, { seed: SEED, numRuns: RUNS / 2 }));
      expect(found.slice(0, 5)).toEqual([]);
    },
  );
});
