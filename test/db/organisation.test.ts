import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../src/core/errors.js';
import { WorkState } from '../../src/core/enums.js';
import { setAgentTags } from '../../src/db/agents/agent-associations.repository.js';
import {
  createJobGroup,
  deleteJobGroup,
  getJobGroup,
  listJobGroups,
  updateJobGroup,
} from '../../src/db/groups/job-group.repository.js';
import {
  createPathMap,
  deletePathMap,
  getPathMap,
  listPathMaps,
  updatePathMap,
} from '../../src/db/pathmaps/path-map.repository.js';
import {
  createJobQueue,
  deleteJobQueue,
  findJobQueueByPath,
  findJobQueuesByName,
  getJobQueue,
  listChildQueues,
  updateJobQueue,
} from '../../src/db/queues/job-queue.repository.js';
import {
  deleteStatisticsBefore,
  insertAgentCount,
  insertTaskCounts,
  insertTaskEventCount,
  listAgentCounts,
  listTaskCounts,
  listTaskEventCounts,
} from '../../src/db/statistics/statistics.repository.js';
import { createTag } from '../../src/db/tags/tag.repository.js';
import {
  createTaskLog,
  findTaskLogOfAttempt,
  getTaskLog,
  linkTaskLog,
  listTaskLogsOfTask,
  setTaskLogAgent,
  setTaskLogState,
} from '../../src/db/tasklogs/task-log.repository.js';
import { createTasks, listTasks } from '../../src/db/tasks/task.repository.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob, makeJobTypeVersion, unique } from '../support/fixtures.js';

