/**
 * Credential checks for the agent's API. Secrets are compared in constant time. Never open: without a
 * configured password, HTTP Basic is refused and only the master's secret and the local control secret
 * (readable by the agent's user in its state file) work.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Caller } from './agent-control.js';

export function sameSecret(given: string, expected: string): boolean {
  // Hashing first makes the comparison constant-time regardless of the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

export interface Credentials {
  masterSecrets: () => readonly string[];
  controlSecret: string;
  username: string;
  password: string | undefined;
}

export function authenticate(header: string | undefined, creds: Credentials): Caller | undefined {
  if (!header) return undefined;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) {
    const token = bearer[1]!;
    if (creds.masterSecrets().some((s) => s && sameSecret(token, s))) return 'master';
    if (sameSecret(token, creds.controlSecret)) return 'local';
    return undefined;
  }
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (basic && creds.password !== undefined) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const userOk = sameSecret(decoded.slice(0, colon), creds.username);
    const passOk = sameSecret(decoded.slice(colon + 1), creds.password);
    return userOk && passOk ? 'user' : undefined;
  }
  return undefined;
}
