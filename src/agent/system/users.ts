/**
 * User and group names to ids, for processes a root agent runs as another user. Read from /etc/passwd
 * and /etc/group (what the C library consults first on every Unix the agent supports); numeric values
 * pass through.
 */
import { readFileSync } from 'node:fs';
import { ValidationError } from '../../core/errors.js';

function lookup(file: string, name: string, idField: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields[0] === name && fields[idField] !== undefined) return Number(fields[idField]);
  }
  return undefined;
}

export function resolveUid(user: string | number): number {
  if (typeof user === 'number' || /^\d+$/.test(user)) return Number(user);
  const uid = lookup('/etc/passwd', user, 2);
  if (uid === undefined)
    throw new ValidationError(`no such user: ${JSON.stringify(user)}`, { field: 'user', value: user });
  return uid;
}

export function resolveGid(group: string | number): number {
  if (typeof group === 'number' || /^\d+$/.test(group)) return Number(group);
  const gid = lookup('/etc/group', group, 2);
  if (gid === undefined)
    throw new ValidationError(`no such group: ${JSON.stringify(group)}`, { field: 'group', value: group });
  return gid;
}

/** True when this process may start processes as other users. */
export function isAdministrator(): boolean {
  return typeof process.getuid === 'function' ? process.getuid() === 0 : false;
}

/** After binding its port, a root-started agent continues as the given group and user (group first). */
export function dropPrivileges(uid: number | undefined, gid: number | undefined): void {
  if (gid !== undefined && process.setgid) process.setgid(gid);
  if (uid !== undefined && process.setuid) process.setuid(uid);
}
