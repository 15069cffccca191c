/**
 * One HTTP request with node:http(s) — not `fetch`, which costs the agent ~20 MB of resident memory for
 * undici. Bodies are buffers, streams or nothing; answers are read whole (the master's answers are small)
 * unless the caller asks for the stream. Persistent connections through a keep-alive agent.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';

export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | string | Readable;
  timeoutMs: number;
}

export interface HttpAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** The request did not produce an HTTP answer (refused, reset, timed out, DNS). */
export class NetworkError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NetworkError';
  }
}

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 8 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 8 });

/** Closes idle keep-alive connections so a stopping process is not held open by them. */
export function closeIdleConnections(): void {
  httpAgent.destroy();
  httpsAgent.destroy();
}

export function sendRequest(
  req: HttpRequest,
  onResponse?: (res: IncomingMessage) => Promise<Buffer>,
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const isHttps = req.url.protocol === 'https:';
    const headers = { ...req.headers };
    if (typeof req.body === 'string' || Buffer.isBuffer(req.body))
      headers['content-length'] = String(Buffer.byteLength(req.body));
    const r = (isHttps ? httpsRequest : httpRequest)(
      req.url,
      { method: req.method, headers, agent: isHttps ? httpsAgent : httpAgent, timeout: req.timeoutMs },
      (res) => {
        const read = onResponse
          ? onResponse(res)
          : new Promise<Buffer>((done, fail) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => done(Buffer.concat(chunks)));
              res.on('error', fail);
            });
        read.then(
          (body) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }),
          (err: Error) =>
            reject(new NetworkError(`reading the answer failed: ${err.message}`, { cause: err })),
        );
      },
    );
    r.on('timeout', () => r.destroy(new Error(`no answer within ${req.timeoutMs} ms`)));
    r.on('error', (err) => reject(new NetworkError(err.message, { cause: err })));
    if (req.body === undefined) r.end();
    else if (typeof req.body === 'string' || Buffer.isBuffer(req.body)) r.end(req.body);
    else {
      req.body.on('error', (err) => r.destroy(err));
      req.body.pipe(r);
    }
  });
}
