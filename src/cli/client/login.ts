/**
 * `drover login` and `drover logout`.
 *
 * Login opens a session with the user's password (`POST /login`), then asks for an API token with that
 * session (`POST /tokens/`, allowed to admins) and ends the session; a user who may not create tokens
 * keeps the session token instead (it expires after the master's cookie_duration). Either is stored with
 * the master URL in the credentials file. A previous API token for the same master is revoked, so that
 * logging in again does not pile up live tokens.
 *
 * Logout revokes the stored token on the master (or ends the session) and deletes the file; when the
 * master cannot be reached the file is deleted anyway and a warning says the token may still be live.
 */
import { hostname } from 'node:os';
import type { Static } from 'typebox';
import type { CreatedToken, UserView } from '../../api/schemas/auth.js';
import { readCookie, SESSION_COOKIE } from '../../master/auth/session-cookie.js';
import { CliExit, type CliIO } from '../io.js';
import { ClientError, MasterError } from './client-errors.js';
import { DEFAULT_MASTER, normaliseMasterUrl, type Connection } from './connection.js';
import {
  credentialsPath,
  readCredentials,
  removeCredentials,
  writeCredentials,
  type StoredCredentials,
} from './credentials.js';
import { MasterClient } from './master-client.js';
import { promptLine, readAllStdin, stdinIsTerminal } from './prompt.js';

export interface LoginOptions {
  master?: string;
  username?: string;
  passwordStdin?: boolean;
  json?: boolean;
}

async function askCredentials(
  io: CliIO,
  options: LoginOptions,
): Promise<{ username: string; password: string }> {
  const terminal = stdinIsTerminal(io);
  let username = options.username;
  if (username === undefined) {
    if (!terminal || options.passwordStdin) throw new CliExit(2, 'give the user name with --username');
    username = (await promptLine(io, 'Username: ')).trim();
  }
  let password: string;
  if (options.passwordStdin) {
    password = (await readAllStdin(io)).replace(/\r?\n$/, '');
  } else if (terminal) {
    password = await promptLine(io, 'Password: ', { hidden: true });
  } else {
    throw new CliExit(2, 'no terminal to ask for the password: use --password-stdin');
  }
  if (username === '') throw new CliExit(2, 'the user name is empty');
  if (password === '') throw new CliExit(2, 'the password is empty');
  return { username, password };
}

/** Logs in and stores the credentials; returns them (and where they were written). */
export async function login(
  io: CliIO,
  options: LoginOptions,
): Promise<{ credentials: StoredCredentials; path: string }> {
  const previous = readStoredQuietly(io);
  const baseUrl = normaliseMasterUrl(
    options.master ?? (io.env.DROVER_MASTER || undefined) ?? previous?.master ?? DEFAULT_MASTER,
  );
  const { username, password } = await askCredentials(io, options);

  const anonymous = new MasterClient({ baseUrl, credentials: undefined, username: undefined });
  const response = await anonymous.send('POST', '/login', { body: { username, password } }).catch((err) => {
    if (err instanceof MasterError && err.status === 401) {
      throw new MasterError(401, `cannot log in to ${baseUrl}: wrong username or password`, err.body);
    }
    throw err;
  });
  const account = (await response.json()) as Static<typeof UserView>;
  const session = response.headers
    .getSetCookie()
    .map((cookie) => readCookie(cookie.split(';')[0], SESSION_COOKIE))
    .find((value) => value !== undefined && value !== '');
  if (session === undefined) throw new CliExit(1, `${baseUrl} did not open a session`);

  const withSession: Connection = { baseUrl, credentials: { token: session, kind: 'session' }, username };
  const sessionClient = new MasterClient(withSession);
  let credentials: StoredCredentials = {
    master: baseUrl,
    username: account.username,
    token: session,
    kind: 'session',
    token_id: null,
  };
  try {
    const issued = await sessionClient.post<Static<typeof CreatedToken>>('/tokens/', {
      name: `drover CLI (${account.username}@${hostname()})`,
    });
    credentials = { ...credentials, token: issued.token, kind: 'api', token_id: issued.id };
  } catch (err) {
    if (!(err instanceof MasterError && err.status === 403)) throw err;
  }

  if (credentials.kind === 'api') {
    const apiClient = new MasterClient({ baseUrl, credentials, username });
    if (previous?.kind === 'api' && previous.token_id !== null && sameMaster(previous.master, baseUrl)) {
      await apiClient.delete(`/tokens/${previous.token_id}`).catch(() => undefined);
    }
    await sessionClient.request('POST', '/logout').catch(() => undefined);
  }
  const path = writeCredentials(io.env, credentials);
  return { credentials, path };
}

export interface LogoutResult {
  loggedOut: boolean;
  master?: string;
  /** Set when the token could not be revoked on the master (it may still be valid). */
  warning?: string;
}

export async function logout(io: CliIO): Promise<LogoutResult> {
  const stored = readStoredQuietly(io);
  if (!stored) {
    removeCredentials(io.env);
    return { loggedOut: false };
  }
  const client = new MasterClient({
    baseUrl: normaliseMasterUrl(stored.master),
    credentials: { token: stored.token, kind: stored.kind },
    username: stored.username,
  });
  let warning: string | undefined;
  try {
    if (stored.kind === 'api' && stored.token_id !== null) await client.delete(`/tokens/${stored.token_id}`);
    if (stored.kind === 'session') await client.request('POST', '/logout');
  } catch (err) {
    // A token the master no longer accepts is as good as revoked.
    const gone = err instanceof MasterError && (err.status === 401 || err.status === 404);
    if (!gone) {
      warning = `could not revoke the token on ${stored.master} (${(err as Error).message}); it may still be valid`;
    }
  }
  removeCredentials(io.env);
  return { loggedOut: true, master: stored.master, ...(warning ? { warning } : {}) };
}

/** Damaged credentials must not stop a new login or a logout: they are replaced or deleted. */
function readStoredQuietly(io: CliIO): StoredCredentials | undefined {
  try {
    return readCredentials(io.env);
  } catch (err) {
    if (err instanceof ClientError) {
      io.stderr.write(`drover: warning: ignoring ${credentialsPath(io.env)}: ${err.message}\n`);
      return undefined;
    }
    throw err;
  }
}

function sameMaster(a: string, b: string): boolean {
  try {
    return normaliseMasterUrl(a) === normaliseMasterUrl(b);
  } catch {
    return false;
  }
}
