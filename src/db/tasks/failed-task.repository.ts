/**
 * The per-agent blacklist: a task that failed on an agent is not given to that agent again. PyFarm made
 * the list permanent (spec §11.10); removing entries is possible here so that the master can decide
 * otherwise (e.g. on rerun).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { requireExisting } from '../existence.js';
import { transaction } from '../transaction.js';

const IDS_PER_STATEMENT = 10_000;

export interface AgentReference {
  readonly id: string;
  readonly hostname: string;
}

/** Records that the task failed on the agent; false when it was already recorded. */
export async function addTaskFailedOnAgent(
  db: Kysely<Database>,
  taskId: number,
  agentId: string,
): Promise<boolean> {
  const agent = agentId.toLowerCase();
  return transaction(db, async (trx) => {
    await requireExisting(trx, 'tasks', [taskId]);
    await requireExisting(trx, 'agents', [agent]);
    const existing = await trx
      .selectFrom('failed_tasks_in_agents')
      .select('task_id')
      .where('task_id', '=', taskId)
      .where('agent_id', '=', agent)
      .executeTakeFirst();
    if (existing) return false;
    await trx.insertInto('failed_tasks_in_agents').values({ task_id: taskId, agent_id: agent }).execute();
    return true;
  });
}

export async function removeTaskFailedOnAgent(
  db: Kysely<Database>,
  taskId: number,
  agentId: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('failed_tasks_in_agents')
    .where('task_id', '=', taskId)
    .where('agent_id', '=', agentId.toLowerCase())
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Forgets every agent these tasks failed on (a rerun gives them a clean slate); returns how many records went. */
export async function clearTasksFailedOnAgents(
  db: Kysely<Database>,
  taskIds: readonly number[],
): Promise<number> {
  let deleted = 0;
  for (let start = 0; start < taskIds.length; start += IDS_PER_STATEMENT) {
    const chunk = taskIds.slice(start, start + IDS_PER_STATEMENT);
    const result = await db
      .deleteFrom('failed_tasks_in_agents')
      .where('task_id', 'in', chunk)
      .executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

/** The agents a task failed on, by hostname. */
export async function listAgentsTaskFailedOn(
  db: Kysely<Database>,
  taskId: number,
): Promise<AgentReference[]> {
  return db
    .selectFrom('failed_tasks_in_agents')
    .innerJoin('agents', 'agents.id', 'failed_tasks_in_agents.agent_id')
    .select(['agents.id', 'agents.hostname'])
    .where('failed_tasks_in_agents.task_id', '=', taskId)
    .orderBy('agents.hostname')
    .orderBy('agents.id')
    .execute();
}

/** Ids of the tasks that failed on the agent (of one job when given). */
export async function listTaskIdsFailedOnAgent(
  db: Kysely<Database>,
  agentId: string,
  jobId?: number,
): Promise<number[]> {
  let query = db
    .selectFrom('failed_tasks_in_agents')
    .select('failed_tasks_in_agents.task_id')
    .where('failed_tasks_in_agents.agent_id', '=', agentId.toLowerCase())
    .orderBy('failed_tasks_in_agents.task_id');
  if (jobId !== undefined) {
    query = query
      .innerJoin('tasks', 'tasks.id', 'failed_tasks_in_agents.task_id')
      .where('tasks.job_id', '=', jobId);
  }
  return (await query.execute()).map((row) => row.task_id);
}
