/**
 * Tasks: one frame (and tile) of a job. Creation is bulk (a job may have 100,000 frames); updates take
 * one id or a list of ids, so that the master's state machine and scheduler can change many tasks in one
 * statement. The state hooks of spec §2 (times, failures, requeue) are the master's; this layer checks and
 * stores values.
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import { AgentState, WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, Millis, TasksTable } from '../database.js';
import { dialectOf } from '../dialect-name.js';
import { insertMany } from '../inserts.js';
import {
  checkBoolean,
  checkInteger,
  checkMillis,
  checkText,
  checkUuid,
  nullable,
} from '../rules/field-rules.js';
import {
  checkCount,
  checkFrame,
  checkPriority,
  checkProgress,
  type WorkStateInput,
} from '../rules/work-rules.js';
import { transaction } from '../transaction.js';
import { limitsOf, nowOf, type WriteOptions } from '../write-options.js';
import { framesOf, MAX_TASKS_PER_JOB, type FrameRange } from './frame-range.js';

export interface Task {
  readonly id: number;
  /** null = queued (no agent) or assigned (agent set). */
  readonly state: WorkStateValue | null;
  readonly priority: number;
  readonly timeSubmitted: Millis;
  readonly timeStarted: Millis | null;
  readonly timeFinished: Millis | null;
  readonly agentId: string | null;
  readonly jobId: number;
  readonly hidden: boolean;
  readonly attempts: number;
  readonly failures: number;
  readonly frame: number;
  readonly tile: number | null;
  readonly lastError: string | null;
  readonly sentToAgent: boolean;
  /** When it was last delivered to its agent. */
  readonly sentOn: Millis | null;
  readonly progress: number;
}

export interface TaskFields {
  state?: WorkStateInput;
  priority?: number;
  timeStarted?: Millis | null;
  timeFinished?: Millis | null;
  agentId?: string | null;
  hidden?: boolean;
  attempts?: number;
  failures?: number;
  lastError?: string | null;
  sentToAgent?: boolean;
  progress?: number;
}

export interface NewTask {
  frame: number;
  tile?: number | null;
  /** Default: the job's priority. */
  priority?: number;
}

export interface TaskFilter {
  ids?: readonly number[];
  jobId?: number;
  jobIds?: readonly number[];
  agentId?: string;
  /** Include null to select queued/assigned tasks. */
  states?: readonly (WorkStateValue | null)[];
}

/** Per-job task counts by the API's state names ("queued" = no agent, "assigned" = agent, not started). */
export interface TaskStateCounts {
  queued: number;
  assigned: number;
  running: number;
  paused: number;
  done: number;
  failed: number;
  total: number;
}

/** Ids per UPDATE/DELETE ... WHERE id IN (...), well below every dialect's parameter limit. */
const IDS_PER_STATEMENT = 10_000;

type TaskColumns = Omit<Selectable<TasksTable>, 'id'>;

/**
 * Creates the tasks of a job in one transaction: frames start..end by `by`, and with `numTiles` tiles
 * 0..numTiles-1 of each frame (PyFarm created one tile too few). Returns how many tasks were created.
 */
export async function createTasksForFrameRange(
  db: Kysely<Database>,
  jobId: number,
  range: FrameRange & { numTiles?: number | null },
  options?: WriteOptions,
): Promise<number> {
  const tiles = range.numTiles ?? null;
  if (tiles !== null) checkInteger('num_tiles', tiles, { min: 1, max: MAX_TASKS_PER_JOB });
  const frames = framesOf(range, tiles ?? 1);
  const tasks: NewTask[] = [];
  for (const frame of frames) {
    if (tiles === null) tasks.push({ frame });
    else for (let tile = 0; tile < tiles; tile++) tasks.push({ frame, tile });
  }
  return createTasks(db, jobId, tasks, options);
}

