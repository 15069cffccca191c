/**
 * Users and their roles. Passwords are hashed by the caller (the master); this layer stores the hash.
 * A user is addressed by id or username.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, Millis, RolesTable, UsersTable } from '../database.js';
import { insertReturningId } from '../inserts.js';
import { checkBoolean, checkMillis, checkString, nullable } from '../rules/field-rules.js';
import { transaction } from '../transaction.js';

export interface User {
  readonly id: number;
  readonly active: boolean;
  readonly username: string;
  /** The stored password hash; null for users who cannot log in (e.g. created by a job submission). */
  readonly passwordHash: string | null;
  readonly email: string | null;
  readonly expiration: Millis | null;
  readonly onetimeCode: string | null;
  readonly lastLogin: Millis | null;
}

export interface Role {
  readonly id: number;
  readonly active: boolean;
  readonly name: string;
  readonly expiration: Millis | null;
  readonly description: string | null;
}

export interface NewUser {
  username: string;
  passwordHash?: string | null;
  email?: string | null;
  active?: boolean;
  expiration?: Millis | null;
  /** Role names; each must exist. */
  roles?: readonly string[];
}

export type UserPatch = Partial<Omit<NewUser, 'roles'>> & {
  onetimeCode?: string | null;
  lastLogin?: Millis | null;
};

export type UserKey = number | string;

export async function createUser(db: Kysely<Database>, input: NewUser): Promise<User> {
  const values = checkUserFields(input);
  const username = checkString('username', input.username, { maxLength: 255 });
  return transaction(db, async (trx) => {
    const row = {
      username,
      password: values.password ?? null,
      email: values.email ?? null,
      active: values.active ?? true,
      expiration: values.expiration ?? null,
      onetime_code: null,
      last_login: null,
    };
    const id = await insertReturningId(trx, 'users', row);
    if (input.roles && input.roles.length > 0) await setUserRoles(trx, id, input.roles);
    return toUser({ id, ...row });
  });
}

export async function findUser(db: Kysely<Database>, key: UserKey): Promise<User | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where(typeof key === 'number' ? 'id' : 'username', '=', key)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function getUser(db: Kysely<Database>, key: UserKey): Promise<User> {
  const user = await findUser(db, key);
  if (!user) throw new NotFoundError('user', key);
  return user;
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<User | undefined> {
  const row = await db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map(toUser);
}

/** The user with this name, created (without password, email or roles) when missing. */
export async function findOrCreateUser(db: Kysely<Database>, username: string): Promise<User> {
  const name = checkString('username', username, { maxLength: 255 });
  return transaction(db, async (trx) => (await findUser(trx, name)) ?? createUser(trx, { username: name }));
}

export async function updateUser(db: Kysely<Database>, key: UserKey, patch: UserPatch): Promise<User> {
  const values = checkUserFields(patch);
  return transaction(db, async (trx) => {
    const user = await getUser(trx, key);
    if (Object.keys(values).length > 0)
      await trx.updateTable('users').set(values).where('id', '=', user.id).execute();
    return getUser(trx, user.id);
  });
}

/** Deletes a user, their roles, tokens and notifications; their jobs keep running without an owner. */
export async function deleteUser(db: Kysely<Database>, key: UserKey): Promise<boolean> {
  const user = await findUser(db, key);
  if (!user) return false;
  const result = await db.deleteFrom('users').where('id', '=', user.id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- roles ------------------------------------------------------------------------------------------

export async function listRoles(db: Kysely<Database>): Promise<Role[]> {
  const rows = await db.selectFrom('roles').selectAll().orderBy('id').execute();
  return rows.map(toRole);
}

export async function findRole(db: Kysely<Database>, key: number | string): Promise<Role | undefined> {
  const row = await db
    .selectFrom('roles')
    .selectAll()
    .where(typeof key === 'number' ? 'id' : 'name', '=', key)
    .executeTakeFirst();
  return row && toRole(row);
}

export async function createRole(
  db: Kysely<Database>,
  input: { name: string; description?: string | null; active?: boolean; expiration?: Millis | null },
): Promise<Role> {
  const row = {
    name: checkString('name', input.name, { maxLength: 128 }),
    description: input.description ?? null,
    active: input.active === undefined ? true : checkBoolean('active', input.active),
    expiration: nullable(input.expiration, (v) => checkMillis('expiration', v)) ?? null,
  };
  const id = await insertReturningId(db, 'roles', row);
  return toRole({ id, ...row });
}

export async function listUserRoles(db: Kysely<Database>, userId: number): Promise<Role[]> {
  const rows = await db
    .selectFrom('user_roles')
    .innerJoin('roles', 'roles.id', 'user_roles.role_id')
    .selectAll('roles')
    .where('user_roles.user_id', '=', userId)
    .orderBy('roles.id')
    .execute();
  return rows.map(toRole);
}

/** Gives the user exactly these roles (by name). An unknown role is a NotFoundError. */
export async function setUserRoles(
  db: Kysely<Database>,
  userId: number,
  roleNames: readonly string[],
): Promise<Role[]> {
  return transaction(db, async (trx) => {
    const names = [...new Set(roleNames)];
    const roles =
      names.length === 0
        ? []
        : await trx.selectFrom('roles').selectAll().where('name', 'in', names).execute();
    const missing = names.find((name) => !roles.some((role) => role.name === name));
    if (missing !== undefined) throw new NotFoundError('role', missing);
    await trx.deleteFrom('user_roles').where('user_id', '=', userId).execute();
    if (roles.length > 0) {
      await trx
        .insertInto('user_roles')
        .values(roles.map((role) => ({ user_id: userId, role_id: role.id })))
        .execute();
    }
    return roles.map(toRole).sort((a, b) => a.id - b.id);
  });
}

/**
 * PyFarm's `is_active`: the user is active and not expired, and so is every one of their roles.
 */
export function isUserActive(user: User, roles: readonly Role[], now: Millis): boolean {
  const live = (item: { active: boolean; expiration: Millis | null }) =>
    item.active && (item.expiration === null || item.expiration > now);
  return live(user) && roles.every(live);
}

function checkUserFields(input: UserPatch): Partial<Omit<Selectable<UsersTable>, 'id'>> {
  const values: Partial<Omit<Selectable<UsersTable>, 'id'>> = {};
  if (input.username !== undefined)
    values.username = checkString('username', input.username, { maxLength: 255 });
  if (input.passwordHash !== undefined) {
    values.password = nullable(input.passwordHash, (v) => checkString('password', v, { maxLength: 255 }));
  }
  if (input.email !== undefined)
    values.email = nullable(input.email, (v) => checkString('email', v, { maxLength: 255 }));
  if (input.active !== undefined) values.active = checkBoolean('active', input.active);
  if (input.expiration !== undefined)
    values.expiration = nullable(input.expiration, (v) => checkMillis('expiration', v));
  if (input.onetimeCode !== undefined) {
    values.onetime_code = nullable(input.onetimeCode, (v) =>
      checkString('onetime_code', v, { maxLength: 255 }),
    );
  }
  if (input.lastLogin !== undefined)
    values.last_login = nullable(input.lastLogin, (v) => checkMillis('last_login', v));
  return values;
}

function toUser(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    active: row.active,
    username: row.username,
    passwordHash: row.password,
    email: row.email,
    expiration: row.expiration,
    onetimeCode: row.onetime_code,
    lastLogin: row.last_login,
  };
}

function toRole(row: Selectable<RolesTable>): Role {
  return {
    id: row.id,
    active: row.active,
    name: row.name,
    expiration: row.expiration,
    description: row.description,
  };
}
