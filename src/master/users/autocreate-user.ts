/**
 * PyFarm's `autocreate_users`: a username named in a submission (a job's or job group's owner, a job's
 * notified users) that does not exist yet is created on the fly, without password or roles (so it cannot
 * log in), with the email `autocreate_user_email` gives (`{username}` is replaced). With the setting off,
 * an unknown username is a NotFoundError.
 */
import type { Kysely } from 'kysely';
import type { Config } from '../../core/config/index.js';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import { createUser, findUser, findUserByEmail, type User } from '../../db/users/user.repository.js';

export async function findOrAutocreateUser(
  db: Kysely<Database>,
  config: Pick<Config, 'autocreate_users' | 'autocreate_user_email'>,
  username: string,
): Promise<User> {
  const existing = await findUser(db, username);
  if (existing) return existing;
  if (!config.autocreate_users) throw new NotFoundError('user', username);
  const template = config.autocreate_user_email;
  const email = template ? template.replaceAll('{username}', username) : null;
  // Emails are unique: a template without {username} yields the address only for the first user.
  const free = email !== null && !(await findUserByEmail(db, email));
  return createUser(db, { username, email: free ? email : null });
}
