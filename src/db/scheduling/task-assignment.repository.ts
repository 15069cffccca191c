/**
 * Writing the scheduler's decisions: many assignments in one transaction, each checked against the
 * record first, so that a decision made on a stale index can never hand out a task twice.
 *
 * `claimTasks` does, inside one transaction:
 * 1. the caller's fence (the leadership check) — nothing is written by a scheduler that lost the lead;
 * 2. locks and checks the tasks (still unassigned and queued or running, and not failed on that agent
 *    before), and checks the agents (still online or running) and the jobs (still queued or running, not
 *    hidden, not marked for deletion). Agent and job rows are not locked: every task report updates them,
 *    and waiting for those would serialise the scheduler behind the reports. An agent lost meanwhile
 *    loses the new tasks again when their delivery fails; a job paused meanwhile is announced again right
 *    after the commit (see the engine). A claim whose agent, job or any task fails is refused whole (its
 *    batch would no longer be what was decided);
 * 3. assigns the tasks with PyFarm's hooks for an assignment: agent set, one more attempt, not yet sent;
 * 4. moves queued jobs to RUNNING with the job hooks (time_started stamped, time_finished cleared): what
 *    `refreshJobState` stores for a job that now has a task on a live agent (a RUNNING job is left as is).
 * Task rows are locked on PostgreSQL and MySQL; SQLite transactions are serialised by BEGIN IMMEDIATE.
 */
import { sql, type Kysely } from 'kysely';
import { AgentState, WorkState } from '../../core/enums.js';
import type { Database, Millis } from '../database.js';
import { dialectOf, type DialectName } from '../dialect-name.js';
import { transaction } from '../transaction.js';

const { RUNNING } = WorkState.values;
const { ONLINE, RUNNING: AGENT_RUNNING } = AgentState.values;

/** Ids per `IN (...)` list and pairs per bulk UPDATE. */
const CHUNK = 10_000;

export interface TaskClaim {
  readonly agentId: string;
  readonly jobId: number;
  readonly taskIds: readonly number[];
}

export type ClaimRefusal = 'agent' | 'job' | 'task';

export interface ClaimOutcome {
  readonly claimed: TaskClaim[];
  readonly refused: { claim: TaskClaim; reason: ClaimRefusal }[];
}

export interface ClaimOptions {
  now: Millis;
  /** Runs first inside the transaction; throws to abort (e.g. the leadership was lost). */
  fence?: (trx: Kysely<Database>) => Promise<void>;
}

export async function claimTasks(
  db: Kysely<Database>,
  claims: readonly TaskClaim[],
  options: ClaimOptions,
): Promise<ClaimOutcome> {
  if (claims.length === 0) return { claimed: [], refused: [] };
  return transaction(db, async (trx) => {
    await options.fence?.(trx);
    const dialect = dialectOf(trx as Kysely<unknown>);
    const lock = dialect !== 'sqlite';

    const agentIds = [...new Set(claims.map((c) => c.agentId))].sort();
    const liveAgents = new Set<string>();
    for (const chunk of chunks(agentIds)) {
      const query = trx
        .selectFrom('agents')
        .select('id')
        .where('id', 'in', chunk)
        .where('state', 'in', [ONLINE, AGENT_RUNNING]);
      for (const row of await query.execute()) liveAgents.add(row.id);
    }

    const taskIds = claims.flatMap((c) => c.taskIds).sort((a, b) => a - b);
    const freeTasks = new Set<number>();
    for (const chunk of chunks(taskIds)) {
      let query = trx
        .selectFrom('tasks')
        .select('id')
        .where('id', 'in', chunk)
        .where('agent_id', 'is', null)
        .where((eb) => eb.or([eb('state', 'is', null), eb('state', '=', RUNNING)]));
      if (lock) query = query.forUpdate();
      for (const row of await query.execute()) freeTasks.add(row.id);
    }

    // The per-task blacklist: a task never goes back to an agent it failed on.
    const failedOn = new Set<string>();
    for (const chunk of chunks(taskIds)) {
      const rows = await trx
        .selectFrom('failed_tasks_in_agents')
        .select(['task_id', 'agent_id'])
        .where('task_id', 'in', chunk)
        .execute();
      for (const row of rows) failedOn.add(`${row.task_id}/${row.agent_id}`);
    }

    const jobIds = [...new Set(claims.map((c) => c.jobId))].sort((a, b) => a - b);
    const openJobs = new Set<number>();
    for (const chunk of chunks(jobIds)) {
      const query = trx
        .selectFrom('jobs')
        .select('id')
        .where('id', 'in', chunk)
        .where((eb) => eb.or([eb('state', 'is', null), eb('state', '=', RUNNING)]))
        .where('hidden', '=', false)
        .where('to_be_deleted', '=', false);
      for (const row of await query.execute()) openJobs.add(row.id);
    }

    const claimed: TaskClaim[] = [];
    const refused: ClaimOutcome['refused'] = [];
    for (const claim of claims) {
      if (!liveAgents.has(claim.agentId)) refused.push({ claim, reason: 'agent' });
      else if (!openJobs.has(claim.jobId)) refused.push({ claim, reason: 'job' });
      else if (!claim.taskIds.every((id) => freeTasks.has(id) && !failedOn.has(`${id}/${claim.agentId}`))) {
        refused.push({ claim, reason: 'task' });
      } else claimed.push(claim);
    }
    if (claimed.length === 0) return { claimed, refused };

    const pairs = claimed.flatMap((c) => c.taskIds.map((id) => [id, c.agentId] as const));
    for (const chunk of chunks(pairs)) await assignPairs(trx, dialect, chunk);

    const runningJobs = [...new Set(claimed.map((c) => c.jobId))];
    for (const chunk of chunks(runningJobs)) {
      await trx
        .updateTable('jobs')
        .set({ state: RUNNING, time_started: options.now, time_finished: null })
        .where('id', 'in', chunk)
        .where('state', 'is', null)
        .execute();
    }
    return { claimed, refused };
  });
}

