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

// The agent daemon also as one minified file: loaded from ~900 separate modules (TypeBox alone has 700)
// an idle agent holds ~20 MB more resident memory than from one bundle, and its source text stays on the
// heap. `drover agent start` prefers the bundle. keepNames: error classes report their own names.
await build({
  entryPoints: [join(src, 'agent/daemon/daemon-entry.ts')],
  outfile: join(out, 'agent/agent-daemon.bundle.js'),
  bundle: true,
  minify: true,
  keepNames: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  logLevel: 'warning',
  banner: {
    js: "import { createRequire as __droverCreateRequire } from 'node:module'; const require = __droverCreateRequire(import.meta.url);",
  },
});

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
