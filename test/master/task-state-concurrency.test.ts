/**
 * Task reports of one job arriving at the same moment (two agents finishing the last two frames) must
 * leave the job DONE on every database: each report's job-state derivation has to see the other's
 * committed change.
 */
import { describe, expect, it } from 'vitest';
import { WorkState } from '../../src/core/enums.js';
import { getJob } from '../../src/db/jobs/job.repository.js';
import { DEFAULT_MODEL_LIMITS } from '../../src/db/rules/model-limits.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { transaction } from '../../src/db/transaction.js';
import { applyTaskChange } from '../../src/master/tasks/task-state.service.js';
import { forEachDialect } from '../support/databases.js';
import { makeAgent, makeJob } from '../support/fixtures.js';

const { RUNNING, DONE } = WorkState.values;

forEachDialect((dialect, database) => {
  describe('concurrent task reports', () => {
    it(`finish the job when the last frames are reported together (${dialect})`, async () => {
      const db = database().main.db;
      for (let round = 0; round < 5; round++) {
        const job = await makeJob(db);
        await createTasksForFrameRange(db, job.id, { start: 1, end: 4 });
        const tasks = await listTasks(db, { jobId: job.id });
        const agents = await Promise.all(tasks.map(() => makeAgent(db)));
        const options = { now: Date.now(), limits: DEFAULT_MODEL_LIMITS };
        for (const [i, task] of tasks.entries()) {
          await transaction(db, (trx) =>
            applyTaskChange(trx, task.id, { agentId: agents[i]!.id, state: RUNNING }, options),
          );
        }
        await Promise.all(
          tasks.map((task) =>
            transaction(db, (trx) => applyTaskChange(trx, task.id, { state: DONE }, options)),
          ),
        );
        expect((await getJob(db, job.id)).state).toBe(DONE);
      }
    });
  });
});
