/**
 * Jobs, tasks and agents by state, for the metrics gauges. Each is one GROUP BY over a column the schema
 * indexes (jobs_state, tasks_state, agents_state), plus one count of assigned tasks, so a scrape stays
 * cheap at a million tasks. Every state is present (0 when empty), so the series never vanish.
 */
import type { Kysely } from 'kysely';
import { AgentState, WorkState } from '../../core/enums.js';
import type { Database } from '../../db/database.js';

export type JobStateLabel = 'queued' | (typeof WorkState.names)[number];
export type TaskStateLabel = JobStateLabel | 'assigned';
export type AgentStateLabel = (typeof AgentState.names)[number];

export interface FarmCounts {
  /** A job with no stored state is queued. */
  jobs: Record<JobStateLabel, number>;
  /** A task with no stored state is queued, or assigned when it has an agent. */
  tasks: Record<TaskStateLabel, number>;
  agents: Record<AgentStateLabel, number>;
}

export async function countFarm(db: Kysely<Database>): Promise<FarmCounts> {
  const [jobRows, taskRows, assignedRow, agentRows] = await Promise.all([
    db
      .selectFrom('jobs')
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .groupBy('state')
      .execute(),
    db
      .selectFrom('tasks')
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .groupBy('state')
      .execute(),
    db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('state', 'is', null)
      .where('agent_id', 'is not', null)
      .executeTakeFirst(),
    db
      .selectFrom('agents')
      .select((eb) => ['state', eb.fn.countAll().as('n')])
      .groupBy('state')
      .execute(),
  ]);
  const jobs = workStateCounts(jobRows);
  const byState = workStateCounts(taskRows);
  const assigned = Number(assignedRow?.n ?? 0);
  const tasks = { ...byState, queued: byState.queued - assigned, assigned };
  const agents = Object.fromEntries(AgentState.names.map((name) => [name, 0])) as Record<
    AgentStateLabel,
    number
  >;
  for (const row of agentRows) {
    const name = AgentState.name(row.state);
    if (name !== undefined) agents[name] += Number(row.n);
  }
  return { jobs, tasks, agents };
}

function workStateCounts(
  rows: readonly { state: number | null; n: unknown }[],
): Record<JobStateLabel, number> {
  const counts = Object.fromEntries(['queued', ...WorkState.names].map((name) => [name, 0])) as Record<
    JobStateLabel,
    number
  >;
  for (const row of rows) {
    const name = row.state === null ? 'queued' : WorkState.name(row.state);
    if (name !== undefined) counts[name] += Number(row.n);
  }
  return counts;
}
