/**
 * The benchmark's HTTP client: undici pools with keep-alive (one connection for the sequential client,
 * one per concurrent client), JSON in and out, and a loud failure on any unexpected status so that a
 * figure is never measured on error responses.
 */
import { Pool } from 'undici';

export class ApiClient {
  private readonly pool: Pool;

  constructor(
    readonly baseUrl: string,
    private readonly token: string,
    connections = 1,
  ) {
    this.pool = new Pool(baseUrl, { connections, pipelining: 1 });
  }

  async request<T = unknown>(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    expect = [200, 201, 204],
  ): Promise<T> {
    const text = await this.text(method, path, body, expect);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  }

  /** The response's text, unparsed: a request timed to the last byte of the response. */
  async text(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
    expect = [200, 201, 204],
  ): Promise<string> {
    const res = await this.pool.request({
      method,
      path,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.body.text();
    if (!expect.includes(res.statusCode)) {
      throw new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 500)}`);
    }
    return text;
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** Milliseconds of `fn`. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}
