/**
 * A thin JSON client for the master's `/api/v1`. Answers are typed by the caller with the `Static<>` types
 * of src/api/schemas (the master validates and serialises with the same schemas); errors become
 * MasterError (the master's `error` text and status) or MasterUnreachableError, never a raw fetch failure.
 *
 *   const client = new MasterClient(resolveConnection(io.env));
 *   const jobs = await client.get<JobListItem[]>('/jobs/', { state: ['running'] });
 */
import { SESSION_COOKIE } from '../../master/auth/session-cookie.js';
import { MasterError, MasterUnreachableError } from './client-errors.js';
import type { Connection } from './connection.js';

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;
export type Query = Readonly<Record<string, QueryValue>>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** Milliseconds; default 30 s; 0 = none (streams that stay open). */
  timeoutMs?: number;
  headers?: Record<string, string>;
  /** 'manual': a 3xx answer is returned rather than followed (its Location may need other credentials). */
  redirect?: 'follow' | 'manual';
}

const DEFAULT_TIMEOUT_MS = 30_000;

/** Encodes one path segment: a job title may hold spaces, slashes or `?`. */
export function segment(value: string | number): string {
  return encodeURIComponent(String(value));
}

export class MasterClient {
  constructor(
    readonly connection: Connection,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get baseUrl(): string {
    return this.connection.baseUrl;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query ? { query } : {});
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body: body ?? {} });
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body });
  }

  async delete(path: string): Promise<void> {
    await this.request<unknown>('DELETE', path);
  }

  /** Sends a request and parses the JSON answer (undefined for 204 and empty bodies). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    const text = await response.text();
    return (text === '' ? undefined : parseJson(text, response.status)) as T;
  }

  /** Sends a request and returns the raw response when it succeeded (streams, text bodies). */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<Response> {
    const url = this.url(path, options.query);
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    const credentials = this.connection.credentials;
    if (credentials?.kind === 'api') headers.authorization = `Bearer ${credentials.token}`;
    if (credentials?.kind === 'session') {
      headers.cookie = `${SESSION_COOKIE}=${encodeURIComponent(credentials.token)}`;
    }
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        ...(options.timeoutMs === 0
          ? {}
          : { signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS) }),
        redirect: options.redirect ?? 'follow',
      });
    } catch (err) {
      throw new MasterUnreachableError(this.baseUrl, describeFetchFailure(err), { cause: err });
    }
    const redirected = options.redirect === 'manual' && response.status >= 300 && response.status < 400;
    if (!response.ok && !redirected) throw await this.errorOf(response, method, path);
    return response;
  }

  url(path: string, query?: Query): string {
    const url = new URL(`${this.baseUrl}/api/v1${path}`);
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      const values = Array.isArray(value) ? value : [value];
      for (const v of values) url.searchParams.append(key, String(v));
    }
    return url.href;
  }

  private async errorOf(response: Response, method: string, path: string): Promise<MasterError> {
    const text = await response.text().catch(() => '');
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON (a proxy's HTML page, say): the status says enough.
    }
    const said =
      typeof body === 'object' && body !== null && typeof (body as { error?: unknown }).error === 'string'
        ? (body as { error: string }).error
        : typeof body === 'string' && body.trim() !== '' && body.length < 200
          ? body.trim()
          : `${response.status} ${response.statusText}`.trim();
    if (response.status === 401) {
      const hint = this.connection.credentials
        ? 'log in again with drover login'
        : `not logged in to ${this.baseUrl}: run drover login (or set DROVER_TOKEN)`;
      return new MasterError(401, `${said}; ${hint}`, body);
    }
    if (response.status === 404 && said === `404 ${response.statusText}`.trim()) {
      return new MasterError(404, `${method} ${path}: not found on ${this.baseUrl}`, body);
    }
    return new MasterError(response.status, said, body);
  }
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MasterError(status, `the master answered with something that is not JSON`, text, err);
  }
}

function describeFetchFailure(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  if ((err as Error).name === 'TimeoutError') return 'no answer in time';
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection refused (is it running? drover up starts one)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return cause?.message ?? (err as Error).message;
  }
}