/** Of the given jobs, those paused or marked for deletion (their new assignments must be stopped). */
export async function listJobsToStop(db: Kysely<Database>, jobIds: readonly number[]): Promise<number[]> {
  const stop: number[] = [];
  for (const chunk of chunks(jobIds)) {
    const rows = await db
      .selectFrom('jobs')
      .select('id')
      .where('id', 'in', chunk)
      .where((eb) => eb.or([eb('state', '=', WorkState.values.PAUSED), eb('to_be_deleted', '=', true)]))
      .execute();
    for (const row of rows) stop.push(row.id);
  }
  return stop;
}

/** One statement for many (task, agent) pairs: agent set, attempts + 1, not yet sent to the agent. */
async function assignPairs(
  trx: Kysely<Database>,
  dialect: DialectName,
  pairs: readonly (readonly [number, string])[],
): Promise<void> {
  const tasks = sql.table('tasks');
  const id = sql.ref('tasks.id');
  const attempts = sql.ref('tasks.attempts');
  switch (dialect) {
    case 'postgres': {
      const ids = pairs.map(([taskId]) => taskId);
      const agents = pairs.map(([, agentId]) => agentId);
      await sql`update ${tasks} set agent_id = v.agent_id, attempts = ${attempts} + 1, sent_to_agent = false
        from (select unnest(${ids}::bigint[]) as id, unnest(${agents}::text[]) as agent_id) as v
        where ${id} = v.id`.execute(trx);
      return;
    }
    case 'sqlite':
      await sql`update ${tasks} set agent_id = v.agent_id, attempts = ${attempts} + 1, sent_to_agent = 0
        from (select value ->> 0 as id, value ->> 1 as agent_id from json_each(${JSON.stringify(pairs)})) as v
        where ${id} = v.id`.execute(trx);
      return;
    case 'mysql':
      await sql`update ${tasks} join json_table(${JSON.stringify(pairs)}, '$[*]'
          columns (id bigint path '$[0]', agent_id char(36) path '$[1]')) as v on ${id} = v.id
        set ${sql.ref('tasks.agent_id')} = v.agent_id, ${attempts} = ${attempts} + 1,
          ${sql.ref('tasks.sent_to_agent')} = false`.execute(trx);
      return;
  }
}

/** Marks tasks as delivered to the agent that holds them (tasks it no longer holds are left alone). */
export async function markTasksSent(
  db: Kysely<Database>,
  agentId: string,
  taskIds: readonly number[],
  now: Millis,
): Promise<number> {
  let updated = 0;
  for (const chunk of chunks(taskIds)) {
    const result = await db
      .updateTable('tasks')
      .set({ sent_to_agent: true, sent_on: now, last_error: null })
      .where('id', 'in', chunk)
      .where('agent_id', '=', agentId)
      .executeTakeFirst();
    updated += Number(result.numUpdatedRows);
  }
  return updated;
}

/**
 * Takes tasks back from an agent they never reached (the delivery was refused or failed): agent cleared,
 * the attempt the assignment counted undone, not sent. Only tasks the agent still holds and has not
 * started are changed. Returns them with their jobs.
 */
export async function unassignUndelivered(
  db: Kysely<Database>,
  agentId: string,
  taskIds: readonly number[],
): Promise<{ id: number; jobId: number }[]> {
  if (taskIds.length === 0) return [];
  return transaction(db, async (trx) => {
    const lock = dialectOf(trx as Kysely<unknown>) !== 'sqlite';
    const held: { id: number; jobId: number }[] = [];
    for (const chunk of chunks([...taskIds])) {
      let query = trx
        .selectFrom('tasks')
        .select(['id', 'job_id'])
        .where('id', 'in', chunk)
        .where('agent_id', '=', agentId)
        .where('state', 'is', null);
      if (lock) query = query.forUpdate();
      for (const row of await query.execute()) held.push({ id: row.id, jobId: row.job_id });
    }
    for (const chunk of chunks(held.map((t) => t.id))) {
      await trx
        .updateTable('tasks')
        .set((eb) => ({
          agent_id: null,
          sent_to_agent: false,
          attempts: eb
            .case()
            .when('attempts', '>', 0)
            .then(eb('attempts', '-', 1))
            .else(0)
            .end(),
        }))
        .where('id', 'in', chunk)
        .execute();
    }
    return held;
  });
}

function* chunks<T>(items: readonly T[]): Generator<T[]> {
  for (let start = 0; start < items.length; start += CHUNK) yield items.slice(start, start + CHUNK);
}
