/**
 * Which master a client command talks to and with which credentials:
 *   master URL: `--master`, else DROVER_MASTER, else the stored login's, else http://127.0.0.1:5000;
 *   token:      DROVER_TOKEN, else the stored login's token — but only when the stored login is for that
 *               very master, so that a token never travels to a master it was not issued by.
 */
import { ValidationError } from '../../core/errors.js';
import { readCredentials, type TokenKind } from './credentials.js';

export const DEFAULT_MASTER = 'http://127.0.0.1:5000';

export interface Credentials {
  token: string;
  kind: TokenKind;
}

export interface Connection {
  /** Base URL without a trailing slash; the API is at `${baseUrl}/api/v1`. */
  baseUrl: string;
  credentials: Credentials | undefined;
  /** The stored user name, when the credentials came from `drover login`. */
  username: string | undefined;
}

/** `farm:5000`, `http://farm:5000/`, `http://farm:5000/api/v1` → `http://farm:5000`. */
export function normaliseMasterUrl(value: string): string {
  const text = value.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ValidationError(`${value} is not a master URL (e.g. http://farm:5000)`, {
      field: 'master',
      value,
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(`${value}: the master URL must be http:// or https://`, {
      field: 'master',
      value,
    });
  }
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/v1$/, '');
  return `${url.protocol}//${url.host}${path}`;
}

export function resolveConnection(env: NodeJS.ProcessEnv, options: { master?: string } = {}): Connection {
  const stored = readCredentials(env);
  const explicit = options.master ?? (env.DROVER_MASTER || undefined);
  const baseUrl = normaliseMasterUrl(explicit ?? stored?.master ?? DEFAULT_MASTER);
  if (env.DROVER_TOKEN) {
    return { baseUrl, credentials: { token: env.DROVER_TOKEN, kind: 'api' }, username: undefined };
  }
  if (stored && normaliseMasterUrl(stored.master) === baseUrl) {
    return {
      baseUrl,
      credentials: { token: stored.token, kind: stored.kind },
      username: stored.username,
    };
  }
  return { baseUrl, credentials: undefined, username: undefined };
}