/** Creates tasks for the given frames/tiles in one transaction; returns how many. */
export async function createTasks(
  db: Kysely<Database>,
  jobId: number,
  tasks: readonly NewTask[],
  options?: WriteOptions,
): Promise<number> {
  if (tasks.length === 0) return 0;
  const limits = limitsOf(options);
  const now = nowOf(options);
  return transaction(db, async (trx) => {
    const job = await trx.selectFrom('jobs').select('priority').where('id', '=', jobId).executeTakeFirst();
    if (!job) throw new NotFoundError('job', jobId);
    const rows = tasks.map((task, i) => ({
      job_id: jobId,
      frame: checkFrame(task.frame, `tasks[${i}].frame`),
      tile: nullable(task.tile ?? null, (t) => checkCount(`tasks[${i}].tile`, t)),
      priority:
        task.priority === undefined
          ? job.priority
          : checkPriority(task.priority, limits, `tasks[${i}].priority`),
      time_submitted: now,
    }));
    await insertMany(trx, 'tasks', rows);
    return rows.length;
  });
}

export async function findTask(db: Kysely<Database>, id: number): Promise<Task | undefined> {
  const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toTask(row);
}

export async function getTask(db: Kysely<Database>, id: number): Promise<Task> {
  const task = await findTask(db, id);
  if (!task) throw new NotFoundError('task', id);
  return task;
}

/** Tasks matching every criterion, by job, frame, tile. */
export async function listTasks(db: Kysely<Database>, filter: TaskFilter = {}): Promise<Task[]> {
  let query = db
    .selectFrom('tasks')
    .selectAll()
    .orderBy('job_id')
    .orderBy('frame')
    .orderBy('tile')
    .orderBy('id');
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    query = query.where('id', 'in', filter.ids);
  }
  if (filter.jobId !== undefined) query = query.where('job_id', '=', filter.jobId);
  if (filter.jobIds !== undefined) {
    if (filter.jobIds.length === 0) return [];
    query = query.where('job_id', 'in', filter.jobIds);
  }
  if (filter.agentId !== undefined) query = query.where('agent_id', '=', filter.agentId.toLowerCase());
  if (filter.states !== undefined) {
    const states = filter.states.filter((s): s is WorkStateValue => s !== null);
    const open = filter.states.includes(null);
    if (states.length === 0 && !open) return [];
    query = query.where((eb) =>
      eb.or([
        ...(states.length > 0 ? [eb('state', 'in', states)] : []),
        ...(open ? [eb('state', 'is', null)] : []),
      ]),
    );
  }
  return (await query.execute()).map(toTask);
}

/**
 * The tasks of a job that `agentId` could take in a batch (spec §3 get_batch): not finished, not failed on
 * this agent before, and not held by an agent that is up (no agent, or an offline/disabled one). Ordered
 * by frame, then tile; the caller applies batch size and contiguity.
 */
export async function listBatchCandidates(
  db: Kysely<Database>,
  jobId: number,
  agentId: string,
): Promise<Task[]> {
  const agent = agentId.toLowerCase();
  const rows = await db
    .selectFrom('tasks')
    .leftJoin('agents', 'agents.id', 'tasks.agent_id')
    .selectAll('tasks')
    .where('tasks.job_id', '=', jobId)
    .where((eb) =>
      eb.or([
        eb('tasks.state', 'is', null),
        eb('tasks.state', 'not in', [WorkState.values.DONE, WorkState.values.FAILED]),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('tasks.agent_id', 'is', null),
        eb('agents.state', 'in', [AgentState.values.OFFLINE, AgentState.values.DISABLED]),
      ]),
    )
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('failed_tasks_in_agents')
            .select('failed_tasks_in_agents.task_id')
            .whereRef('failed_tasks_in_agents.task_id', '=', 'tasks.id')
            .where('failed_tasks_in_agents.agent_id', '=', agent),
        ),
      ),
    )
    .orderBy('tasks.frame')
    .orderBy('tasks.tile')
    .orderBy('tasks.id')
    .execute();
  return rows.map(toTask);
}

/**
 * Locks a task row and then its job row until the caller's transaction ends (PostgreSQL, MySQL; SQLite
 * transactions are serialised anyway). Locking reads, so on MySQL no snapshot is taken yet: the caller's
 * later reads see what other transactions committed before it got the locks. Returns the job id, or
 * undefined when the task does not exist.
 */
