/**
 * The agent's REST API (spec §5) on plain node:http — Fastify would add ~20 MB to an agent whose idle
 * budget is 60 MB, and the API is a dozen routes. Generic rules, applied before any route:
 *   - every request must authenticate (401 JSON otherwise), HTML pages included;
 *   - a body must be JSON (415), parse (400) and, per route, pass its schema (400 "Failed to validate the
 *     request data against the schema: …");
 *   - API routes need an Accept that allows JSON (415 "Can only handle one of …");
 *   - an unknown path is 404, a known path with another method 405; a handler exception is 500 and is
 *     logged, its details are not sent. Errors are `{"error": "…"}`; JSON is pretty unless --no-pretty-json.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../core/logging.js';
import type { AgentControl } from './agent-control.js';
import { HttpError, type RequestContext } from './request-context.js';
import { apiRoutes, type Route } from './routes.js';

export const MAX_BODY_BYTES = 16 * 1024 * 1024;

function acceptsJson(header: string | undefined): boolean {
  if (!header) return true;
  return header.split(',').some((part) => {
    const type = part.split(';')[0]!.trim().toLowerCase();
    return type === '*/*' || type === 'application/*' || type === 'application/json';
  });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'the body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export function createAgentServer(
  control: AgentControl,
  logger: Logger,
  routes: readonly Route[] = apiRoutes,
): Server {
  const server = createServer((req, res) => {
    void handle(req, res).catch((err: unknown) => {
      logger.error({ err, method: req.method, url: req.url }, 'request failed');
      if (!res.headersSent) send(res, 500, { error: 'internal server error' }, control.prettyJson);
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://agent');
    // Routes match the path as sent (dot segments are not resolved: `/task_logs/..` is a bad id, not `/`).
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/{2,}/g, '/');
    const ctx: RequestContext = {
      req,
      res,
      url,
      params: [],
      caller: 'user',
      body: undefined,
      control,
      logger,
      json: (status, body) => send(res, status, body, control.prettyJson),
      html: (status, page) => {
        res
          .writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
          .end(page);
      },
    };
    const caller = control.authenticate(req.headers.authorization);
    if (!caller) {
      const challenge = control.basicAuthEnabled
        ? 'Basic realm="drover-agent", Bearer'
        : 'Bearer realm="drover-agent"';
      res.setHeader('www-authenticate', challenge);
      return ctx.json(401, { error: 'authentication required' });
    }
    ctx.caller = caller;
    const matching = routes.map((r) => ({ r, m: r.pattern.exec(path) })).filter((x) => x.m !== null);
    if (matching.length === 0) return ctx.json(404, { error: `no such resource: ${path}` });
    const hit = matching.find(
      (x) => x.r.method === req.method || (req.method === 'HEAD' && x.r.method === 'GET'),
    );
    if (!hit) {
      res.setHeader('allow', [...new Set(matching.map((x) => x.r.method))].join(', '));
      return ctx.json(405, { error: `${req.method} is not allowed on ${path}` });
    }
    const route = hit.r;
    ctx.params = hit.m!.slice(1).map((p) => decodeURIComponent(p ?? ''));
    if (route.kind !== 'html' && !acceptsJson(req.headers.accept) && route.kind !== 'csv') {
      return ctx.json(415, { error: 'Can only handle one of application/json' });
    }
    try {
      const raw = await readBody(req);
      if (raw.length > 0) {
        const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
        if (type !== 'application/json')
          return ctx.json(415, { error: `unsupported content type: ${type || '(none)'}` });
        try {
          ctx.body = JSON.parse(raw.toString('utf8'));
        } catch {
          return ctx.json(400, { error: 'the body is not valid JSON' });
        }
      }
      if (route.check) {
        const result = route.check(ctx.body ?? {});
        if (!result.ok)
          return ctx.json(400, {
            error: `Failed to validate the request data against the schema: ${result.message}`,
          });
        ctx.body = result.value;
      }
      if (caller === 'master' && route.masterContact) control.masterContacted();
      await route.handle(ctx);
    } catch (err) {
      if (err instanceof HttpError) return ctx.json(err.status, { error: err.message, ...err.extra });
      throw err;
    }
  }

  server.keepAliveTimeout = 5000;
  return server;
}

export function send(res: ServerResponse, status: number, body: unknown, pretty: boolean): void {
  if (body === undefined || status === 204) {
    res
      .writeHead(status, status === 204 ? {} : { 'content-type': 'application/json', 'content-length': '0' })
      .end();
    return;
  }
  const text = JSON.stringify(body, null, pretty ? 2 : undefined) + (pretty ? '\n' : '');
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(text)),
    })
    .end(text);
}

export async function listen(server: Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

export async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), 1000).unref();
  });
}
