/**
 * Rerun of tasks (spec §2 Job.rerun, the UI's task rerun): the tasks go back to the queue with a clean
 * slate. PyFarm reset state, agent and failures; Drover also clears the per-agent blacklist of those tasks
 * (spec §11.10: otherwise a task that failed on every capable agent could never run again), and the
 * progress, times and sent flag, so that the rerun shows as not started.
 *
 * This is a bulk write rather than one `applyTaskChange` per task: the hooks of a change to "queued"
 * without an agent do nothing but count a "restarted" event, and the job state is re-derived once by the
 * caller, so a rerun of 100,000 tasks stays a few statements.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { clearTasksFailedOnAgents } from '../../db/tasks/failed-task.repository.js';
import { updateTasks } from '../../db/tasks/task.repository.js';

export async function resetTasksForRerun(
  db: Kysely<Database>,
  taskIds: readonly number[],
  limits: ModelLimits,
): Promise<number> {
  if (taskIds.length === 0) return 0;
  await clearTasksFailedOnAgents(db, taskIds);
  return updateTasks(
    db,
    taskIds,
    {
      state: null,
      agentId: null,
      failures: 0,
      progress: 0,
      sentToAgent: false,
      timeStarted: null,
      timeFinished: null,
    },
    { limits },
  );
}
