/**
 * What the scheduler reads to build and refresh its in-memory index: the queue tree, agents with their
 * tags and software ranks, open jobs (those with unfinished tasks) with their requirement facts, and the
 * unfinished tasks themselves in frame order. Every function reads everything when `ids` is absent (the
 * index build and the periodic sweep) or only the given rows (refresh after an event).
 *
 * "Unfinished" is PyFarm's test: state NULL (queued or assigned), RUNNING or PAUSED.
 */
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import {
  WorkState,
  type AgentStateValue,
  type UseAgentAddressValue,
  type WorkStateValue,
} from '../../core/enums.js';
import type { Database, Millis } from '../database.js';
import { dialectOf } from '../dialect-name.js';
import { parseJsonColumn } from '../json-column.js';

const { RUNNING, PAUSED, DONE } = WorkState.values;

/** Ids per `IN (...)` list, well below every dialect's parameter limit. */
const IDS_PER_QUERY = 10_000;

export interface SchedulingQueueRow {
  readonly id: number;
  readonly parentId: number | null;
  readonly name: string;
  readonly priority: number;
  readonly weight: number;
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
}

export interface SchedulingAgentRow {
  readonly id: string;
  readonly hostname: string;
  readonly state: AgentStateValue;
  readonly useAddress: UseAgentAddressValue;
  readonly cpus: number;
  readonly ram: number;
  readonly freeRam: number;
  readonly cpuAllocation: number;
  readonly ramAllocation: number;
  readonly projects: readonly string[] | null;
  readonly tagIds: number[];
  readonly software: { softwareId: number; rank: number }[];
  readonly lastHeardFrom: Millis | null;
}

export interface SchedulingRequirementRow {
  readonly softwareId: number;
  readonly software: string;
  readonly minRank: number | null;
  readonly maxRank: number | null;
}

export interface SchedulingJobRow {
  readonly id: number;
  readonly title: string;
  readonly queueId: number | null;
  readonly priority: number;
  readonly weight: number;
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
  readonly timeSubmitted: Millis;
  readonly state: WorkStateValue | null;
  readonly hidden: boolean;
  readonly toBeDeleted: boolean;
  readonly parentsDone: boolean;
  readonly cpus: number;
  readonly ram: number;
  readonly batch: number;
  readonly by: number;
  readonly project: string | null;
  readonly jobtypeVersionId: number;
  readonly maxBatch: number | null;
  readonly batchContiguous: boolean;
  readonly tagRequirements: { tagId: number; tag: string; negate: boolean }[];
  /** The job type version's requirements followed by the job's own. */
  readonly softwareRequirements: SchedulingRequirementRow[];
}

export interface SchedulingTaskRow {
  readonly id: number;
  readonly jobId: number;
  readonly frame: number;
  readonly tile: number | null;
  readonly agentId: string | null;
  readonly state: WorkStateValue | null;
}

export async function listSchedulingQueues(db: Kysely<Database>): Promise<SchedulingQueueRow[]> {
  const rows = await db.selectFrom('job_queues').selectAll().orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    parentId: row.parent_jobqueue_id,
    name: row.name,
    priority: row.priority,
    weight: row.weight,
    minimumAgents: row.minimum_agents,
    maximumAgents: row.maximum_agents,
  }));
}

export async function listSchedulingAgents(
  db: Kysely<Database>,
  ids?: readonly string[],
): Promise<SchedulingAgentRow[]> {
  const rows = await inChunks(ids, (chunk) => {
    let query = db
      .selectFrom('agents')
      .select([
        'id',
        'hostname',
        'state',
        'use_address',
        'cpus',
        'ram',
        'free_ram',
        'cpu_allocation',
        'ram_allocation',
        'projects',
        'last_heard_from',
      ])
      .orderBy('id');
    if (chunk) query = query.where('id', 'in', chunk);
    return query.execute();
  });
  const tags = await inChunks(ids, (chunk) => {
    let query = db.selectFrom('agent_tag_associations').select(['agent_id', 'tag_id']);
    if (chunk) query = query.where('agent_id', 'in', chunk);
    return query.execute();
  });
  const software = await inChunks(ids, (chunk) => {
    let query = db
      .selectFrom('agent_software_version_associations as a')
      .innerJoin('software_versions as v', 'v.id', 'a.software_version_id')
      .select(['a.agent_id', 'v.software_id', 'v.rank']);
    if (chunk) query = query.where('a.agent_id', 'in', chunk);
    return query.execute();
  });
  const byId = new Map<string, SchedulingAgentRow>();
  for (const row of rows) {
    byId.set(row.id, {
      id: row.id,
      hostname: row.hostname,
      state: row.state as AgentStateValue,
      useAddress: row.use_address as UseAgentAddressValue,
      cpus: row.cpus,
      ram: row.ram,
      freeRam: row.free_ram,
      cpuAllocation: row.cpu_allocation,
      ramAllocation: row.ram_allocation,
      projects: parseJsonColumn<string[]>(row.projects, 'agents.projects'),
      tagIds: [],
      software: [],
      lastHeardFrom: row.last_heard_from,
    });
  }
  for (const row of tags) byId.get(row.agent_id)?.tagIds.push(row.tag_id);
  for (const row of software)
    byId.get(row.agent_id)?.software.push({ softwareId: row.software_id, rank: row.rank });
  return [...byId.values()];
}

