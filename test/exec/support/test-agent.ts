/**
 * A stand-in for a Drover agent's `POST /api/v1/exec` route, on loopback: HTTP Basic authentication,
 * the remote-exec switch (403 when off), body validation against the shared schema (400), then the
 * agent-side runner (`serveExec`) streaming NDJSON; a client that goes away kills the command.
 * It lets the agent transport run the transport contract before the agent daemon carries the route.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Compile } from 'typebox/compile';
import { EXEC_CONTENT_TYPE, EXEC_DISABLED_MESSAGE, ExecRequest } from '../../../src/api/agent-exec/index.js';
import { serveExec } from '../../../src/exec/index.js';

export interface TestAgent {
  url: string;
  /** Requests received, for assertions. */
  requests: ExecRequest[];
  stop(): Promise<void>;
}

const checkRequest = Compile(ExecRequest);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startTestAgent(
  options: { user?: string; password?: string; remoteExec?: boolean } = {},
): Promise<TestAgent> {
  const expected = `Basic ${Buffer.from(`${options.user ?? 'agent'}:${options.password ?? 'secret'}`).toString('base64')}`;
  const requests: ExecRequest[] = [];
  const server: Server = createServer((req, res) => {
    const fail = (status: number, error: string): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
    };
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/api/v1/exec') return fail(404, 'not found');
      if (req.headers.authorization !== expected) return fail(401, 'authentication required');
      if (options.remoteExec === false) return fail(403, EXEC_DISABLED_MESSAGE);
      let body: unknown;
      try {
        body = JSON.parse(await readBody(req));
      } catch {
        return fail(400, 'body is not JSON');
      }
      if (!checkRequest.Check(body)) return fail(400, 'invalid exec request');
      requests.push(body);
      res.writeHead(200, { 'content-type': EXEC_CONTENT_TYPE });
      const gone = new AbortController();
      res.on('close', () => gone.abort());
      await serveExec(body, (event) => res.write(`${JSON.stringify(event)}\n`), {
        signal: gone.signal,
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      });
      res.end();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api/v1`,
    requests,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
