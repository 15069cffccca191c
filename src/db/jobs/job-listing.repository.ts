/**
 * The job list: one row per job with the names a list shows (owner, job type, queue path), filtered,
 * sorted and paged in SQL so that a page costs the same at 100,000 jobs as at 100.
 *
 * The shown state of a job differs from the stored one in one case: a stored NULL reads "running" while
 * some unfinished task of the job (queued-but-assigned or running) is held by an agent, else "queued".
 * `findJobsWithHeldTasks` answers that with two index seeks per job (index tasks(job_id, state, agent_id));
 * a filter by state reads the few held tasks through tasks_waiting (state, agent_id, job_id, ...).
 */
import { sql, type ExpressionBuilder, type Kysely, type SelectQueryBuilder } from 'kysely';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, Millis } from '../database.js';
import { dialectOf } from '../dialect-name.js';

const { PAUSED, RUNNING, DONE, FAILED } = WorkState.values;

/** A job's state as lists show it (see the module comment for "queued" and "running"). */
export type ShownJobState = 'queued' | 'running' | 'paused' | 'done' | 'failed';

export type JobSortKey =
  | 'id'
  | 'title'
  | 'state'
  | 'time_submitted'
  | 'time_started'
  | 'time_finished'
  | 'priority'
  | 'weight'
  | 'user'
  | 'jobtype'
  | 'jobqueue';

export interface JobSummary {
  readonly id: number;
  readonly title: string;
  readonly state: WorkStateValue | null;
  readonly priority: number;
  readonly weight: number;
  readonly username: string | null;
  readonly jobtype: string;
  readonly jobtypeVersion: number;
  readonly queuePath: string | null;
  readonly timeSubmitted: Millis;
  readonly timeStarted: Millis | null;
  readonly timeFinished: Millis | null;
  readonly hidden: boolean;
  readonly toBeDeleted: boolean;
}

export interface JobSummaryFilter {
  jobtypeId?: number;
  userId?: number;
  /** Jobs without an owner (with userId: jobs of that user or without one). */
  noUser?: boolean;
  /** Jobs directly in this queue. */
  jobQueueId?: number;
  /** Jobs without a queue (with jobQueueId: jobs in that queue or in none). */
  noQueue?: boolean;
  /** Jobs having every one of these tags (names). */
  tags?: readonly string[];
  priorities?: readonly number[];
  /** true: jobs with a parent that is not DONE; false: jobs without one. */
  blocked?: boolean;
  /** Case-sensitive substring of the title. */
  titleContains?: string;
  states?: readonly ShownJobState[];
  hidden?: boolean;
}

