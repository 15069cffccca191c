import { describe, expect, it } from 'vitest';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { getJob } from '../../src/db/jobs/job.repository.js';
import { DEFAULT_MODEL_LIMITS } from '../../src/db/rules/model-limits.js';
import { listAgentsTaskFailedOn } from '../../src/db/tasks/failed-task.repository.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { transaction } from '../../src/db/transaction.js';
import { applyTaskChange } from '../../src/master/tasks/task-state.service.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob } from '../support/fixtures.js';

const { RUNNING, DONE, FAILED, PAUSED } = WorkState.values;
const limits = DEFAULT_MODEL_LIMITS;

forEachDialect((_dialect, database) => {
  async function setup(requeue = 3) {
    const db = database().main.db;
    const job = await makeJob(db, { requeue });
    await createTasksForFrameRange(db, job.id, { start: 1, end: 2 });
    const agent = await makeAgent(db);
    const tasks = await listTasks(db, { jobId: job.id });
    return { db, job, agent, tasks };
  }

  describe('task changes and the job state', () => {
    it('runs a job: assigned → running → done, with times and attempts', async () => {
      const { db, job, agent, tasks } = await setup();
      const [a, b] = tasks;
      await transaction(db, async (trx) => {
        const assigned = await applyTaskChange(trx, a!.id, { agentId: agent.id }, { now: 1000, limits });
        expect(assigned.after.attempts).toBe(1);
        expect(assigned.job?.after.state).toBe(RUNNING);
        expect(assigned.job?.after.timeStarted).toBe(1000);
      });
      const started = await applyTaskChange(db, a!.id, { state: RUNNING }, { now: 2000, limits });
      expect(started.after.timeStarted).toBe(2000);
      expect(started.events).toEqual(['started']);
      await applyTaskChange(db, a!.id, { state: DONE }, { now: 3000, limits });
      expect((await getJob(db, job.id)).state).toBe(null); // task b is still queued and nobody holds a task
      const last = await applyTaskChange(
        db,
        b!.id,
        { state: DONE, agentId: agent.id },
        { now: 4000, limits },
      );
      expect(last.job?.finished).toBe(true);
      expect(last.job?.after).toMatchObject({ state: DONE, timeFinished: 4000 });
      const agentRow = await db
        .selectFrom('agents')
        .select('last_success_on')
        .where('id', '=', agent.id)
        .executeTakeFirstOrThrow();
      expect(agentRow.last_success_on).toBe(4000);
    });

    it('requeues failures within the budget and blacklists the agent; the last failure fails the job', async () => {
      const { db, job, agent, tasks } = await setup(1);
      const [a, b] = tasks;
      await applyTaskChange(db, b!.id, { state: DONE }, { now: 10, limits });
      await applyTaskChange(db, a!.id, { agentId: agent.id, state: RUNNING }, { now: 20, limits });
      const first = await applyTaskChange(
        db,
        a!.id,
        { state: FAILED, lastError: 'exit 1' },
        { now: 30, limits },
      );
      expect(first.after).toMatchObject({ state: null, agentId: null, failures: 1, lastError: 'exit 1' });
      expect(first.job?.after.state).toBe(null);
      expect((await listAgentsTaskFailedOn(db, a!.id)).map((x) => x.id)).toEqual([agent.id]);
      const other = await makeAgent(db);
      await applyTaskChange(db, a!.id, { agentId: other.id, state: RUNNING }, { now: 40, limits });
      const second = await applyTaskChange(db, a!.id, { state: FAILED }, { now: 50, limits });
      expect(second.after).toMatchObject({ state: FAILED, failures: 2, agentId: other.id, attempts: 2 });
      expect(second.job).toMatchObject({ finished: true, after: { state: FAILED } });
      // A replayed report changes nothing.
      const replay = await applyTaskChange(db, a!.id, { state: FAILED }, { now: 60, limits });
      expect(replay.after.failures).toBe(2);
      expect(replay.job).toBeUndefined();
      expect((await getJob(db, job.id)).state).toBe(FAILED);
    });

    it('re-derives the job state only when the change can affect it', async () => {
      const { db, tasks } = await setup();
      const agent = await makeAgent(db);
      const id = tasks[0]!.id;
      expect((await applyTaskChange(db, id, { agentId: agent.id }, { now: 1, limits })).job).toBeDefined();
      // Assigned → running on the same agent: still unfinished and held by that agent.
      expect((await applyTaskChange(db, id, { state: RUNNING }, { now: 2, limits })).job).toBeUndefined();
      expect((await applyTaskChange(db, id, { progress: 0.5 }, { now: 3, limits })).job).toBeUndefined();
      expect((await applyTaskChange(db, id, { state: DONE }, { now: 4, limits })).job).toBeDefined();
    });

    it('keeps a paused job paused and ignores tasks held by offline agents', async () => {
      const { db, job, tasks } = await setup();
      const offline = await makeAgent(db, { state: AgentState.values.OFFLINE });
      const held = await applyTaskChange(db, tasks[0]!.id, { agentId: offline.id }, { now: 1, limits });
      expect(held.job?.after.state ?? null).toBe(null);
      await db.updateTable('jobs').set({ state: PAUSED }).where('id', '=', job.id).execute();
      const live = await makeAgent(db);
      const moved = await applyTaskChange(db, tasks[1]!.id, { agentId: live.id }, { now: 2, limits });
      expect(moved.job?.after.state ?? PAUSED).toBe(PAUSED);
      expect((await getJob(db, job.id)).state).toBe(PAUSED);
    });
  });
});