/** The jobs (all, or the given ones) that have at least one unfinished task. */
export async function listOpenJobs(
  db: Kysely<Database>,
  ids?: readonly number[],
): Promise<SchedulingJobRow[]> {
  const rows = await inChunks(ids, (chunk) => {
    let query = db
      .selectFrom('jobs')
      .innerJoin('jobtype_versions as v', 'v.id', 'jobs.jobtype_version_id')
      .select((eb) => [
        'jobs.id',
        'jobs.title',
        'jobs.job_queue_id',
        'jobs.priority',
        'jobs.weight',
        'jobs.minimum_agents',
        'jobs.maximum_agents',
        'jobs.time_submitted',
        'jobs.state',
        'jobs.hidden',
        'jobs.to_be_deleted',
        'jobs.cpus',
        'jobs.ram',
        'jobs.batch',
        'jobs.by',
        'jobs.project',
        'jobs.jobtype_version_id',
        'v.max_batch',
        'v.batch_contiguous',
        eb
          .not(
            eb.exists(
              eb
                .selectFrom('job_dependencies as d')
                .innerJoin('jobs as p', 'p.id', 'd.parentid')
                .select('d.parentid')
                .whereRef('d.childid', '=', 'jobs.id')
                .where((w) => w.or([w('p.state', 'is', null), w('p.state', '<>', DONE)])),
            ),
          )
          .as('parents_done'),
      ])
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('tasks')
            .select('tasks.id')
            .whereRef('tasks.job_id', '=', 'jobs.id')
            .where(unfinishedTask(sql.ref('tasks.state'))),
        ),
      )
      .orderBy('jobs.id');
    if (chunk) query = query.where('jobs.id', 'in', chunk);
    return query.execute();
  });
  if (rows.length === 0) return [];
  const jobIds = rows.map((row) => row.id);
  const versionIds = [...new Set(rows.map((row) => row.jobtype_version_id))];
  const tagRequirements = await inChunks(jobIds, (chunk) =>
    db
      .selectFrom('job_tag_requirements as r')
      .innerJoin('tags as t', 't.id', 'r.tag_id')
      .select(['r.job_id', 'r.tag_id', 't.tag', 'r.negate'])
      .where('r.job_id', 'in', chunk!)
      .execute(),
  );
  const rankOf = (column: 'min_version_id' | 'max_version_id', alias: 'lo' | 'hi') =>
    sql<
      number | null
    >`(select ${sql.ref(`${alias}.rank`)} from ${sql.table('software_versions')} as ${sql.raw(alias)} where ${sql.ref(`${alias}.id`)} = ${sql.ref(`r.${column}`)})`;
  const jobSoftware = await inChunks(jobIds, (chunk) =>
    db
      .selectFrom('job_software_requirements as r')
      .innerJoin('software as s', 's.id', 'r.software_id')
      .select(['r.job_id', 'r.software_id', 's.software'])
      .select([rankOf('min_version_id', 'lo').as('min_rank'), rankOf('max_version_id', 'hi').as('max_rank')])
      .where('r.job_id', 'in', chunk!)
      .execute(),
  );
  const versionSoftware = await inChunks(versionIds, (chunk) =>
    db
      .selectFrom('jobtype_software_requirements as r')
      .innerJoin('software as s', 's.id', 'r.software_id')
      .select(['r.jobtype_version_id', 'r.software_id', 's.software'])
      .select([rankOf('min_version_id', 'lo').as('min_rank'), rankOf('max_version_id', 'hi').as('max_rank')])
      .where('r.jobtype_version_id', 'in', chunk!)
      .execute(),
  );
  const requirement = (row: {
    software_id: number;
    software: string;
    min_rank: number | null;
    max_rank: number | null;
  }) => ({
    softwareId: row.software_id,
    software: row.software,
    minRank: row.min_rank === null ? null : Number(row.min_rank),
    maxRank: row.max_rank === null ? null : Number(row.max_rank),
  });
  const byVersion = groupBy(versionSoftware, (row) => row.jobtype_version_id);
  const tagsByJob = groupBy(tagRequirements, (row) => row.job_id);
  const softwareByJob = groupBy(jobSoftware, (row) => row.job_id);
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    queueId: row.job_queue_id,
    priority: row.priority,
    weight: row.weight,
    minimumAgents: row.minimum_agents,
    maximumAgents: row.maximum_agents,
    timeSubmitted: row.time_submitted,
    state: row.state as WorkStateValue | null,
    hidden: row.hidden,
    toBeDeleted: row.to_be_deleted,
    parentsDone: Boolean(Number(row.parents_done)),
    cpus: row.cpus,
    ram: row.ram,
    batch: row.batch,
    by: row.by,
    project: row.project,
    jobtypeVersionId: row.jobtype_version_id,
    maxBatch: row.max_batch,
    batchContiguous: row.batch_contiguous,
    tagRequirements: (tagsByJob.get(row.id) ?? []).map((t) => ({
      tagId: t.tag_id,
      tag: t.tag,
      negate: t.negate,
    })),
    softwareRequirements: [
      ...(byVersion.get(row.jobtype_version_id) ?? []).map(requirement),
      ...(softwareByJob.get(row.id) ?? []).map(requirement),
    ],
  }));
}

