/**
 * Token strings. A token is `drv_` + 32 random base64url characters; the database keeps only its SHA-256
 * (hex) and a short prefix so that people can tell their tokens apart in listings.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface IssuedSecret {
  /** The token itself: shown once, never stored. */
  token: string;
  hash: string;
  prefix: string;
}

export function issueSecret(): IssuedSecret {
  const token = `drv_${randomBytes(24).toString('base64url')}`;
  return { token, hash: hashSecret(token), prefix: token.slice(0, 12) };
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