forEachDialect((_dialect, database) => {
  const db = () => database().main.db;

  describe('job queues', () => {
    it('maintain full paths through the tree, renames included', async () => {
      const root = await createJobQueue(db(), { name: unique('studio'), weight: 20 });
      const lighting = await createJobQueue(db(), { name: 'lighting', parentId: root.id, priority: 5 });
      const shots = await createJobQueue(db(), { name: 'shots', parentId: lighting.id });
      expect(root).toMatchObject({ fullpath: `/${root.name}`, priority: 0, weight: 20, parentId: null });
      expect(shots.fullpath).toBe(`/${root.name}/lighting/shots`);
      expect((await findJobQueueByPath(db(), `${root.name}/lighting`))?.id).toBe(lighting.id);
      expect((await listChildQueues(db(), root.id)).map((q) => q.id)).toEqual([lighting.id]);

      const renamed = await updateJobQueue(db(), lighting.id, { name: 'light', maximumAgents: 4 });
      expect(renamed).toMatchObject({ fullpath: `/${root.name}/light`, maximumAgents: 4 });
      expect((await getJobQueue(db(), shots.id)).fullpath).toBe(`/${root.name}/light/shots`);
      const newRoot = unique('house');
      await updateJobQueue(db(), root.id, { name: newRoot });
      expect((await getJobQueue(db(), shots.id)).fullpath).toBe(`/${newRoot}/light/shots`);
    });

    it('keep sibling names unique, at the top level too', async () => {
      const name = unique('top');
      const top = await createJobQueue(db(), { name });
      await expect(createJobQueue(db(), { name })).rejects.toBeInstanceOf(ConflictError);
      const other = await createJobQueue(db(), { name: unique('top') });
      await expect(updateJobQueue(db(), other.id, { name })).rejects.toBeInstanceOf(ConflictError);
      await createJobQueue(db(), { name: 'child', parentId: top.id });
      await expect(createJobQueue(db(), { name: 'child', parentId: top.id })).rejects.toMatchObject({
        data: { columns: ['parent_jobqueue_id', 'name'] },
      });
      // The same name under another parent is fine.
      await createJobQueue(db(), { name: 'child', parentId: other.id });
      expect((await findJobQueuesByName(db(), 'child')).length).toBeGreaterThanOrEqual(2);
    });

    it('validate names, priorities and limits', async () => {
      for (const [field, input] of [
        ['name', { name: 'a/b' }],
        ['name', { name: '' }],
        ['priority', { name: unique('p'), priority: 1001 }],
        ['weight', { name: unique('w'), weight: -1 }],
        ['minimum_agents', { name: unique('m'), minimumAgents: 3, maximumAgents: 1 }],
      ] as const) {
        const err = await createJobQueue(db(), input).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
      }
      await expect(createJobQueue(db(), { name: 'x', parentId: 987_654 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
    });

    it('refuse deletion while they hold queues or jobs', async () => {
      const parent = await createJobQueue(db(), { name: unique('busy') });
      const child = await createJobQueue(db(), { name: 'c', parentId: parent.id });
      const job = await makeJob(db(), { jobQueueId: child.id });
      await expect(deleteJobQueue(db(), parent.id)).rejects.toThrow(/child queues/);
      await expect(deleteJobQueue(db(), child.id)).rejects.toThrow(/still has jobs/);
      await db().deleteFrom('jobs').where('id', '=', job.id).execute();
      expect(await deleteJobQueue(db(), child.id)).toBe(true);
      expect(await deleteJobQueue(db(), parent.id)).toBe(true);
      expect(await deleteJobQueue(db(), parent.id)).toBe(false);
      // The database refuses too, whoever asks.
      const guarded = await createJobQueue(db(), { name: unique('guarded') });
      await makeJob(db(), { jobQueueId: guarded.id });
      await expect(
        db().deleteFrom('job_queues').where('id', '=', guarded.id).execute(),
      ).rejects.toBeInstanceOf(ConflictError);
    });
  });

  describe('job groups', () => {
    it('are created, listed, updated and deleted only when empty', async () => {
      const version = await makeJobTypeVersion(db());
      const group = await createJobGroup(db(), { title: 'seq 010', mainJobtypeId: version.jobtypeId });
      expect(await getJobGroup(db(), group.id)).toEqual(group);
      expect((await updateJobGroup(db(), group.id, { title: 'seq 020' })).title).toBe('seq 020');
      await expect(createJobGroup(db(), { title: 'x', mainJobtypeId: 987_654 })).rejects.toBeInstanceOf(
        NotFoundError,
      );
      await expect(
        createJobGroup(db(), { title: 'x'.repeat(256), mainJobtypeId: version.jobtypeId }),
      ).rejects.toBeInstanceOf(ValidationError);
      const job = await makeJob(db(), { jobtypeVersionId: version.id, jobGroupId: group.id });
      await expect(deleteJobGroup(db(), group.id)).rejects.toBeInstanceOf(ConflictError);
      await db().deleteFrom('jobs').where('id', '=', job.id).execute();
      expect((await listJobGroups(db())).map((g) => g.id)).toContain(group.id);
      expect(await deleteJobGroup(db(), group.id)).toBe(true);
    });
  });

  describe('path maps', () => {
    it('apply to every agent, or to agents with their tag', async () => {
      const tag = await createTag(db(), unique('windows-farm'));
      const agent = await makeAgent(db());
      const untagged = await createPathMap(db(), {
        pathLinux: '/mnt/p',
        pathWindows: 'P:\\',
        pathOsx: '/Volumes/p',
      });
      const tagged = await createPathMap(db(), {
        pathLinux: '/mnt/q',
        pathWindows: 'Q:\\',
        pathOsx: '/Volumes/q',
        tagId: tag.id,
      });
      expect(tagged.tag).toBe(tag.tag);
      const ids = async () => (await listPathMaps(db(), { forAgent: agent.id })).map((m) => m.id);
      expect(await ids()).toContain(untagged.id);
      expect(await ids()).not.toContain(tagged.id);
      await setAgentTags(db(), agent.id, [tag.tag]);
      expect(await ids()).toEqual(expect.arrayContaining([untagged.id, tagged.id]));
      expect((await updatePathMap(db(), tagged.id, { tagId: null })).tag).toBeNull();
      await expect(updatePathMap(db(), tagged.id, { tagId: 987_654 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        createPathMap(db(), { pathLinux: '/x', pathWindows: '', pathOsx: '/x' }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await deletePathMap(db(), tagged.id)).toBe(true);
      expect(await deletePathMap(db(), tagged.id)).toBe(false);
      await expect(getPathMap(db(), tagged.id)).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('task logs', () => {
    it('are unique by identifier and linked to task attempts', async () => {
      const agent = await makeAgent(db());
      const job = await makeJob(db());
      await createTasks(db(), job.id, [{ frame: 1 }, { frame: 2 }]);
      const [t1, t2] = await listTasks(db(), { jobId: job.id });
      const identifier = unique('2026-01-01_render.csv');
      const log = await createTaskLog(db(), { identifier, agentId: agent.id }, { now: 500 });
      expect(log).toMatchObject({ identifier, agentId: agent.id, createdOn: 500 });
      await expect(createTaskLog(db(), { identifier })).rejects.toBeInstanceOf(ConflictError);
      await linkTaskLog(db(), { taskLogId: log.id, taskId: t1!.id, attempt: 1 });
      await linkTaskLog(db(), { taskLogId: log.id, taskId: t2!.id, attempt: 1, state: 'running' });
      await expect(
        linkTaskLog(db(), { taskLogId: log.id, taskId: t1!.id, attempt: 1 }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        linkTaskLog(db(), { taskLogId: log.id, taskId: 987_654, attempt: 1 }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(
        linkTaskLog(db(), { taskLogId: log.id, taskId: t1!.id, attempt: -1 }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect(await setTaskLogState(db(), { taskLogId: log.id, taskId: t1!.id, attempt: 1 }, 'done')).toBe(
        true,
      );
      expect(await setTaskLogState(db(), { taskLogId: log.id, taskId: t1!.id, attempt: 2 }, 'done')).toBe(
        false,
      );
      expect(await listTaskLogsOfTask(db(), t1!.id)).toEqual([
        { ...log, taskId: t1!.id, attempt: 1, state: WorkState.values.DONE },
      ]);
      expect(await findTaskLogOfAttempt(db(), t2!.id, 1, identifier)).toMatchObject({
        state: WorkState.values.RUNNING,
      });
      expect(await findTaskLogOfAttempt(db(), t2!.id, 2, identifier)).toBeUndefined();
      expect((await setTaskLogAgent(db(), log.id, null)).agentId).toBeNull();
      expect(await getTaskLog(db(), identifier)).toMatchObject({ id: log.id, agentId: null });
    });
  });

  describe('statistics', () => {
    it('records and reads back samples in time windows', async () => {
      const stats = database().statistics.db;
      await insertAgentCount(stats, {
        countedTime: 1000,
        numOnline: 3,
        numRunning: 2,
        numOffline: 1,
        numDisabled: 0,
      });
      await insertAgentCount(stats, {
        countedTime: 2000,
        numOnline: 4,
        numRunning: 0,
        numOffline: 0,
        numDisabled: 1,
      });
      await expect(
        insertAgentCount(stats, {
          countedTime: 1000,
          numOnline: 0,
          numRunning: 0,
          numOffline: 0,
          numDisabled: 0,
        }),
      ).rejects.toBeInstanceOf(ConflictError);
      await expect(
        insertAgentCount(stats, {
          countedTime: 3000,
          numOnline: -1,
          numRunning: 0,
          numOffline: 0,
          numDisabled: 0,
        }),
      ).rejects.toBeInstanceOf(ValidationError);
      expect((await listAgentCounts(stats, { from: 1500 })).map((c) => c.countedTime)).toEqual([2000]);
      await insertTaskCounts(stats, [
        {
          countedTime: 1000,
          jobQueueId: null,
          totalQueued: 10,
          totalRunning: 2,
          totalDone: 5,
          totalFailed: 1,
        },
        { countedTime: 1000, jobQueueId: 7, totalQueued: 4, totalRunning: 1, totalDone: 0, totalFailed: 0 },
      ]);
      expect(await listTaskCounts(stats, { jobQueueId: null })).toEqual([
        {
          countedTime: 1000,
          jobQueueId: null,
          totalQueued: 10,
          totalRunning: 2,
          totalDone: 5,
          totalFailed: 1,
        },
      ]);
      expect(await listTaskCounts(stats, { jobQueueId: 7 })).toHaveLength(1);
      const event = {
        timeStart: 1000,
        timeEnd: 1100,
        jobQueueId: null,
        numNew: 100,
        numDeleted: 0,
        numRestarted: 1,
        numStarted: 5,
        numFailed: 0,
        numDone: 3,
      };
      await insertTaskEventCount(stats, event);
      expect(await listTaskEventCounts(stats, { from: 900, to: 1001 })).toEqual([event]);
      expect(await deleteStatisticsBefore(stats, 1500)).toBe(4);
      expect(await listAgentCounts(stats)).toHaveLength(1);
    });
  });
});
