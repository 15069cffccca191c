// Builds dist/ from src/: TypeScript is transpiled file by file with esbuild (type-checking is `npm run
// typecheck`'s job, so the build stays ~1 s), non-code assets (YAML defaults, SQL, templates) are copied
// as they are, and the web UI is bundled by Vite when it exists.
import { build } from 'esbuild';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const src = join(root, 'src');
const out = join(root, 'dist');

function walk(dir, files = []) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (path === join(src, 'web')) continue;
      walk(path, files);
    } else files.push(path);
  }
  return files;
}

rmSync(out, { recursive: true, force: true });
const files = walk(src);
const entryPoints = files.filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
await build({
  entryPoints,
  outdir: out,
  outbase: src,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const f of files) {
  if (/\.(ya?ml|sql|txt|html|css|json|hbs|j2)$/.test(f)) cpSync(f, join(out, relative(src, f)));
}

if (existsSync(join(src, 'web', 'index.html'))) {
  const vite = spawnSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    {
      cwd: join(src, 'web'),
      stdio: 'inherit',
    },
  );
  if (vite.status !== 0) process.exit(vite.status ?? 1);
}
