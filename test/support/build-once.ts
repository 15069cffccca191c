/**
 * Black-box tests run `node bin/drover.js`, which runs dist/. This rebuilds dist/ when any source is
 * newer than the last build, once per test run even when several test files ask at the same time.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const MARKER = join(ROOT, 'dist/agent/agent-daemon.bundle.js');

function newest(dir: string): number {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

export async function ensureBuilt(): Promise<void> {
  const lock = join(ROOT, '.tmp', 'build.lock');
  mkdirSync(join(ROOT, '.tmp'), { recursive: true });
  for (let i = 0; i < 600; i++) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    const built = existsSync(MARKER) ? statSync(MARKER).mtimeMs : 0;
    if (newest(join(ROOT, 'src')) > built) {
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build.mjs')], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error('build failed');
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