export async function lockTaskAndJob(db: Kysely<Database>, taskId: number): Promise<number | undefined> {
  const dialect = dialectOf(db as Kysely<unknown>);
  if (dialect === 'sqlite') return undefined;
  if (dialect === 'postgres') {
    // One round trip: PostgreSQL locks the rows of every table in FROM once the join has produced them,
    // in the order the tables are named (the task, then its job), whatever the plan.
    const row = await db
      .selectFrom('tasks')
      .innerJoin('jobs', 'jobs.id', 'tasks.job_id')
      .select('tasks.job_id')
      .where('tasks.id', '=', taskId)
      .forUpdate()
      .executeTakeFirst();
    return row?.job_id;
  }
  const task = await db
    .selectFrom('tasks')
    .select('job_id')
    .where('id', '=', taskId)
    .forUpdate()
    .executeTakeFirst();
  if (!task) return undefined;
  await db.selectFrom('jobs').select('id').where('id', '=', task.job_id).forUpdate().execute();
  return task.job_id;
}

/** Changes one task; NotFoundError when it does not exist. */
export async function updateTask(
  db: Kysely<Database>,
  id: number,
  patch: TaskFields,
  options?: WriteOptions,
): Promise<Task> {
  const values = checkTaskFields(patch, options);
  return transaction(db, async (trx) => {
    await getTask(trx, id);
    await requireAgent(trx, values.agent_id);
    if (Object.keys(values).length > 0)
      await trx.updateTable('tasks').set(values).where('id', '=', id).execute();
    return getTask(trx, id);
  });
}

/**
 * Changes a task the caller has just read (`before`, inside the same transaction) with one UPDATE, and
 * returns it as stored, without reading it again: the hot path of agents' task reports.
 */
export async function updateReadTask(
  db: Kysely<Database>,
  before: Task,
  patch: TaskFields,
  options?: WriteOptions,
): Promise<Task> {
  const values = checkTaskFields(patch, options);
  if (Object.keys(values).length === 0) return before;
  await requireAgent(db, values.agent_id);
  const result = await db.updateTable('tasks').set(values).where('id', '=', before.id).executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw new NotFoundError('task', before.id);
  return toTask({ ...taskRow(before), ...values });
}

/** Applies one patch to every listed task (any number of ids); returns how many rows matched. */
export async function updateTasks(
  db: Kysely<Database>,
  ids: readonly number[],
  patch: TaskFields,
  options?: WriteOptions,
): Promise<number> {
  const values = checkTaskFields(patch, options);
  if (ids.length === 0 || Object.keys(values).length === 0) return 0;
  return transaction(db, async (trx) => {
    await requireAgent(trx, values.agent_id);
    let updated = 0;
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      const chunk = ids.slice(start, start + IDS_PER_STATEMENT);
      const result = await trx.updateTable('tasks').set(values).where('id', 'in', chunk).executeTakeFirst();
      updated += Number(result.numUpdatedRows);
    }
    return updated;
  });
}

