/**
 * Writes docs/openapi.json from the code (`npm run openapi`). Run it after changing a route or a schema;
 * test/master/openapi.test.ts fails while the committed document differs from the code.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { buildOpenApiDocument, formatOpenApiDocument } from '../src/master/openapi-document.js';

const root = new URL('../', import.meta.url);
const { version } = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version: string };
const target = new URL('docs/openapi.json', root);
const document = await buildOpenApiDocument(version);
writeFileSync(target, formatOpenApiDocument(document));
const paths = Object.keys(document.paths as object).length;
console.log(`wrote ${target.pathname} (${paths} paths, version ${version})`);
