/**
 * API tokens (kind "api"), browser sessions ("session") and agent tokens ("agent"). Only a SHA-256 hex
 * digest of a token is stored; the caller hashes what a client presents and looks it up here.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { ApiTokensTable, Database, Millis, TokenKind } from '../database.js';
import { insertReturningId } from '../inserts.js';
import { checkMillis, checkString, invalid, nullable } from '../rules/field-rules.js';
import { nowOf, type WriteOptions } from '../write-options.js';

export type { TokenKind } from '../database.js';

export interface ApiToken {
  readonly id: number;
  readonly userId: number;
  readonly name: string;
  readonly kind: TokenKind;
  readonly tokenHash: string;
  /** The first characters of the token, shown in listings so that a user can tell tokens apart. */
  readonly prefix: string;
  readonly createdOn: Millis;
  readonly lastUsed: Millis | null;
  readonly expires: Millis | null;
  readonly revoked: boolean;
}

export interface NewApiToken {
  userId: number;
  name: string;
  kind: TokenKind;
  tokenHash: string;
  prefix: string;
  expires?: Millis | null;
}

const TOKEN_KINDS: readonly TokenKind[] = ['api', 'session', 'agent'];
const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Stores a token (created now, see WriteOptions). The user must exist. */
export async function createToken(
  db: Kysely<Database>,
  input: NewApiToken,
  options?: WriteOptions,
): Promise<ApiToken> {
  if (!TOKEN_KINDS.includes(input.kind))
    throw invalid('kind', input.kind, `must be one of ${TOKEN_KINDS.join(', ')}`);
  if (typeof input.tokenHash !== 'string' || !SHA256_HEX.test(input.tokenHash)) {
    throw invalid('token_hash', '[redacted]', 'must be a lower-case SHA-256 hex digest');
  }
  const user = await db.selectFrom('users').select('id').where('id', '=', input.userId).executeTakeFirst();
  if (!user) throw new NotFoundError('user', input.userId);
  const row = {
    user_id: input.userId,
    name: checkString('name', input.name, { maxLength: 255 }),
    kind: input.kind,
    token_hash: input.tokenHash,
    prefix: checkString('prefix', input.prefix, { maxLength: 16, nonEmpty: false }),
    created_on: nowOf(options),
    last_used: null,
    expires: nullable(input.expires, (v) => checkMillis('expires', v)) ?? null,
    revoked: false,
  };
  const id = await insertReturningId(db, 'api_tokens', row);
  return toToken({ id, ...row });
}

/** The token with this hash, whatever its state (revoked and expired tokens included: the caller decides). */
export async function findTokenByHash(
  db: Kysely<Database>,
  tokenHash: string,
): Promise<ApiToken | undefined> {
  const row = await db
    .selectFrom('api_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row && toToken(row);
}

export async function findToken(db: Kysely<Database>, id: number): Promise<ApiToken | undefined> {
  const row = await db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toToken(row);
}

export async function listTokens(
  db: Kysely<Database>,
  filter: { userId?: number; kind?: TokenKind } = {},
): Promise<ApiToken[]> {
  let query = db.selectFrom('api_tokens').selectAll().orderBy('id');
  if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  return (await query.execute()).map(toToken);
}

/** Records a use of the token. */
export async function touchToken(db: Kysely<Database>, id: number, when: Millis): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used: when }).where('id', '=', id).execute();
}

/** Marks a token revoked; false when there is no such token. */
export async function revokeToken(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db
    .updateTable('api_tokens')
    .set({ revoked: true })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function deleteToken(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Deletes tokens that expired before `now`; returns how many. */
export async function deleteExpiredTokens(db: Kysely<Database>, now: Millis): Promise<number> {
  const result = await db.deleteFrom('api_tokens').where('expires', '<', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toToken(row: Selectable<ApiTokensTable>): ApiToken {
  return {
    id: row.id,
    userId: row.user_id,
    name: row.name,
    kind: row.kind,
    tokenHash: row.token_hash,
    prefix: row.prefix,
    createdOn: row.created_on,
    lastUsed: row.last_used,
    expires: row.expires,
    revoked: row.revoked,
  };
}
