/**
 * The scheduler's bulk assignment against the record, on every database: it must store exactly what
 * `applyTaskChange({ agentId })` + `refreshJobState` store for one assignment at a time, and refuse
 * claims the record no longer allows.
 */
import { describe, expect, it } from 'vitest';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { updateAgent } from '../../src/db/agents/agent.repository.js';
import type { Database } from '../../src/db/database.js';
import { updateJob, getJob } from '../../src/db/jobs/job.repository.js';
import { DEFAULT_MODEL_LIMITS } from '../../src/db/rules/model-limits.js';
import { claimTasks } from '../../src/db/scheduling/task-assignment.repository.js';
import { createTasksForFrameRange, listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { applyTaskChange } from '../../src/master/tasks/task-state.service.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob } from '../support/fixtures.js';
import type { Kysely } from 'kysely';

const NOW = Date.UTC(2026, 2, 1, 12);
const { RUNNING, DONE, PAUSED } = WorkState.values;

/** A job whose state/time_started start as given, with three queued tasks (the first in the given state). */
async function scenario(
  db: Kysely<Database>,
  job: { state: number | null; timeStarted: number | null },
  firstTaskState: number | null,
) {
  const created = await makeJob(db, { timeSubmitted: NOW - 1000 });
  await createTasksForFrameRange(db, created.id, { start: 1, end: 3 });
  await updateJob(db, created.id, { state: job.state as never, timeStarted: job.timeStarted });
  const tasks = await listTasks(db, { jobId: created.id });
  if (firstTaskState !== null) await updateTask(db, tasks[0]!.id, { state: firstTaskState as never });
  return { jobId: created.id, taskIds: tasks.map((t) => t.id) };
}

function comparable(task: {
  state: unknown;
  agentId: unknown;
  attempts: number;
  failures: number;
  sentToAgent: boolean;
  timeStarted: unknown;
  timeFinished: unknown;
  progress: number;
}) {
  const { state, agentId, attempts, failures, sentToAgent, timeStarted, timeFinished, progress } = task;
  return { state, agentId, attempts, failures, sentToAgent, timeStarted, timeFinished, progress };
}

forEachDialect((dialect, database) => {
  const db = () => database().main.db;

  describe('claimTasks', () => {
    it.each([
      { label: 'a queued job', job: { state: null, timeStarted: null }, firstTaskState: null },
      { label: 'a job that ran before', job: { state: null, timeStarted: NOW - 5000 }, firstTaskState: null },
      { label: 'a running job', job: { state: RUNNING, timeStarted: NOW - 5000 }, firstTaskState: null },
      {
        label: 'a running job without start time',
        job: { state: RUNNING, timeStarted: null },
        firstTaskState: null,
      },
      {
        label: 'a task left running without agent',
        job: { state: null, timeStarted: null },
        firstTaskState: RUNNING,
      },
    ])('stores what applyTaskChange stores: $label', async ({ job, firstTaskState }) => {
      const agent = await makeAgent(db());
      const bulk = await scenario(db(), job, firstTaskState);
      const single = await scenario(db(), job, firstTaskState);

      const outcome = await claimTasks(
        db(),
        [{ agentId: agent.id, jobId: bulk.jobId, taskIds: bulk.taskIds.slice(0, 2) }],
        { now: NOW },
      );
      expect(outcome.refused).toEqual([]);
      for (const id of single.taskIds.slice(0, 2)) {
        await applyTaskChange(db(), id, { agentId: agent.id }, { now: NOW, limits: DEFAULT_MODEL_LIMITS });
      }

      const bulkTasks = (await listTasks(db(), { jobId: bulk.jobId })).map(comparable);
      const singleTasks = (await listTasks(db(), { jobId: single.jobId })).map(comparable);
      expect(bulkTasks).toEqual(singleTasks);
      expect(bulkTasks[0]).toMatchObject({ agentId: agent.id, attempts: 1 });
      const [a, b] = [await getJob(db(), bulk.jobId), await getJob(db(), single.jobId)];
      expect({ state: a.state, timeStarted: a.timeStarted, timeFinished: a.timeFinished }).toEqual({
        state: b.state,
        timeStarted: b.timeStarted,
        timeFinished: b.timeFinished,
      });
      expect(a.state).toBe(RUNNING);
    });

    it('assigns many agents in one call', async () => {
      const agents = await Promise.all(Array.from({ length: 30 }, () => makeAgent(db())));
      const job = await makeJob(db());
      await createTasksForFrameRange(db(), job.id, { start: 1, end: 60 });
      const tasks = await listTasks(db(), { jobId: job.id });
      const claims = agents.map((agent, i) => ({
        agentId: agent.id,
        jobId: job.id,
        taskIds: [tasks[2 * i]!.id, tasks[2 * i + 1]!.id],
      }));
      const outcome = await claimTasks(db(), claims, { now: NOW });
      expect(outcome.claimed).toHaveLength(30);
      const after = await listTasks(db(), { jobId: job.id });
      expect(
        after.every(
          (t, i) => t.agentId === agents[Math.floor(i / 2)]!.id && t.attempts === 1 && !t.sentToAgent,
        ),
      ).toBe(true);
    });

    it('refuses claims the record no longer allows, and writes nothing for them', async () => {
      const agent = await makeAgent(db());
      const offline = await makeAgent(db());
      await updateAgent(db(), offline.id, { state: AgentState.values.OFFLINE });
      const taken = await scenario(db(), { state: null, timeStarted: null }, null);
      await updateTask(db(), taken.taskIds[1]!, { agentId: offline.id });
      const paused = await scenario(db(), { state: PAUSED, timeStarted: null }, null);
      const finished = await scenario(db(), { state: null, timeStarted: null }, DONE);
      const toOffline = await scenario(db(), { state: null, timeStarted: null }, null);
      const hidden = await scenario(db(), { state: null, timeStarted: null }, null);
      await updateJob(db(), hidden.jobId, { hidden: true });

      const outcome = await claimTasks(
        db(),
        [
          { agentId: agent.id, jobId: taken.jobId, taskIds: taken.taskIds.slice(0, 2) },
          { agentId: agent.id, jobId: paused.jobId, taskIds: [paused.taskIds[0]!] },
          { agentId: agent.id, jobId: finished.jobId, taskIds: [finished.taskIds[0]!] },
          { agentId: offline.id, jobId: toOffline.jobId, taskIds: [toOffline.taskIds[0]!] },
          { agentId: agent.id, jobId: hidden.jobId, taskIds: [hidden.taskIds[0]!] },
        ],
        { now: NOW },
      );
      expect(outcome.claimed).toEqual([]);
      expect(outcome.refused.map((r) => r.reason)).toEqual(['task', 'job', 'task', 'agent', 'job']);
      for (const s of [paused, finished, toOffline, hidden]) {
        const tasks = await listTasks(db(), { jobId: s.jobId });
        expect(tasks.every((t) => t.agentId === null && t.attempts === 0)).toBe(true);
      }
      expect((await listTasks(db(), { jobId: taken.jobId }))[0]!.agentId).toBeNull();
    });

    it('aborts everything when the fence throws', async () => {
      const agent = await makeAgent(db());
      const s = await scenario(db(), { state: null, timeStarted: null }, null);
      await expect(
        claimTasks(db(), [{ agentId: agent.id, jobId: s.jobId, taskIds: [s.taskIds[0]!] }], {
          now: NOW,
          fence: async () => {
            throw new Error('lost the lead');
          },
        }),
      ).rejects.toThrow('lost the lead');
      expect((await listTasks(db(), { jobId: s.jobId }))[0]!.agentId).toBeNull();
    });

    it(`never gives a task to two agents when claims race (${dialect})`, async () => {
      const agents = await Promise.all(Array.from({ length: 4 }, () => makeAgent(db())));
      const s = await scenario(db(), { state: null, timeStarted: null }, null);
      const outcomes = await Promise.all(
        agents.map((agent) =>
          claimTasks(db(), [{ agentId: agent.id, jobId: s.jobId, taskIds: s.taskIds }], { now: NOW }),
        ),
      );
      expect(outcomes.filter((o) => o.claimed.length === 1)).toHaveLength(1);
      const tasks = await listTasks(db(), { jobId: s.jobId });
      expect(new Set(tasks.map((t) => t.agentId)).size).toBe(1);
      expect(tasks.every((t) => t.attempts === 1)).toBe(true);
    });
  });
});
