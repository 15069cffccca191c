/**
 * Who may change a job: wranglers (and admins) any job, artists only their own. Reads are open to every
 * authenticated caller (the route's `read` access), so nothing here concerns them.
 */
import { ForbiddenError } from '../../core/errors.js';
import { hasRole, type Principal } from '../http/access.js';

export function mayChangeAnyJob(principal: Principal): boolean {
  return hasRole(principal, ['wrangler']);
}

export function ownsJob(principal: Principal, job: { userId: number | null }): boolean {
  return principal.roles.has('artist') && job.userId !== null && job.userId === principal.userId;
}

export function assertMayChangeJob(principal: Principal, job: { id: number; userId: number | null }): void {
  if (mayChangeAnyJob(principal) || ownsJob(principal, job)) return;
  throw new ForbiddenError(
    principal.roles.has('artist')
      ? `job ${job.id} belongs to another user: artists change only their own jobs`
      : `changing job ${job.id} needs the wrangler role, or the artist role as its owner`,
  );
}
