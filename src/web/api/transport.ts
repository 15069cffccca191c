/**
 * The one place the UI talks HTTP to the master. The typed surface is generated (./client.gen.ts); this
 * module builds URLs and query strings, sends JSON or raw bodies with the session cookie, and turns every
 * non-2xx answer into an ApiError carrying the status and the server's message. It has no UI side effects:
 * what a 401 means for the page is decided by the app (see app/query-client.ts).
 */

export interface RequestOptions {
  path?: Record<string, string | number>;
  query?: Record<string, unknown>;
  body?: unknown;
  /** For raw bodies (images, CSV); JSON otherwise. */
  contentType?: string;
  signal?: AbortSignal;
}

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** The request never reached the master or its answer was cut off. */
export class NetworkError extends Error {
  override readonly name = 'NetworkError';
}

export function buildPath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} for ${template}`);
    return encodeURIComponent(String(value));
  });
}

/** Arrays repeat the key (`state=queued&state=running`); undefined, null and '' are left out. */
export function buildQuery(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === undefined || item === null || item === '') continue;
      params.append(key, String(item));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export async function send(method: string, template: string, options: RequestOptions = {}): Promise<unknown> {
  return (await sendWithHeaders(method, template, options)).data;
}

/** Like `send`, with the response headers (paged lists put their total in `X-Total-Count`). */
export async function sendWithHeaders(
  method: string,
  template: string,
  options: RequestOptions = {},
): Promise<{ data: unknown; headers: Headers }> {
  const url = buildPath(template, options.path) + buildQuery(options.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  let body: BodyInit | undefined;
  if (options.body !== undefined) {
    if (options.contentType && options.contentType !== 'application/json') {
      headers['content-type'] = options.contentType;
      body = options.body as BodyInit;
    } else {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method: method.toUpperCase(),
      headers,
      body,
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new NetworkError(`the master did not answer (${(err as Error).message})`);
  }
  const payload = await readBody(response);
  if (!response.ok) {
    const message =
      payload && typeof payload === 'object' && typeof (payload as { error?: unknown }).error === 'string'
        ? (payload as { error: string }).error
        : `${response.status} ${response.statusText}`.trim();
    throw new ApiError(response.status, message, payload);
  }
  return { data: payload, headers: response.headers };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204 || response.status === 205) return null;
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    const text = await response.text();
    return text ? (JSON.parse(text) as unknown) : null;
  }
  if (type.startsWith('text/')) return response.text();
  return response.blob();
}