export interface JobSummaryOrder {
  by: JobSortKey;
  direction: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

const IDS_PER_STATEMENT = 10_000;

export async function listJobSummaries(
  db: Kysely<Database>,
  filter: JobSummaryFilter,
  order: JobSummaryOrder,
): Promise<JobSummary[]> {
  const rows = await jobSummaryQuery(db, filter, order, selectSummaryColumns).execute();
  return rows.map((row) => ({
    id: row.id,
    title: row.title,
    state: row.state as WorkStateValue | null,
    priority: row.priority,
    weight: row.weight,
    username: row.username,
    jobtype: row.jobtype,
    jobtypeVersion: row.jobtype_version,
    queuePath: row.fullpath,
    timeSubmitted: row.time_submitted,
    timeStarted: row.time_started,
    timeFinished: row.time_finished,
    hidden: row.hidden,
    toBeDeleted: row.to_be_deleted,
  }));
}

/** The jobs joined with their owner, job type (version) and queue: what `jobSummaryQuery` selects from. */
export type JobSummarySource = ReturnType<typeof joinSummaryTables>;

/**
 * The list's query: filtered, sorted and paged, with `select` choosing what each row holds (the
 * summary's columns here, a rendering of them elsewhere).
 */
export function jobSummaryQuery<O>(
  db: Kysely<Database>,
  filter: JobSummaryFilter,
  order: JobSummaryOrder,
  select: (from: JobSummarySource) => SelectQueryBuilder<Database, 'jobs', O>,
): SelectQueryBuilder<Database, 'jobs', O> {
  if (order.offset !== undefined && order.offset > 0 && JOB_COLUMN_KEYS.has(order.by)) {
    // A deep page: the skipped rows are walked in the jobs table (or its sort index) alone, then only
    // the page's rows are joined. An OFFSET over the joined query joins every skipped row as well —
    // page 1,000 of 100 at 100,000 jobs took 15 ms on SQLite and 190 ms on PostgreSQL against 3 ms for
    // page 1. (A derived table, not IN (...): MySQL refuses LIMIT inside IN. CROSS JOIN, because it
    // makes SQLite start from the page: with the LIMIT a parameter, its planner otherwise scans jobs.)
    const ids = applyFilter(db, db.selectFrom('jobs').select('jobs.id as page_id'), filter);
    const page = pageOf(sortedBy(ids, order), order);
    const paged = db.selectFrom(page.as('page')).crossJoin('jobs').whereRef('jobs.id', '=', 'page.page_id');
    return sortedBy(
      select(joinSummaryTables(paged as unknown as SelectQueryBuilder<Database, 'jobs', object>)),
      order,
    );
  }
  return pageOf(
    sortedBy(applyFilter(db, select(joinSummaryTables(db.selectFrom('jobs'))), filter), order),
    order,
  );
}

/** The tables a list row reads besides jobs: its owner, job type (version) and queue. */
function joinSummaryTables(from: SelectQueryBuilder<Database, 'jobs', object>) {
  return from
    .innerJoin('jobtype_versions', 'jobtype_versions.id', 'jobs.jobtype_version_id')
    .innerJoin('jobtypes', 'jobtypes.id', 'jobtype_versions.jobtype_id')
    .leftJoin('users', 'users.id', 'jobs.user_id')
    .leftJoin('job_queues', 'job_queues.id', 'jobs.job_queue_id');
}

/**
 * The column each summary field is read from; `selectSummaryColumns` selects exactly these (with Kysely's
 * types, which a list built from this map would lose), the JSON rendering and the sorts name them here.
 */
export const SUMMARY_COLUMNS = {
  id: 'jobs.id',
  title: 'jobs.title',
  state: 'jobs.state',
  priority: 'jobs.priority',
  weight: 'jobs.weight',
  username: 'users.username',
  jobtype: 'jobtypes.name',
  jobtypeVersion: 'jobtype_versions.version',
  queuePath: 'job_queues.fullpath',
  timeSubmitted: 'jobs.time_submitted',
  timeStarted: 'jobs.time_started',
  timeFinished: 'jobs.time_finished',
  hidden: 'jobs.hidden',
  toBeDeleted: 'jobs.to_be_deleted',
} as const satisfies Record<keyof JobSummary, string>;

/** The list's columns: the job's own and the names of its owner, job type and queue. */
function selectSummaryColumns(from: JobSummarySource) {
  return from.select([
    'jobs.id',
    'jobs.title',
    'jobs.state',
    'jobs.priority',
    'jobs.weight',
    'users.username',
    'jobtypes.name as jobtype',
    'jobtype_versions.version as jobtype_version',
    'job_queues.fullpath',
    'jobs.time_submitted',
    'jobs.time_started',
    'jobs.time_finished',
    'jobs.hidden',
    'jobs.to_be_deleted',
  ]);
}

/** Sort keys that are columns of jobs (the others sort by a joined table's column). */
const JOB_COLUMN_KEYS: ReadonlySet<JobSortKey> = new Set([
  'id',
  'title',
  'state',
  'time_submitted',
  'time_started',
  'time_finished',
  'priority',
  'weight',
]);

function sortedBy<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: JobSummaryOrder,
): SelectQueryBuilder<DB, TB, O> {
  const q = query as unknown as SelectQueryBuilder<Database, 'jobs', O>;
  const direction = order.direction;
  let sorted: SelectQueryBuilder<Database, 'jobs', O>;
  switch (order.by) {
    case 'state':
      // NULL (queued) sorts as the lowest state on every dialect.
      sorted = q.orderBy(sql`coalesce(${sql.ref('jobs.state')}, 0)`, direction);
      break;
    case 'user':
      sorted = q.orderBy(sql.ref(SUMMARY_COLUMNS.username), direction);
      break;
    case 'jobtype':
      sorted = q.orderBy(sql.ref(SUMMARY_COLUMNS.jobtype), direction);
      break;
    case 'jobqueue':
      sorted = q.orderBy(sql.ref(SUMMARY_COLUMNS.queuePath), direction);
      break;
    default:
      sorted = q.orderBy(`jobs.${order.by}`, direction);
  }
  if (order.by !== 'id') sorted = sorted.orderBy('jobs.id', direction);
  return sorted as unknown as SelectQueryBuilder<DB, TB, O>;
}

