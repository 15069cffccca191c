import { readFileSync } from 'node:fs';

function readVersion(): string {
  // src/cli/version.ts and dist/cli/version.js both sit two levels below package.json.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export const version = readVersion();