/**
 * The queued tasks (no state, no agent) of each job (all, or the given ones): one row per job with its
 * tasks as parallel arrays in no particular order, aggregated by the database from the covering
 * `tasks_waiting` index. A million tasks arrive as a thousand rows, an order of magnitude faster than a
 * million row objects.
 */
export async function listWaitingTasksByJob(
  db: Kysely<Database>,
  jobIds?: readonly number[],
): Promise<WaitingTasks[]> {
  const dialect = dialectOf(db as Kysely<unknown>);
  const concat = (expression: ReturnType<typeof sql>) =>
    dialect === 'postgres'
      ? sql<string>`string_agg(${expression}::text, ',')`
      : sql<string>`group_concat(${expression}${sql.raw(dialect === 'mysql' ? " separator ','" : ", ','")})`;
  const query = (trx: Kysely<Database>, chunk: readonly number[] | undefined) => {
    let q = trx
      .selectFrom('tasks')
      .select([
        'job_id',
        concat(sql`id`).as('ids'),
        concat(sql`frame`).as('frames'),
        concat(sql`coalesce(tile, -1)`).as('tiles'),
      ])
      .where('state', 'is', null)
      .where('agent_id', 'is', null)
      .groupBy('job_id');
    if (chunk) q = q.where('job_id', 'in', chunk);
    return q.execute();
  };
  const rows =
    dialect === 'mysql'
      ? await db.connection().execute(async (conn) => {
          // GROUP_CONCAT stops at group_concat_max_len (1 MB by default in MariaDB): lift it for this session.
          await sql`set session group_concat_max_len = 1073741824`.execute(conn);
          return inChunks(jobIds, (chunk) => query(conn, chunk));
        })
      : await inChunks(jobIds, (chunk) => query(db, chunk));
  return rows.map((row) => ({
    jobId: row.job_id,
    ids: splitNumbers(row.ids),
    frames: splitNumbers(row.frames),
    tiles: splitNumbers(row.tiles),
  }));
}

/** How many queued tasks (no state, no agent) each job has. */
export async function listWaitingTaskCounts(db: Kysely<Database>): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('tasks')
    .select((eb) => ['job_id', eb.fn.countAll().as('n')])
    .where('state', 'is', null)
    .where('agent_id', 'is', null)
    .groupBy('job_id')
    .execute();
  return new Map(rows.map((row) => [row.job_id, Number(row.n)]));
}

export interface WaitingTasks {
  readonly jobId: number;
  readonly ids: number[];
  readonly frames: number[];
  /** -1 = no tile. */
  readonly tiles: number[];
}

/**
 * The other unfinished tasks, of all jobs or the given ones: those an agent holds (assigned, running or
 * paused there) and those running or paused without an agent. Few compared to the queued ones.
 */
