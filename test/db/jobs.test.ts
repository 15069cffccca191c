import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../src/core/errors.js';
import { WorkState } from '../../src/core/enums.js';
import { createJobGroup, findJobGroup } from '../../src/db/groups/job-group.repository.js';
import {
  addJobParent,
  addJobTag,
  listJobChildren,
  listJobParents,
  listJobSoftwareRequirements,
  listJobTagRequirements,
  listJobTags,
  listNotifiedUsers,
  removeJobParent,
  removeJobTag,
  removeNotifiedUser,
  setJobParents,
  setJobSoftwareRequirements,
  setJobTagRequirements,
  setJobTags,
  setNotifiedUser,
  setNotifiedUsers,
} from '../../src/db/jobs/job-associations.repository.js';
import {
  createJob,
  deleteJob,
  findJob,
  getJob,
  listJobs,
  updateJob,
  updateJobs,
} from '../../src/db/jobs/job.repository.js';
import { createJobQueue } from '../../src/db/queues/job-queue.repository.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { createTaskLog, linkTaskLog, listTaskLogsOfTask } from '../../src/db/tasklogs/task-log.repository.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { createUser } from '../../src/db/users/user.repository.js';
import { forEachDialect } from '../support/databases.js';
import { makeJob, makeJobTypeVersion, unique } from '../support/fixtures.js';

