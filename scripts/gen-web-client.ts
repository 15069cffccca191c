/**
 * `npm run gen:client`: writes src/web/api/client.gen.ts — the types of every path, operation and schema of
 * the master's REST API plus a typed fetch wrapper — from the OpenAPI document. The document is
 * docs/openapi.json when it exists (kept current by its own drift test), else it is built from the app
 * (createMaster on a temporary SQLite database, `app.swagger()`). test/web/client-gen.test.ts fails when
 * the committed client differs from what this script would write.
 *
 *   npx tsx scripts/gen-web-client.ts           # write the client
 *   npx tsx scripts/gen-web-client.ts --check   # exit 1 when it is stale
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderClient, type OpenApiDocument } from './web-client/render-client.js';

const root = fileURLToPath(new URL('..', import.meta.url));
export const CLIENT_PATH = join(root, 'src/web/api/client.gen.ts');
const DOCUMENT_PATH = join(root, 'docs/openapi.json');

/** The OpenAPI document the client is generated from. */
export async function loadOpenApiDocument(): Promise<OpenApiDocument> {
  if (existsSync(DOCUMENT_PATH)) return JSON.parse(readFileSync(DOCUMENT_PATH, 'utf8')) as OpenApiDocument;
  return documentFromApp();
}

async function documentFromApp(): Promise<OpenApiDocument> {
  const { loadConfig } = await import('../src/core/config/index.js');
  const { silentLogger } = await import('../src/core/logging.js');
  const { createMaster } = await import('../src/master/master.js');
  const dir = mkdtempSync(join(tmpdir(), 'drover-openapi-'));
  try {
    const url = `sqlite:///${join(dir, 'drover.sqlite')}`;
    const { config } = loadConfig({
      env: {},
      cwd: dir,
      overrides: { database: url, statistics_database: url, tasklogs_dir: join(dir, 'logs') },
    });
    const master = await createMaster({ config, logger: silentLogger(), version: 'generated' });
    try {
      await master.app.ready();
      return master.app.swagger() as unknown as OpenApiDocument;
    } finally {
      await master.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function generateClientSource(): Promise<string> {
  return renderClient(await loadOpenApiDocument());
}

async function main(args: readonly string[]): Promise<number> {
  const source = await generateClientSource();
  const current = existsSync(CLIENT_PATH) ? readFileSync(CLIENT_PATH, 'utf8') : '';
  if (args.includes('--check')) {
    if (current === source) return 0;
    console.error(`${CLIENT_PATH} is stale: run npm run gen:client`);
    return 1;
  }
  if (current !== source) writeFileSync(CLIENT_PATH, source);
  console.log(`${current === source ? 'unchanged' : 'wrote'} ${CLIENT_PATH}`);
  return 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = await main(process.argv.slice(2));
}