export async function listOtherUnfinishedTasks(
  db: Kysely<Database>,
  jobIds?: readonly number[],
): Promise<SchedulingTaskRow[]> {
  const select = (chunk: readonly number[] | undefined) => {
    let query = db.selectFrom('tasks').select(['id', 'job_id', 'frame', 'tile', 'agent_id', 'state']);
    if (chunk) query = query.where('job_id', 'in', chunk);
    return query;
  };
  // Two index-friendly queries rather than one OR that would scan every task.
  const assigned = await inChunks(jobIds, (chunk) =>
    select(chunk).where('state', 'is', null).where('agent_id', 'is not', null).execute(),
  );
  const started = await inChunks(jobIds, (chunk) =>
    select(chunk).where('state', 'in', [RUNNING, PAUSED]).execute(),
  );
  return [...assigned, ...started].map((row) => ({
    id: row.id,
    jobId: row.job_id,
    frame: row.frame,
    tile: row.tile,
    agentId: row.agent_id,
    state: row.state as WorkStateValue | null,
  }));
}

/**
 * Parses "12,13.5,-1" into numbers. Hand-rolled because it runs over millions of values when the index
 * is built; the values are what the databases print for integers and NUMERIC(10,4).
 */
export function splitNumbers(text: string | null): number[] {
  const out: number[] = [];
  if (text === null || text === '') return out;
  let value = 0;
  let scale = 0;
  let negative = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 44;
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      if (scale > 0) scale *= 10;
    } else if (c === 44) {
      const n = scale > 0 ? value / scale : value;
      out.push(negative ? -n : n);
      value = 0;
      scale = 0;
      negative = false;
    } else if (c === 46) scale = 1;
    else if (c === 45) negative = true;
    else return text.split(',').map(Number);
  }
  return out;
}

/** The current state of the given tasks (missing ones were deleted). */
export async function listTaskStates(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<SchedulingTaskRow[]> {
  if (ids.length === 0) return [];
  const rows = await inChunks(ids, (chunk) =>
    db
      .selectFrom('tasks')
      .select(['id', 'job_id', 'frame', 'tile', 'agent_id', 'state'])
      .where('id', 'in', chunk!)
      .execute(),
  );
  return rows.map((row) => ({
    id: row.id,
    jobId: row.job_id,
    frame: row.frame,
    tile: row.tile,
    agentId: row.agent_id,
    state: row.state as WorkStateValue | null,
  }));
}

/** (task, agent) failure records of unfinished tasks, of all jobs or the given ones. */
export async function listUnfinishedTaskFailures(
  db: Kysely<Database>,
  jobIds?: readonly number[],
): Promise<{ jobId: number; taskId: number; agentId: string }[]> {
  const rows = await inChunks(jobIds, (chunk) => {
    let query = db
      .selectFrom('failed_tasks_in_agents as f')
      .innerJoin('tasks', 'tasks.id', 'f.task_id')
      .select(['tasks.job_id', 'tasks.state', 'f.task_id', 'f.agent_id']);
    if (chunk) query = query.where('tasks.job_id', 'in', chunk);
    return query.execute();
  });
  // Filtered here: the records are few, and an OR on the task state would make the database scan tasks.
  return rows
    .filter((row) => row.state === null || row.state === RUNNING || row.state === PAUSED)
    .map((row) => ({ jobId: row.job_id, taskId: row.task_id, agentId: row.agent_id }));
}

/** The agents each of the given tasks failed on. */
export async function listTaskFailures(
  db: Kysely<Database>,
  taskIds: readonly number[],
): Promise<{ taskId: number; agentId: string }[]> {
  if (taskIds.length === 0) return [];
  const rows = await inChunks(taskIds, (chunk) =>
    db
      .selectFrom('failed_tasks_in_agents')
      .select(['task_id', 'agent_id'])
      .where('task_id', 'in', chunk!)
      .execute(),
  );
  return rows.map((row) => ({ taskId: row.task_id, agentId: row.agent_id }));
}

/** Jobs that wait for the given ones (to re-check after a parent finished). */
export async function listChildJobIds(db: Kysely<Database>, parentIds: readonly number[]): Promise<number[]> {
  if (parentIds.length === 0) return [];
  const rows = await inChunks(parentIds, (chunk) =>
    db.selectFrom('job_dependencies').select('childid').where('parentid', 'in', chunk!).execute(),
  );
  return [...new Set(rows.map((row) => row.childid))];
}

export function unfinishedTask(state: Expression<unknown>): Expression<SqlBool> {
  return sql<SqlBool>`(${state} is null or ${state} in (${RUNNING}, ${PAUSED}))`;
}

async function inChunks<K, R>(
  ids: readonly K[] | undefined,
  run: (chunk: readonly K[] | undefined) => Promise<R[]>,
): Promise<R[]> {
  if (ids === undefined) return run(undefined);
  const out: R[] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_QUERY)
    out.push(...(await run(ids.slice(start, start + IDS_PER_QUERY))));
  return out;
}

function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const map = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}
