/**
 * The CLI's stored login: `$XDG_CONFIG_HOME/drover/credentials.json` (default `~/.config/drover/…`),
 * readable by its owner only (the file 0600, its directory 0700). It holds one master URL and a token for
 * it: an API token when the user may create one, else the browser-session token `drover login` got.
 *
 * The file is replaced atomically (written beside it, then renamed), so a reader never sees half a file.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { CredentialsError } from './client-errors.js';

export type TokenKind = 'api' | 'session';

export interface StoredCredentials {
  /** The master's base URL, e.g. `http://127.0.0.1:5000` (no trailing slash, no /api/v1). */
  master: string;
  username: string;
  token: string;
  kind: TokenKind;
  /** The API token's id, so that `drover logout` can revoke it; null for a session. */
  token_id: number | null;
}

export function credentialsPath(env: NodeJS.ProcessEnv): string {
  const configHome = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(configHome, 'drover', 'credentials.json');
}

function isCredentials(value: unknown): value is StoredCredentials {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.master === 'string' &&
    typeof v.username === 'string' &&
    typeof v.token === 'string' &&
    (v.kind === 'api' || v.kind === 'session') &&
    (v.token_id === null || typeof v.token_id === 'number')
  );
}

/** The stored credentials, or undefined when there are none. A damaged file is an error, not absence. */
export function readCredentials(env: NodeJS.ProcessEnv): StoredCredentials | undefined {
  const path = credentialsPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CredentialsError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CredentialsError(`${path} is not valid JSON; run drover login again`, { cause: err });
  }
  if (!isCredentials(parsed)) {
    throw new CredentialsError(`${path} does not hold Drover credentials; run drover login again`);
  }
  return parsed;
}

export function writeCredentials(env: NodeJS.ProcessEnv, credentials: StoredCredentials): string {
  const path = credentialsPath(env);
  const dir = dirname(path);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
    // The mode given to writeFileSync is filtered by the umask and ignored for an existing file.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } catch (err) {
    throw new CredentialsError(`cannot write ${path}: ${(err as Error).message}`, { cause: err });
  }
  return path;
}

/** Deletes the stored credentials; false when there were none. */
export function removeCredentials(env: NodeJS.ProcessEnv): boolean {
  const path = credentialsPath(env);
  try {
    rmSync(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new CredentialsError(`cannot delete ${path}: ${(err as Error).message}`, { cause: err });
  }
}
