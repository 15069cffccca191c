import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../src/core/errors.js';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { updateAgent } from '../../src/db/agents/agent.repository.js';
import {
  addTaskFailedOnAgent,
  listAgentsTaskFailedOn,
  listTaskIdsFailedOnAgent,
  removeTaskFailedOnAgent,
} from '../../src/db/tasks/failed-task.repository.js';
import {
  countTasksByState,
  createTasks,
  createTasksForFrameRange,
  deleteTasks,
  findFrameBounds,
  getTask,
  listBatchCandidates,
  listTasks,
  updateTask,
  updateTasks,
} from '../../src/db/tasks/task.repository.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob } from '../support/fixtures.js';

forEachDialect((_dialect, database) => {
  const db = () => database().main.db;

  describe('task creation', () => {
    it('creates one task per frame with the job priority', async () => {
      const job = await makeJob(db(), { priority: 42 });
      expect(await createTasksForFrameRange(db(), job.id, { start: 1, end: 2, by: 0.25 }, { now: 77 })).toBe(
        5,
      );
      const tasks = await listTasks(db(), { jobId: job.id });
      expect(tasks.map((t) => t.frame)).toEqual([1, 1.25, 1.5, 1.75, 2]);
      expect(tasks[0]).toMatchObject({
        state: null,
        priority: 42,
        timeSubmitted: 77,
        agentId: null,
        attempts: 0,
        failures: 0,
        tile: null,
        progress: 0,
        hidden: false,
        sentToAgent: false,
        lastError: null,
      });
      expect(await findFrameBounds(db(), job.id)).toEqual({ start: 1, end: 2 });
    });

    it('creates every tile of every frame', async () => {
      const job = await makeJob(db());
      expect(await createTasksForFrameRange(db(), job.id, { start: 10, end: 11, numTiles: 3 })).toBe(6);
      const tasks = await listTasks(db(), { jobId: job.id });
      expect(tasks.map((t) => [t.frame, t.tile])).toEqual([
        [10, 0],
        [10, 1],
        [10, 2],
        [11, 0],
        [11, 1],
        [11, 2],
      ]);
    });

    it('inserts many tasks in few statements (above every parameter limit)', async () => {
      const job = await makeJob(db());
      expect(await createTasksForFrameRange(db(), job.id, { start: 1, end: 20_000 })).toBe(20_000);
      const counts = await countTasksByState(db(), [job.id]);
      expect(counts.get(job.id)).toMatchObject({ queued: 20_000, total: 20_000 });
      expect(await findFrameBounds(db(), job.id)).toEqual({ start: 1, end: 20_000 });
    });

    it('creates nothing when a frame is invalid', async () => {
      const job = await makeJob(db());
      await expect(createTasks(db(), job.id, [{ frame: 1 }, { frame: Number.NaN }])).rejects.toBeInstanceOf(
        ValidationError,
      );
      await expect(createTasksForFrameRange(db(), job.id, { start: 5, end: 1 })).rejects.toThrow(/end/);
      await expect(createTasks(db(), 987_654, [{ frame: 1 }])).rejects.toBeInstanceOf(NotFoundError);
      expect(await listTasks(db(), { jobId: job.id })).toEqual([]);
      expect(await findFrameBounds(db(), job.id)).toBeUndefined();
    });
  });

  describe('task updates', () => {
    it('checks attempts, progress, priority and states', async () => {
      const job = await makeJob(db());
      await createTasks(db(), job.id, [{ frame: 1 }]);
      const [task] = await listTasks(db(), { jobId: job.id });
      expect(await updateTask(db(), task!.id, { state: 'done', progress: 1, lastError: null })).toMatchObject(
        {
          state: WorkState.values.DONE,
          progress: 1,
        },
      );
      for (const [field, patch] of [
        ['attempts', { attempts: -1 }],
        ['progress', { progress: 1.5 }],
        ['priority', { priority: 1001 }],
        ['state', { state: 'assign' as never }],
        ['agent_id', { agentId: 'nope' }],
      ] as const) {
        const err = await updateTask(db(), task!.id, patch).catch((e: unknown) => e);
        expect(err, field).toBeInstanceOf(ValidationError);
        expect((err as ValidationError).field).toBe(field);
      }
      await expect(
        updateTask(db(), task!.id, { agentId: '00000000-0000-4000-8000-000000000000' }),
      ).rejects.toBeInstanceOf(NotFoundError);
      await expect(updateTask(db(), 987_654_321, { progress: 0 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('updates and deletes by id list, and counts states per job', async () => {
      const agent = await makeAgent(db());
      const job = await makeJob(db());
      await createTasksForFrameRange(db(), job.id, { start: 1, end: 10 });
      const ids = (await listTasks(db(), { jobId: job.id })).map((t) => t.id);
      expect(await updateTasks(db(), ids.slice(0, 2), { state: 'running', agentId: agent.id })).toBe(2);
      expect(await updateTasks(db(), ids.slice(2, 3), { agentId: agent.id })).toBe(1);
      expect(await updateTasks(db(), ids.slice(3, 5), { state: 'done', progress: 1 })).toBe(2);
      expect(await updateTasks(db(), ids.slice(5, 6), { state: 'failed', failures: 1 })).toBe(1);
      expect(await updateTasks(db(), ids.slice(6, 7), { state: 'paused' })).toBe(1);
      const other = await makeJob(db());
      const counts = await countTasksByState(db(), [job.id, other.id]);
      expect(counts.get(job.id)).toEqual({
        queued: 3,
        assigned: 1,
        running: 2,
        paused: 1,
        done: 2,
        failed: 1,
        total: 10,
      });
      expect(counts.get(other.id)).toEqual({
        queued: 0,
        assigned: 0,
        running: 0,
        paused: 0,
        done: 0,
        failed: 0,
        total: 0,
      });
      expect((await listTasks(db(), { agentId: agent.id })).map((t) => t.id)).toEqual(ids.slice(0, 3));
      expect(await listTasks(db(), { jobId: job.id, states: [null, WorkState.values.PAUSED] })).toHaveLength(
        5,
      );
      expect(await deleteTasks(db(), ids.slice(0, 4))).toBe(4);
      expect(await listTasks(db(), { jobId: job.id })).toHaveLength(6);
    });

    it('handles id lists longer than one statement', async () => {
      const job = await makeJob(db());
      await createTasksForFrameRange(db(), job.id, { start: 1, end: 12_000 });
      const ids = (await listTasks(db(), { jobId: job.id })).map((t) => t.id);
      expect(await updateTasks(db(), ids, { hidden: true })).toBe(12_000);
      expect(await deleteTasks(db(), ids)).toBe(12_000);
    });
  });

  describe('batch candidates and the failed-on-agent list', () => {
    it('offers unfinished tasks not held by a live agent and not failed on the asking agent', async () => {
      const asking = await makeAgent(db());
      const busy = await makeAgent(db());
      const gone = await makeAgent(db());
      await updateAgent(db(), gone.id, { state: AgentState.values.OFFLINE });
      const job = await makeJob(db());
      await createTasksForFrameRange(db(), job.id, { start: 1, end: 6 });
      const [t1, t2, t3, t4, t5, t6] = await listTasks(db(), { jobId: job.id });
      await updateTask(db(), t1!.id, { state: 'done' });
      await updateTask(db(), t2!.id, { agentId: busy.id, state: 'running' });
      await updateTask(db(), t3!.id, { agentId: gone.id, state: 'running' });
      await updateTask(db(), t4!.id, { state: 'failed' });
      expect(await addTaskFailedOnAgent(db(), t5!.id, asking.id)).toBe(true);
      expect(await addTaskFailedOnAgent(db(), t5!.id, asking.id)).toBe(false);
      const candidates = await listBatchCandidates(db(), job.id, asking.id);
      expect(candidates.map((t) => t.frame)).toEqual([t3!.frame, t6!.frame]);
      expect((await listBatchCandidates(db(), job.id, busy.id)).map((t) => t.frame)).toEqual([3, 5, 6]);

      expect(await listAgentsTaskFailedOn(db(), t5!.id)).toEqual([
        { id: asking.id, hostname: asking.hostname },
      ]);
      expect(await listTaskIdsFailedOnAgent(db(), asking.id, job.id)).toEqual([t5!.id]);
      expect(await removeTaskFailedOnAgent(db(), t5!.id, asking.id)).toBe(true);
      expect(await listTaskIdsFailedOnAgent(db(), asking.id)).toEqual([]);
      await expect(addTaskFailedOnAgent(db(), 987_654, asking.id)).rejects.toBeInstanceOf(NotFoundError);
      expect((await getTask(db(), t3!.id)).agentId).toBe(gone.id);
    });
  });
});
