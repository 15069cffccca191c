/**
 * Runs Debian's ClusterShell `nodeset` (the reference implementation) for differential tests. It must be
 * installed (CI installs the `clustershell` package); a developer without it may skip those tests with
 * DROVER_TEST_SKIP_CLUSTERSHELL=1.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { CliResult } from '../helpers/cli.js';

export const CLUSTERSHELL_NODESET = '/usr/bin/nodeset';

export const skipClusterShell = process.env.DROVER_TEST_SKIP_CLUSTERSHELL === '1';

/** Fails loudly when the reference is missing and skipping was not asked for. */
export function requireClusterShell(): void {
  if (!skipClusterShell && !existsSync(CLUSTERSHELL_NODESET)) {
    throw new Error(
      `${CLUSTERSHELL_NODESET} is missing: install ClusterShell (apt-get install clustershell) ` +
        'or set DROVER_TEST_SKIP_CLUSTERSHELL=1 to skip the differential tests',
    );
  }
}

/** Runs ClusterShell's nodeset with an argv (no shell) and optional standard input. */
export function runClusterShell(args: readonly string[], stdin = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(CLUSTERSHELL_NODESET, args, {
      // A fixed hash seed keeps Python's set iteration order, hence its output, reproducible.
      env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', PYTHONHASHSEED: '0', HOME: '/nonexistent' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
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