function pageOf<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  order: JobSummaryOrder,
): SelectQueryBuilder<DB, TB, O> {
  let q = order.limit !== undefined ? query.limit(order.limit) : query;
  if (order.offset !== undefined) {
    // MySQL and SQLite accept OFFSET only after a LIMIT.
    if (order.limit === undefined) q = q.limit(Number.MAX_SAFE_INTEGER);
    q = q.offset(order.offset);
  }
  return q;
}

export async function countJobSummaries(db: Kysely<Database>, filter: JobSummaryFilter): Promise<number> {
  const row = await applyFilter(
    db,
    db.selectFrom('jobs').select((eb) => eb.fn.countAll<number | string | bigint>().as('count')),
    filter,
  ).executeTakeFirstOrThrow();
  return Number(row.count);
}

/** The jobs among `jobIds` that have an unfinished task (NULL or RUNNING) held by an agent. */
export async function findJobsWithHeldTasks(
  db: Kysely<Database>,
  jobIds: readonly number[],
): Promise<Set<number>> {
  const held = new Set<number>();
  for (let start = 0; start < jobIds.length; start += IDS_PER_STATEMENT) {
    const chunk = jobIds.slice(start, start + IDS_PER_STATEMENT);
    // One EXISTS per state, so that each is a seek on tasks(job_id, state, agent_id) that stops at the
    // first row; an OR of the states would scan all of a job's tasks.
    const rows = await db
      .selectFrom('jobs')
      .select('jobs.id')
      .where('jobs.id', 'in', chunk)
      .where((eb) => eb.or([eb.exists(heldTasksOfJob(eb, null)), eb.exists(heldTasksOfJob(eb, RUNNING))]))
      .execute();
    for (const row of rows) held.add(row.id);
  }
  return held;
}

/**
 * Every job with an unfinished task held by an agent. Reads only the held tasks (at most what the agents
 * hold) through tasks_waiting (state, agent_id, job_id, ...): cheaper than per-job seeks once a list has many jobs.
 */
export async function listJobsWithHeldTasks(db: Kysely<Database>): Promise<Set<number>> {
  const rows = await db
    .selectFrom('jobs')
    .select('jobs.id')
    .where('jobs.id', 'in', (eb) => jobsWithHeldTasks(eb))
    .execute();
  return new Set(rows.map((row) => row.id));
}

function heldTasksOfJob(eb: ExpressionBuilder<Database, 'jobs'>, state: WorkStateValue | null) {
  return eb
    .selectFrom('tasks')
    .select('tasks.id')
    .whereRef('tasks.job_id', '=', 'jobs.id')
    .where('tasks.state', state === null ? 'is' : '=', state)
    .where('tasks.agent_id', 'is not', null);
}

/** The ids of jobs with a held task: few rows (at most the tasks agents hold), read from tasks(state, agent_id). */
export function jobsWithHeldTasks(eb: ExpressionBuilder<Database, 'jobs'>) {
  return eb
    .selectFrom('tasks')
    .select('tasks.job_id')
    .where((inner) =>
      inner.or([
        inner.and([inner('tasks.state', 'is', null), inner('tasks.agent_id', 'is not', null)]),
        inner.and([inner('tasks.state', '=', RUNNING), inner('tasks.agent_id', 'is not', null)]),
      ]),
    );
}

