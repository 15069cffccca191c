// `npm run bench -- <name> [args...]` runs bench/<name>/index.ts with tsx; `npm run bench` lists them.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const [name, ...args] = process.argv.slice(2);
const benches = existsSync(join(root, 'bench')) ? readdirSync(join(root, 'bench')).sort() : [];
if (!name || !benches.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args...]\nbenchmarks: ${benches.join(', ')}\n`);
  process.exit(name ? 1 : 0);
}
const tsx = join(root, 'node_modules/tsx/dist/cli.mjs');
const run = spawnSync(process.execPath, [tsx, join(root, 'bench', name, 'index.ts'), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