forEachDialect((_dialect, database) => {
  const db = () => database().main.db;

  describe('jobs', () => {
    it('creates a job with the documented defaults', async () => {
      const version = await makeJobTypeVersion(db());
      const job = await createJob(db(), { title: 'defaults', jobtypeVersionId: version.id }, { now: 1234 });
      expect(job).toMatchObject({
        state: null,
        priority: 0,
        timeSubmitted: 1234,
        weight: 10,
        notes: '',
        by: 1,
        batch: 1,
        requeue: 3,
        cpus: 1,
        ram: 32,
        hidden: false,
        toBeDeleted: false,
        completionNotifySent: false,
        environ: null,
        data: null,
      });
      expect(await getJob(db(), job.id)).toEqual(job);
      expect(await findJob(db(), 987_654_321)).toBeUndefined();
      await expect(getJob(db(), 987_654_321)).rejects.toBeInstanceOf(NotFoundError);
    });

    it('accepts the documented cpus/ram specials and the priority bounds', async () => {
      for (const [cpus, ram, priority] of [
        [0, 0, 1000],
        [-1, -1, -1000],
        [256, 262144, 0],
      ] as const) {
        const job = await makeJob(db(), { cpus, ram, priority });
        expect(job).toMatchObject({ cpus, ram, priority });
      }
    });

    it.each([
      ['priority', { priority: 1001 }],
      ['priority', { priority: -1001 }],
      ['cpus', { cpus: -2 }],
      ['cpus', { cpus: 257 }],
      ['ram', { ram: 8 }],
      ['ram', { ram: -5 }],
      ['state', { state: 'queued' as never }],
      ['state', { state: 101 as never }],
      ['by', { by: 0 }],
      ['batch', { batch: 0 }],
      ['requeue', { requeue: -2 }],
      ['title', { title: '' }],
      ['title', { title: 'x'.repeat(256) }],
      ['environ.HOME', { environ: { HOME: 42 } as never }],
      ['data', { data: [1, 2] as never }],
      ['minimum_agents', { minimumAgents: 5, maximumAgents: 2 }],
    ])('rejects a bad %s', async (field, overrides) => {
      const err = await makeJob(db(), overrides).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).field).toBe(field);
    });

    it('rejects references to missing rows with NotFoundError', async () => {
      await expect(createJob(db(), { title: 't', jobtypeVersionId: 999_999 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(makeJob(db(), { jobQueueId: 999_999 })).rejects.toThrow(/job queue 999999 not found/);
      await expect(makeJob(db(), { userId: 999_999 })).rejects.toThrow(/user 999999 not found/);
    });

    it('updates by state name and value, singly and in bulk', async () => {
      const a = await makeJob(db());
      const b = await makeJob(db());
      expect(await updateJob(db(), a.id, { state: 'running', timeStarted: 10 })).toMatchObject({
        state: WorkState.values.RUNNING,
        timeStarted: 10,
      });
      expect(
        await updateJobs(db(), [a.id, b.id], { state: WorkState.values.PAUSED, toBeDeleted: true }),
      ).toBe(2);
      expect((await listJobs(db(), { ids: [a.id, b.id] })).map((j) => [j.state, j.toBeDeleted])).toEqual([
        [WorkState.values.PAUSED, true],
        [WorkState.values.PAUSED, true],
      ]);
      expect((await updateJob(db(), a.id, { state: null })).state).toBeNull();
    });

    it('lists with filters, ordering and paging', async () => {
      const version = await makeJobTypeVersion(db());
      const user = await createUser(db(), { username: unique('artist') });
      const queue = await createJobQueue(db(), { name: unique('q') });
      const title = unique('Shot_%_');
      const jobs = [];
      for (let i = 0; i < 4; i++) {
        jobs.push(
          await createJob(
            db(),
            {
              title: `${title}${i}`,
              jobtypeVersionId: version.id,
              userId: user.id,
              jobQueueId: queue.id,
              priority: i,
            },
            { now: 1000 + i },
          ),
        );
      }
      await updateJob(db(), jobs[0]!.id, { state: 'done' });
      const ids = (filter: Parameters<typeof listJobs>[1]) =>
        listJobs(db(), filter).then((list) => list.map((j) => j.id));
      expect(await ids({ userId: user.id })).toEqual(jobs.map((j) => j.id).reverse());
      expect(await ids({ userId: user.id, order: 'oldest', limit: 2, offset: 1 })).toEqual([
        jobs[1]!.id,
        jobs[2]!.id,
      ]);
      expect(await ids({ jobQueueId: queue.id, states: [null] })).toHaveLength(3);
      expect(await ids({ jobQueueId: queue.id, states: [WorkState.values.DONE] })).toEqual([jobs[0]!.id]);
      expect(await ids({ jobQueueId: queue.id, states: [] })).toEqual([]);
      expect(await ids({ jobtypeId: version.jobtypeId, order: 'priority' })).toEqual(
        jobs.map((j) => j.id).reverse(),
      );
      expect(await ids({ titleContains: title })).toHaveLength(4);
      expect(await ids({ titleContains: title.toUpperCase() })).toEqual([]);
      expect(await ids({ titleContains: '%' })).toEqual(expect.arrayContaining(jobs.map((j) => j.id)));
      expect(await ids({ title: `${title}2` })).toEqual([jobs[2]!.id]);
    });
  });

  describe('job associations', () => {
    it('replaces tags and tag requirements', async () => {
      const job = await makeJob(db());
      const [comp] = await setJobTags(db(), job.id, ['comp', 'hero', 'comp']);
      expect((await listJobTags(db(), job.id)).map((t) => t.tag)).toEqual(['comp', 'hero']);
      expect(await addJobTag(db(), job.id, 'urgent')).toBe(true);
      expect(await addJobTag(db(), job.id, 'urgent')).toBe(false);
      expect(await removeJobTag(db(), job.id, comp!.id)).toBe(true);
      expect((await listJobTags(db(), job.id)).map((t) => t.tag)).toEqual(['hero', 'urgent']);
      await setJobTagRequirements(db(), job.id, [{ tag: 'gpu' }, { tag: 'windows', negate: true }]);
      expect((await listJobTagRequirements(db(), job.id)).map(({ tag, negate }) => [tag, negate])).toEqual([
        ['gpu', false],
        ['windows', true],
      ]);
      await expect(
        setJobTagRequirements(db(), job.id, [{ tag: 'gpu' }, { tag: 'gpu', negate: true }]),
      ).rejects.toThrow(/listed twice/);
      await expect(setJobTags(db(), 987_654, ['x'])).rejects.toBeInstanceOf(NotFoundError);
    });

    it('resolves software requirements by name and checks the version order', async () => {
      const job = await makeJob(db());
      const name = unique('nuke');
      await createSoftware(db(), {
        software: name,
        versions: [{ version: '13' }, { version: '14' }, { version: '15' }],
      });
      const requirements = await setJobSoftwareRequirements(db(), job.id, [
        { software: name, minVersion: '13', maxVersion: '14' },
      ]);
      expect(requirements).toMatchObject([
        { software: name, minVersion: '13', minRank: 100, maxVersion: '14', maxRank: 200 },
      ]);
      expect(await listJobSoftwareRequirements(db(), job.id)).toEqual(requirements);
      await expect(
        setJobSoftwareRequirements(db(), job.id, [{ software: name, minVersion: '15', maxVersion: '13' }]),
      ).rejects.toThrow(/newer than max_version/);
      await expect(
        setJobSoftwareRequirements(db(), job.id, [{ software: unique('none') }]),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        setJobSoftwareRequirements(db(), job.id, [{ software: name, minVersion: '99' }]),
      ).rejects.toBeInstanceOf(NotFoundError);
      expect(await listJobSoftwareRequirements(db(), job.id)).toEqual(requirements);
    });

    it('keeps dependencies acyclic', async () => {
      const [a, b, c] = [await makeJob(db()), await makeJob(db()), await makeJob(db())];
      await setJobParents(db(), b.id, [a.id]);
      expect(await addJobParent(db(), c.id, b.id)).toBe(true);
      expect(await addJobParent(db(), c.id, b.id)).toBe(false);
      expect((await listJobParents(db(), c.id)).map((j) => j.id)).toEqual([b.id]);
      expect((await listJobChildren(db(), a.id)).map((j) => j.id)).toEqual([b.id]);
      await expect(addJobParent(db(), a.id, c.id)).rejects.toThrow(/cycle/);
      await expect(setJobParents(db(), a.id, [a.id])).rejects.toBeInstanceOf(ValidationError);
      await expect(setJobParents(db(), a.id, [987_654])).rejects.toBeInstanceOf(NotFoundError);
      expect(await removeJobParent(db(), c.id, b.id)).toBe(true);
      expect(await listJobParents(db(), c.id)).toEqual([]);
    });

    it('manages notified users', async () => {
      const job = await makeJob(db());
      const alice = await createUser(db(), {
        username: unique('alice'),
        email: `${unique('alice')}@example.com`,
      });
      const bob = await createUser(db(), { username: unique('bob') });
      expect(await setNotifiedUser(db(), job.id, alice.id)).toMatchObject({
        userId: alice.id,
        onSuccess: true,
        onFailure: true,
        onDeletion: false,
      });
      expect((await setNotifiedUser(db(), job.id, alice.id, { onSuccess: false })).onSuccess).toBe(false);
      await setNotifiedUsers(db(), job.id, [{ userId: bob.id, onDeletion: true }]);
      expect((await listNotifiedUsers(db(), job.id)).map((n) => [n.userId, n.onDeletion])).toEqual([
        [bob.id, true],
      ]);
      expect(await removeNotifiedUser(db(), job.id, bob.id)).toBe(true);
      expect(await removeNotifiedUser(db(), job.id, bob.id)).toBe(false);
      await expect(setNotifiedUser(db(), job.id, 987_654)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  it('deleting a job removes its tasks and every association, and its group with the last job', async () => {
    const version = await makeJobTypeVersion(db());
    const user = await createUser(db(), { username: unique('owner') });
    const group = await createJobGroup(db(), {
      title: 'g',
      mainJobtypeId: version.jobtypeId,
      userId: user.id,
    });
    const parent = await makeJob(db(), { jobtypeVersionId: version.id, jobGroupId: group.id });
    const job = await makeJob(db(), { jobtypeVersionId: version.id, jobGroupId: group.id });
    const child = await makeJob(db(), { jobtypeVersionId: version.id });
    await createTasksForFrameRange(db(), job.id, { start: 1, end: 3 });
    await setJobParents(db(), job.id, [parent.id]);
    await setJobParents(db(), child.id, [job.id]);
    await setJobTags(db(), job.id, ['doomed']);
    await setJobTagRequirements(db(), job.id, [{ tag: 'doomed', negate: true }]);
    const sw = unique('arnold');
    await createSoftware(db(), { software: sw, versions: [{ version: '7' }] });
    await setJobSoftwareRequirements(db(), job.id, [{ software: sw, minVersion: '7' }]);
    await setNotifiedUser(db(), job.id, user.id);
    const [task] = await listTasks(db(), { jobId: job.id });
    const log = await createTaskLog(db(), { identifier: unique('job-log') });
    await linkTaskLog(db(), { taskLogId: log.id, taskId: task!.id, attempt: 1 });

    expect(await deleteJob(db(), job.id)).toBe(true);
    expect(await deleteJob(db(), job.id)).toBe(false);
    expect(await listTasks(db(), { jobId: job.id })).toEqual([]);
    expect(await listTaskLogsOfTask(db(), task!.id)).toEqual([]);
    expect(await listJobChildren(db(), parent.id)).toEqual([]);
    expect(await listJobParents(db(), child.id)).toEqual([]);
    for (const table of [
      'job_tag_associations',
      'job_tag_requirements',
      'job_software_requirements',
      'notified_users',
    ] as const) {
      expect(
        await db().selectFrom(table).select('job_id').where('job_id', '=', job.id).execute(),
        table,
      ).toEqual([]);
    }
    // The group still has `parent`; it goes with that last job.
    expect(await findJobGroup(db(), group.id)).toBeDefined();
    await deleteJob(db(), parent.id);
    expect(await findJobGroup(db(), group.id)).toBeUndefined();
    // Users, tags and software are shared and stay.
    expect(await db().selectFrom('tags').select('id').where('tag', '=', 'doomed').execute()).toHaveLength(1);
  });
});
