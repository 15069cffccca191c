/**
 * The OpenAPI document of the master as the code declares it, for `npm run openapi` (which writes
 * docs/openapi.json) and the drift test (which compares that file with this). It is built from a real
 * master on a throwaway in-memory SQLite database with the default configuration, so the document never
 * depends on a site's settings.
 */
import { tmpdir } from 'node:os';
import { loadConfig } from '../core/config/index.js';
import { silentLogger } from '../core/logging.js';
import { createMaster } from './master.js';

export async function buildOpenApiDocument(version: string): Promise<Record<string, unknown>> {
  const { config } = loadConfig({
    env: {},
    cwd: tmpdir(),
    overrides: { database: 'sqlite://', statistics_database: 'sqlite://' },
  });
  const master = await createMaster({ config, logger: silentLogger(), version });
  try {
    await master.app.ready();
    return master.app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await master.close();
  }
}

/** The committed form: two-space JSON with a final newline (prettier leaves docs/openapi.json alone). */
export function formatOpenApiDocument(document: Record<string, unknown>): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
