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
import { cliCase, ndCase, type Case } from './differential-cases.js';
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
