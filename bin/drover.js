#!/usr/bin/env node
// The package builds dist/ on `npm install` (the `prepare` script). Running from a checkout whose dist/
// is missing or stale is a developer mistake we report plainly rather than with a module-not-found trace.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('drover: dist/ is missing; run `npm install` (or `npm run build`) first\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
