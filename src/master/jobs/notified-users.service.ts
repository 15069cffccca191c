/**
 * A job's notified users (GET/POST/DELETE /jobs/<x>/notified_users/). Unlike a submission, adding a user
 * here never creates one (PyFarm did not either): an unknown username is a 404.
 */
import type { NotifiedUserInput } from '../../api/schemas/jobs.js';
import { NotFoundError } from '../../core/errors.js';
import {
  removeNotifiedUser,
  setNotifiedUser,
  type NotifiedUser,
} from '../../db/jobs/job-associations.repository.js';
import { transaction } from '../../db/transaction.js';
import { findUser } from '../../db/users/user.repository.js';
import type { MasterContext } from '../context.js';
import type { Principal } from '../http/access.js';
import { assertMayChangeJob } from './job-access.js';
import { getJobByKey } from './job-lookup.js';

/** Subscribes the user (or changes the subscription); flags left out default to success and failure. */
export async function addNotifiedUser(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  input: NotifiedUserInput,
): Promise<NotifiedUser> {
  return transaction(ctx.db, async (trx) => {
    const job = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, job);
    const user = await findUser(trx, input.username);
    if (!user) throw new NotFoundError('user', input.username);
    return setNotifiedUser(trx, job.id, user.id, {
      ...(input.on_success !== undefined ? { onSuccess: input.on_success } : {}),
      ...(input.on_failure !== undefined ? { onFailure: input.on_failure } : {}),
      ...(input.on_deletion !== undefined ? { onDeletion: input.on_deletion } : {}),
    });
  });
}

/** Unsubscribes the user; succeeds also when the user was not subscribed. */
export async function deleteNotifiedUser(
  ctx: MasterContext,
  principal: Principal,
  segment: string,
  username: string,
): Promise<void> {
  await transaction(ctx.db, async (trx) => {
    const job = await getJobByKey(trx, segment);
    assertMayChangeJob(principal, job);
    const user = username.includes('\0') ? undefined : await findUser(trx, username);
    if (!user) throw new NotFoundError('user', username);
    await removeNotifiedUser(trx, job.id, user.id);
  });
}