/** Deletes tasks (with their failed-on-agent records and log links); returns how many. */
export async function deleteTasks(db: Kysely<Database>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  return transaction(db, async (trx) => {
    let deleted = 0;
    for (let start = 0; start < ids.length; start += IDS_PER_STATEMENT) {
      const chunk = ids.slice(start, start + IDS_PER_STATEMENT);
      const result = await trx.deleteFrom('tasks').where('id', 'in', chunk).executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    return deleted;
  });
}

/** Task counts per job (jobs without tasks get all zeros). */
export async function countTasksByState(
  db: Kysely<Database>,
  jobIds: readonly number[],
): Promise<Map<number, TaskStateCounts>> {
  const counts = new Map<number, TaskStateCounts>();
  for (const id of jobIds)
    counts.set(id, { queued: 0, assigned: 0, running: 0, paused: 0, done: 0, failed: 0, total: 0 });
  const rows = [];
  for (let start = 0; start < jobIds.length; start += IDS_PER_STATEMENT) {
    const chunk = jobIds.slice(start, start + IDS_PER_STATEMENT);
    rows.push(
      ...(await db
        .selectFrom('tasks')
        .select((eb) => [
          'job_id',
          'state',
          eb.case().when('agent_id', 'is', null).then(0).else(1).end().as('assigned'),
          eb.fn.countAll().as('count'),
        ])
        .where('job_id', 'in', chunk)
        .groupBy(['job_id', 'state', 'assigned'])
        .execute()),
    );
  }
  for (const row of rows) {
    const entry = counts.get(row.job_id)!;
    const n = Number(row.count);
    entry.total += n;
    switch (row.state) {
      case null:
        if (Number(row.assigned) === 1) entry.assigned += n;
        else entry.queued += n;
        break;
      case WorkState.values.RUNNING:
        entry.running += n;
        break;
      case WorkState.values.PAUSED:
        entry.paused += n;
        break;
      case WorkState.values.DONE:
        entry.done += n;
        break;
      case WorkState.values.FAILED:
        entry.failed += n;
        break;
    }
  }
  return counts;
}

/** The first and last frame of a job's tasks; undefined for a job without tasks. */
export async function findFrameBounds(
  db: Kysely<Database>,
  jobId: number,
): Promise<{ start: number; end: number } | undefined> {
  const row = await db
    .selectFrom('tasks')
    .select((eb) => [eb.fn.min('frame').as('start'), eb.fn.max('frame').as('end')])
    .where('job_id', '=', jobId)
    .executeTakeFirst();
  if (!row || row.start === null || row.end === null) return undefined;
  return { start: Number(row.start), end: Number(row.end) };
}

async function requireAgent(trx: Kysely<Database>, agentId: string | null | undefined): Promise<void> {
  if (agentId === undefined || agentId === null) return;
  const agent = await trx.selectFrom('agents').select('id').where('id', '=', agentId).executeTakeFirst();
  if (!agent) throw new NotFoundError('agent', agentId);
}

function checkTaskFields(input: TaskFields, options: WriteOptions | undefined): Partial<TaskColumns> {
  const limits = limitsOf(options);
  const v: Partial<TaskColumns> = {};
  if (input.state !== undefined) v.state = nullable(input.state, (s) => WorkState.parse(s, 'state'));
  if (input.priority !== undefined) v.priority = checkPriority(input.priority, limits);
  if (input.timeStarted !== undefined)
    v.time_started = nullable(input.timeStarted, (t) => checkMillis('time_started', t));
  if (input.timeFinished !== undefined)
    v.time_finished = nullable(input.timeFinished, (t) => checkMillis('time_finished', t));
  if (input.agentId !== undefined) v.agent_id = nullable(input.agentId, (a) => checkUuid('agent_id', a));
  if (input.hidden !== undefined) v.hidden = checkBoolean('hidden', input.hidden);
  if (input.attempts !== undefined) v.attempts = checkCount('attempts', input.attempts);
  if (input.failures !== undefined) v.failures = checkCount('failures', input.failures);
  if (input.lastError !== undefined)
    v.last_error = nullable(input.lastError, (e) => checkText('last_error', e, { long: true }));
  if (input.sentToAgent !== undefined) v.sent_to_agent = checkBoolean('sent_to_agent', input.sentToAgent);
  if (input.progress !== undefined) v.progress = checkProgress(input.progress);
  return v;
}

function taskRow(task: Task): Selectable<TasksTable> {
  return {
    id: task.id,
    state: task.state,
    priority: task.priority,
    time_submitted: task.timeSubmitted,
    time_started: task.timeStarted,
    time_finished: task.timeFinished,
    agent_id: task.agentId,
    job_id: task.jobId,
    hidden: task.hidden,
    attempts: task.attempts,
    failures: task.failures,
    frame: task.frame,
    tile: task.tile,
    last_error: task.lastError,
    sent_to_agent: task.sentToAgent,
    sent_on: task.sentOn,
    progress: task.progress,
  };
}

/** A tasks row (`selectAll('tasks')`) as a Task. */
export function toTask(row: Selectable<TasksTable>): Task {
  return {
    id: row.id,
    state: row.state as WorkStateValue | null,
    priority: row.priority,
    timeSubmitted: row.time_submitted,
    timeStarted: row.time_started,
    timeFinished: row.time_finished,
    agentId: row.agent_id,
    jobId: row.job_id,
    hidden: row.hidden,
    attempts: row.attempts,
    failures: row.failures,
    frame: row.frame,
    tile: row.tile,
    lastError: row.last_error,
    sentToAgent: row.sent_to_agent,
    sentOn: row.sent_on,
    progress: row.progress,
  };
}
