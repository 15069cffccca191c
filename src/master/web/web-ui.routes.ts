/**
 * The web UI: the single-page app built into dist/web (`node scripts/build.mjs`), served at `/`.
 * - a file of the build is sent as it is; hashed files under /assets/ are cached for a year (their names
 *   change with their content), everything else must be revalidated so a new build shows up at once;
 * - any other GET outside /api/ that accepts HTML gets index.html, so /jobs/42 reloads into the app;
 * - everything else is the app's JSON 404.
 * When the UI is not built the master still runs and `/` says so.
 */
import { statSync } from 'node:fs';
import { join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { MasterApp } from '../http/app.js';

/** dist/web next to dist/master (built) or at the repository root (sources run by tsx). */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../dist/web', import.meta.url));

const YEAR_MS = 365 * 24 * 3600 * 1000;

export function webUiRoutes(root: string = DEFAULT_WEB_ROOT) {
  return async (app: MasterApp) => {
    const options = { config: { access: 'public' as const }, schema: { hide: true } };
    if (!isFile(join(root, 'index.html'))) {
      app.get('/', options, async (_req, reply) =>
        reply
          .status(503)
          .type('text/html; charset=utf-8')
          .header('cache-control', 'no-store')
          .send(NOT_BUILT_PAGE),
      );
      return;
    }
    await app.register(fastifyStatic, { root, serve: false });
    app.get('/*', options, (request, reply) => serve(root, request, reply));
  };
}

function serve(root: string, request: FastifyRequest, reply: FastifyReply): void {
  const path = decodePath(request.url);
  if (path === undefined || path.startsWith('/api/')) return reply.callNotFound();
  const file = normalize(path).replace(/^[/\\]+/, '');
  const inside = file !== '' && !file.split(sep).includes('..');
  if (inside && isFile(join(root, file))) {
    const hashed = file.startsWith(`assets${sep}`);
    if (hashed) reply.sendFile(file, { maxAge: YEAR_MS, immutable: true });
    else reply.header('cache-control', 'no-cache').sendFile(file, { cacheControl: false });
    return;
  }
  if (!acceptsHtml(request)) return reply.callNotFound();
  reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });
}

function decodePath(url: string): string | undefined {
  try {
    return decodeURIComponent(url.split('?')[0] ?? '/');
  } catch {
    return undefined;
  }
}

function acceptsHtml(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/html');
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Drover</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}
code{background:#f2f2f2;padding:.1em .3em;border-radius:3px}</style></head>
<body><h1>Drover master</h1>
<p>The web UI is not built, so only the REST API is served (<a href="/docs">API documentation</a>).</p>
<p>Build it with <code>npm run build</code> and reload this page.</p></body></html>
`;