function applyFilter<O>(
  db: Kysely<Database>,
  query: SelectQueryBuilder<Database, 'jobs', O>,
  filter: JobSummaryFilter,
): SelectQueryBuilder<Database, 'jobs', O> {
  let q = query;
  if (filter.jobtypeId !== undefined) {
    const jobtypeId = filter.jobtypeId;
    q = q.where('jobs.jobtype_version_id', 'in', (eb) =>
      eb.selectFrom('jobtype_versions').select('jobtype_versions.id').where('jobtype_id', '=', jobtypeId),
    );
  }
  if (filter.userId !== undefined || filter.noUser) {
    const userId = filter.userId;
    q = q.where((eb) =>
      eb.or([
        ...(userId !== undefined ? [eb('jobs.user_id', '=', userId)] : []),
        ...(filter.noUser ? [eb('jobs.user_id', 'is', null)] : []),
      ]),
    );
  }
  if (filter.jobQueueId !== undefined || filter.noQueue) {
    const queueId = filter.jobQueueId;
    q = q.where((eb) =>
      eb.or([
        ...(queueId !== undefined ? [eb('jobs.job_queue_id', '=', queueId)] : []),
        ...(filter.noQueue ? [eb('jobs.job_queue_id', 'is', null)] : []),
      ]),
    );
  }
  if (filter.priorities !== undefined) {
    q =
      filter.priorities.length === 0
        ? q.where(sql<boolean>`1 = 0`)
        : q.where('jobs.priority', 'in', filter.priorities);
  }
  for (const tag of filter.tags ?? []) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('job_tag_associations')
          .innerJoin('tags', 'tags.id', 'job_tag_associations.tag_id')
          .select('job_tag_associations.job_id')
          .whereRef('job_tag_associations.job_id', '=', 'jobs.id')
          .where('tags.tag', '=', tag),
      ),
    );
  }
  if (filter.blocked !== undefined) {
    const blocked = filter.blocked;
    q = q.where((eb) => {
      const waiting = eb.exists(
        eb
          .selectFrom('job_dependencies')
          .innerJoin('jobs as parent', 'parent.id', 'job_dependencies.parentid')
          .select('job_dependencies.childid')
          .whereRef('job_dependencies.childid', '=', 'jobs.id')
          .where((p) => p.or([p('parent.state', 'is', null), p('parent.state', '!=', DONE)])),
      );
      return blocked ? waiting : eb.not(waiting);
    });
  }
  if (filter.hidden !== undefined) q = q.where('jobs.hidden', '=', filter.hidden);
  if (filter.titleContains !== undefined) {
    // A literal, case-sensitive substring on every dialect (LIKE has wildcards and is case-insensitive in SQLite).
    const position = dialectOf(db as Kysely<unknown>) === 'postgres' ? 'strpos' : 'instr';
    q = q.where(sql<number>`${sql.raw(position)}(${sql.ref('jobs.title')}, ${filter.titleContains})`, '>', 0);
  }
  if (filter.states !== undefined) {
    const states = new Set(filter.states);
    const stored: WorkStateValue[] = [];
    if (states.has('paused')) stored.push(PAUSED);
    if (states.has('done')) stored.push(DONE);
    if (states.has('failed')) stored.push(FAILED);
    if (states.has('running')) stored.push(RUNNING);
    q = q.where((eb) => {
      const alternatives = [];
      if (stored.length > 0) alternatives.push(eb('jobs.state', 'in', stored));
      if (states.has('running')) {
        alternatives.push(eb.and([eb('jobs.state', 'is', null), eb('jobs.id', 'in', jobsWithHeldTasks(eb))]));
      }
      if (states.has('queued')) {
        alternatives.push(
          eb.and([eb('jobs.state', 'is', null), eb('jobs.id', 'not in', jobsWithHeldTasks(eb))]),
        );
      }
      return alternatives.length === 0 ? eb.lit(false) : eb.or(alternatives);
    });
  }
  return q;
}
