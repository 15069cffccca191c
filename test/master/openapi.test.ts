import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_PREFIX } from '../../src/master/http/app.js';
import { registeredRoutes, type RouteEntry } from '../../src/master/http/route-catalog.js';
import { buildOpenApiDocument, formatOpenApiDocument } from '../../src/master/openapi-document.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestMaster, type TestMaster } from '../support/master.js';

const root = new URL('../../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };

interface Operation {
  summary?: string;
  tags?: string[];
  responses?: Record<string, unknown>;
}
type Paths = Record<string, Record<string, Operation>>;

/** Fastify's `/jobs/:job` is OpenAPI's `/jobs/{job}`. */
function openApiPath(url: string): string {
  return url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

describe('the OpenAPI document', () => {
  it('is committed as docs/openapi.json exactly as the code produces it (run `npm run openapi`)', async () => {
    const generated = formatOpenApiDocument(await buildOpenApiDocument(version));
    const committed = readFileSync(new URL('docs/openapi.json', root), 'utf8');
    // Compare the parsed documents first for a readable diff, then the text (formatting included).
    expect(JSON.parse(committed), 'docs/openapi.json is stale: run `npm run openapi`').toEqual(
      JSON.parse(generated),
    );
    expect(committed).toBe(generated);
  });

  describe('served by the master', () => {
    let database: TestDatabase;
    let farm: TestMaster;
    let routes: RouteEntry[];
    let paths: Paths;
    beforeAll(async () => {
      database = await createTestDatabase('sqlite');
      farm = await createTestMaster(database);
      await farm.master.app.ready();
      routes = registeredRoutes(farm.master.app);
      const res = await farm.inject({ url: `${API_PREFIX}/openapi.json`, as: 'anonymous' });
      expect(res.statusCode).toBe(200);
      paths = res.json().paths as Paths;
    });
    afterAll(async () => {
      await farm.close();
      await database.destroy();
    });

    it('documents every route, with a summary, tags and a success response', () => {
      const visible = routes.filter((route) => !route.hidden);
      expect(visible.length).toBeGreaterThan(10);
      const missing: string[] = [];
      for (const route of visible) {
        const operation = paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
        const name = `${route.method} ${route.url}`;
        if (!operation) {
          missing.push(name);
          continue;
        }
        expect(operation.summary, `${name} has no summary`).toBeTruthy();
        expect(operation.tags?.length, `${name} has no tags`).toBeGreaterThan(0);
        const codes = Object.keys(operation.responses ?? {});
        // A route kept only to refuse (405, as the seed documents for some URLs) has no success.
        expect(
          codes.some((code) => /^[23]\d\d$/.test(code) || code === '405'),
          `${name} declares no success response`,
        ).toBe(true);
      }
      expect(missing, 'routes missing from the OpenAPI document').toEqual([]);
    });

    it('hides only the docs UI, the web UI, the document itself and the root aliases of documented routes', () => {
      for (const route of routes.filter((r) => r.hidden)) {
        const name = `${route.method} ${route.url}`;
        if (route.url === '/docs' || route.url.startsWith('/docs/')) continue;
        // The web UI's files and pages (src/master/web/web-ui.routes.ts) are not part of the REST API.
        if (route.url === '/*' || route.url === '/') continue;
        if (route.url === `${API_PREFIX}/openapi.json`) continue;
        const aliased = paths[openApiPath(`${API_PREFIX}${route.url}`)]?.[route.method.toLowerCase()];
        expect(aliased, `${name} is hidden from the documentation`).toBeDefined();
      }
    });

    it('shows the documentation at /docs to anyone', async () => {
      let page = await farm.inject({ url: '/docs', as: 'anonymous' });
      for (let hops = 0; page.statusCode === 302 && hops < 3; hops++) {
        page = await farm.inject({ url: String(page.headers.location), as: 'anonymous' });
      }
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body).toContain('swagger');
      const initializer = await farm.inject({ url: '/docs/static/swagger-initializer.js', as: 'anonymous' });
      expect(initializer.statusCode).toBe(200);
      const json = await farm.inject({ url: '/docs/json', as: 'anonymous' });
      expect(json.statusCode).toBe(200);
      expect(Object.keys(json.json().paths)).toEqual(Object.keys(paths));
    });
  });
});
