/**
 * Job group workflows. Wranglers (and admins) manage every group; an artist creates groups for
 * themselves and changes or deletes only their own, as with jobs. The owner may be a username that does
 * not exist yet (see autocreate-user.ts). A group with jobs cannot be deleted.
 */
import type { Kysely } from 'kysely';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import type { Database } from '../../db/database.js';
import {
  createJobGroup,
  deleteJobGroup,
  findJobGroup,
  listJobGroups,
  updateJobGroup,
  type JobGroup,
  type JobGroupFields,
} from '../../db/groups/job-group.repository.js';
import { findJobType } from '../../db/jobtypes/jobtype.repository.js';
import { listJobs, type Job } from '../../db/jobs/job.repository.js';
import { countTasksByState, type TaskStateCounts } from '../../db/tasks/task.repository.js';
import { transaction } from '../../db/transaction.js';
import type { CreateJobGroupBody, UpdateJobGroupBody } from '../../api/schemas/jobgroups.js';
import type { MasterContext } from '../context.js';
import { hasRole, type Principal } from '../http/access.js';
import { findOrAutocreateUser } from '../users/autocreate-user.js';

/** A group with the names of its main job type and owner. */
export interface NamedJobGroup {
  readonly group: JobGroup;
  readonly mainJobtype: string;
  readonly user: string | null;
}

export interface JobGroupDetail extends NamedJobGroup {
  readonly jobs: readonly { id: number; title: string }[];
}

/** A job of a group with what its row in the group listing shows. */
export interface GroupJob {
  readonly job: Job;
  readonly jobtypeId: number;
  readonly jobtype: string;
  readonly jobtypeVersion: number;
  readonly counts: TaskStateCounts;
}

export async function listNamedJobGroups(db: Kysely<Database>): Promise<NamedJobGroup[]> {
  return nameGroups(db, await listJobGroups(db));
}

export async function getJobGroupDetail(db: Kysely<Database>, id: number): Promise<JobGroupDetail> {
  const group = await findJobGroup(db, id);
  if (!group) throw new NotFoundError('job group', id);
  const [named] = await nameGroups(db, [group]);
  const jobs = await listJobs(db, { jobGroupId: id, order: 'oldest' });
  return { ...named!, jobs: jobs.map((j) => ({ id: j.id, title: j.title })) };
}

export async function createGroup(
  ctx: MasterContext,
  principal: Principal,
  body: CreateJobGroupBody,
): Promise<JobGroupDetail> {
  const owner = body.user ?? principal.username;
  assertMayOwn(principal, owner);
  return transaction(ctx.db, async (trx) => {
    const mainJobtypeId = await requireJobTypeId(trx, body.main_jobtype);
    const user = await findOrAutocreateUser(trx, ctx.config, owner);
    const group = await createJobGroup(
      trx,
      { title: body.title, mainJobtypeId, userId: user.id },
      { limits: ctx.limits },
    );
    return getJobGroupDetail(trx, group.id);
  });
}

export async function changeGroup(
  ctx: MasterContext,
  principal: Principal,
  id: number,
  body: UpdateJobGroupBody,
): Promise<JobGroupDetail> {
  return transaction(ctx.db, async (trx) => {
    await assertMayChange(trx, principal, id);
    const patch: JobGroupFields = {};
    if (body.title !== undefined) patch.title = body.title;
    if (body.main_jobtype !== undefined) patch.mainJobtypeId = await requireJobTypeId(trx, body.main_jobtype);
    if (body.user !== undefined) {
      if (body.user === null) {
        assertMayOwn(principal, null);
        patch.userId = null;
      } else {
        assertMayOwn(principal, body.user);
        patch.userId = (await findOrAutocreateUser(trx, ctx.config, body.user)).id;
      }
    }
    await updateJobGroup(trx, id, patch, { limits: ctx.limits });
    return getJobGroupDetail(trx, id);
  });
}

/** False for an unknown group; ConflictError while it has jobs. */
export async function removeGroup(ctx: MasterContext, principal: Principal, id: number): Promise<boolean> {
  return transaction(ctx.db, async (trx) => {
    if (!(await findJobGroup(trx, id))) return false;
    await assertMayChange(trx, principal, id);
    return deleteJobGroup(trx, id);
  });
}

/** The jobs of a group, oldest first, with their job type and task counts. */
export async function listGroupJobs(db: Kysely<Database>, id: number): Promise<GroupJob[]> {
  if (!(await findJobGroup(db, id))) throw new NotFoundError('job group', id);
  const jobs = await listJobs(db, { jobGroupId: id, order: 'oldest' });
  if (jobs.length === 0) return [];
  const versionIds = [...new Set(jobs.map((j) => j.jobtypeVersionId))];
  const [versions, counts] = await Promise.all([
    db
      .selectFrom('jobtype_versions')
      .innerJoin('jobtypes', 'jobtypes.id', 'jobtype_versions.jobtype_id')
      .select([
        'jobtype_versions.id',
        'jobtype_versions.version',
        'jobtypes.id as jobtypeId',
        'jobtypes.name',
      ])
      .where('jobtype_versions.id', 'in', versionIds)
      .execute(),
    countTasksByState(
      db,
      jobs.map((j) => j.id),
    ),
  ]);
  const byVersion = new Map(versions.map((v) => [v.id, v]));
  return jobs.map((job) => {
    const version = byVersion.get(job.jobtypeVersionId)!;
    return {
      job,
      jobtypeId: version.jobtypeId,
      jobtype: version.name,
      jobtypeVersion: version.version,
      counts: counts.get(job.id)!,
    };
  });
}

async function nameGroups(db: Kysely<Database>, groups: readonly JobGroup[]): Promise<NamedJobGroup[]> {
  if (groups.length === 0) return [];
  const jobtypeIds = [...new Set(groups.map((g) => g.mainJobtypeId))];
  const userIds = [...new Set(groups.flatMap((g) => (g.userId === null ? [] : [g.userId])))];
  const [jobtypes, users] = await Promise.all([
    db.selectFrom('jobtypes').select(['id', 'name']).where('id', 'in', jobtypeIds).execute(),
    userIds.length === 0
      ? Promise.resolve([])
      : db.selectFrom('users').select(['id', 'username']).where('id', 'in', userIds).execute(),
  ]);
  const jobtypeNames = new Map(jobtypes.map((t) => [t.id, t.name]));
  const usernames = new Map(users.map((u) => [u.id, u.username]));
  return groups.map((group) => ({
    group,
    mainJobtype: jobtypeNames.get(group.mainJobtypeId) ?? '',
    user: group.userId === null ? null : (usernames.get(group.userId) ?? null),
  }));
}

async function requireJobTypeId(db: Kysely<Database>, key: string | number): Promise<number> {
  const jobType = await findJobType(db, key);
  if (!jobType) throw new NotFoundError('jobtype', key);
  return jobType.id;
}

/** Wranglers and admins may act for anyone; others only for themselves. */
function actsForAnyone(principal: Principal): boolean {
  return hasRole(principal, ['wrangler']);
}

function assertMayOwn(principal: Principal, owner: string | null): void {
  if (!actsForAnyone(principal) && owner !== principal.username) {
    throw new ForbiddenError('you may only own job groups yourself');
  }
}

async function assertMayChange(db: Kysely<Database>, principal: Principal, id: number): Promise<void> {
  if (actsForAnyone(principal)) return;
  const group = await findJobGroup(db, id);
  if (!group) throw new NotFoundError('job group', id);
  if (group.userId !== principal.userId) throw new ForbiddenError('you may only change your own job groups');
}
