// `npm run bench -- <name> [args...]` runs bench/<name>/index.ts with tsx; without a name it lists them.
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const [name, ...args] = process.argv.slice(2);
const available = readdirSync(join(root, 'bench'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(root, 'bench', d.name, 'index.ts')))
  .map((d) => d.name)
  .sort();
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [args]\nbenchmarks: ${available.join(', ') || '(none)'}`);
  process.exit(name ? 2 : 0);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', join(root, 'bench', name, 'index.ts'), ...args],
  { stdio: 'inherit', cwd: root },
);
process.exit(result.status ?? 1);
