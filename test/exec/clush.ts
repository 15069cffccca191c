/**
 * Runs Debian's ClusterShell `clush` (the reference implementation) for differential tests. It must be
 * installed (CI installs the `clustershell` package); without it the tests fail, unless
 * DROVER_TEST_SKIP_CLUSTERSHELL=1.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CliResult } from '../helpers/cli.js';

export const CLUSH = '/usr/bin/clush';
export const skipClusterShell = process.env.DROVER_TEST_SKIP_CLUSTERSHELL === '1';

export function requireClush(): void {
  if (!skipClusterShell && !existsSync(CLUSH)) {
    throw new Error(
      `${CLUSH} is missing: install ClusterShell (apt-get install clustershell) ` +
        'or set DROVER_TEST_SKIP_CLUSTERSHELL=1 to skip the differential tests',
    );
  }
}

/** The environment both implementations run with: no colors forced, a fixed hash seed. */
export const DIFF_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin',
  LANG: 'C.UTF-8',
  PYTHONHASHSEED: '0',
  HOME: '/nonexistent',
};

export function runClush(args: readonly string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLUSH, args, { env: DIFF_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(stdin);
  });
}

/**
 * What can be compared: the progress meter clush writes during runs longer than 1.33 s (timing, not
 * behaviour) is dropped, and lines whose order depends on which node finished first are sorted.
 */
export function comparable(
  result: CliResult,
  sortStdout: boolean,
): { code: number; stdout: string; stderr: string[] } {
  const stderr = result.stderr
    .replace(/clush: *\d+\/\d+[^\r\n]*\r/g, '')
    .replace(/^ +\r/gm, '')
    .split('\n')
    .filter((l) => l !== '')
    .sort();
  const stdout = sortStdout ? result.stdout.split('\n').sort().join('\n') : result.stdout;
  return { code: result.code, stdout, stderr };
}
