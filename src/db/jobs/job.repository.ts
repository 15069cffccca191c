/**
 * Jobs. This layer stores and checks a job's own columns; submission (tasks, tags, requirements, parents,
 * notifications together) and state changes are the master's workflows, built from these functions and
 * those of job-associations and tasks inside one transaction.
 */
import { sql, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import { WorkState, type WorkStateValue } from '../../core/enums.js';
import type { Database, JobsTable, Millis } from '../database.js';
import { dialectOf } from '../dialect-name.js';
import { requireExisting } from '../existence.js';
import { insertReturningId } from '../inserts.js';
import { parseJsonColumn } from '../json-column.js';
import {
  checkBoolean,
  checkEnvironment,
  checkInteger,
  checkJsonObject,
  checkMillis,
  checkRequired,
  checkString,
  checkText,
  invalid,
  nullable,
} from '../rules/field-rules.js';
import {
  checkCount,
  checkFrameStep,
  checkJobCpus,
  checkJobRam,
  checkPositive,
  checkPriority,
  checkRequeue,
  type WorkStateInput,
} from '../rules/work-rules.js';
import { transaction } from '../transaction.js';
import { limitsOf, nowOf, type WriteOptions } from '../write-options.js';

export interface Job {
  readonly id: number;
  /** null = queued (or running/assigned, which the API derives from the tasks). */
  readonly state: WorkStateValue | null;
  readonly priority: number;
  readonly timeSubmitted: Millis;
  readonly timeStarted: Millis | null;
  readonly timeFinished: Millis | null;
  readonly jobtypeVersionId: number;
  readonly jobQueueId: number | null;
  readonly jobGroupId: number | null;
  readonly userId: number | null;
  /** null or 0 = no limit. */
  readonly minimumAgents: number | null;
  readonly maximumAgents: number | null;
  readonly weight: number;
  readonly title: string;
  readonly notes: string;
  readonly outputLink: string | null;
  /** Frame step. */
  readonly by: number;
  readonly numTiles: number | null;
  readonly batch: number;
  /** 0 = never requeue, -1 = forever, N = N retries. */
  readonly requeue: number;
  /** 0 = no minimum, -1 = the whole agent. */
  readonly cpus: number;
  /** Megabytes; 0 = no minimum, -1 = all of the agent's RAM. */
  readonly ram: number;
  readonly ramWarning: number | null;
  readonly ramMax: number | null;
  readonly hidden: boolean;
  readonly environ: Readonly<Record<string, string>> | null;
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly toBeDeleted: boolean;
  readonly completionNotifySent: boolean;
  /** Seconds after finishing; null = never. */
  readonly autodeleteTime: number | null;
  readonly project: string | null;
}

export interface JobFields {
  state?: WorkStateInput;
  priority?: number;
  timeStarted?: Millis | null;
  timeFinished?: Millis | null;
  jobtypeVersionId?: number;
  jobQueueId?: number | null;
  jobGroupId?: number | null;
  userId?: number | null;
  minimumAgents?: number | null;
  maximumAgents?: number | null;
  weight?: number;
  title?: string;
  notes?: string;
  outputLink?: string | null;
  by?: number;
  numTiles?: number | null;
  batch?: number;
  requeue?: number;
  cpus?: number;
  ram?: number;
  ramWarning?: number | null;
  ramMax?: number | null;
  hidden?: boolean;
  environ?: Readonly<Record<string, string>> | null;
  data?: Readonly<Record<string, unknown>> | null;
  toBeDeleted?: boolean;
  completionNotifySent?: boolean;
  autodeleteTime?: number | null;
  project?: string | null;
}

export interface NewJob extends JobFields {
  title: string;
  jobtypeVersionId: number;
  /** Default: now (see WriteOptions). */
  timeSubmitted?: Millis;
}

export interface JobFilter {
  ids?: readonly number[];
  /** Include null to select queued jobs. */
  states?: readonly (WorkStateValue | null)[];
  jobtypeId?: number;
  jobtypeVersionId?: number;
  userId?: number;
  jobQueueId?: number;
  jobGroupId?: number;
  /** Exact title. */
  title?: string;
  /** Case-sensitive substring of the title. */
  titleContains?: string;
  hidden?: boolean;
  toBeDeleted?: boolean;
  /** Newest first by default. */
  order?: 'newest' | 'oldest' | 'priority';
  limit?: number;
  offset?: number;
}

type JobColumns = Omit<Selectable<JobsTable>, 'id'>;

export async function createJob(db: Kysely<Database>, input: NewJob, options?: WriteOptions): Promise<Job> {
  checkRequired(input, ['title', 'jobtypeVersionId'], { jobtypeVersionId: 'jobtype_version_id' });
  const v = checkJobFields(input, options);
  return transaction(db, async (trx) => {
    await requireReferences(trx, v);
    const row: JobColumns = {
      state: v.state ?? null,
      priority: v.priority ?? 0,
      time_submitted:
        input.timeSubmitted === undefined
          ? nowOf(options)
          : checkMillis('time_submitted', input.timeSubmitted),
      time_started: v.time_started ?? null,
      time_finished: v.time_finished ?? null,
      jobtype_version_id: v.jobtype_version_id!,
      job_queue_id: v.job_queue_id ?? null,
      job_group_id: v.job_group_id ?? null,
      user_id: v.user_id ?? null,
      minimum_agents: v.minimum_agents ?? null,
      maximum_agents: v.maximum_agents ?? null,
      weight: v.weight ?? 10,
      title: v.title!,
      notes: v.notes ?? '',
      output_link: v.output_link ?? null,
      by: v.by ?? 1,
      num_tiles: v.num_tiles ?? null,
      batch: v.batch ?? 1,
      requeue: v.requeue ?? 3,
      cpus: v.cpus ?? 1,
      ram: v.ram ?? 32,
      ram_warning: v.ram_warning ?? null,
      ram_max: v.ram_max ?? null,
      hidden: v.hidden ?? false,
      environ: v.environ ?? null,
      data: v.data ?? null,
      to_be_deleted: v.to_be_deleted ?? false,
      completion_notify_sent: v.completion_notify_sent ?? false,
      autodelete_time: v.autodelete_time ?? null,
      project: v.project ?? null,
    };
    const id = await insertReturningId(trx, 'jobs', row);
    return toJob({ id, ...row });
  });
}

export async function findJob(db: Kysely<Database>, id: number): Promise<Job | undefined> {
  const row = await db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toJob(row);
}

export async function getJob(db: Kysely<Database>, id: number): Promise<Job> {
  const job = await findJob(db, id);
  if (!job) throw new NotFoundError('job', id);
  return job;
}

export async function listJobs(db: Kysely<Database>, filter: JobFilter = {}): Promise<Job[]> {
  let query = db.selectFrom('jobs').selectAll('jobs');
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    query = query.where('jobs.id', 'in', filter.ids);
  }
  if (filter.states !== undefined) {
    const states = filter.states.filter((s): s is WorkStateValue => s !== null);
    const queued = filter.states.includes(null);
    if (states.length === 0 && !queued) return [];
    query = query.where((eb) => {
      const alternatives = [];
      if (states.length > 0) alternatives.push(eb('jobs.state', 'in', states));
      if (queued) alternatives.push(eb('jobs.state', 'is', null));
      return eb.or(alternatives);
    });
  }
  if (filter.jobtypeId !== undefined) {
    query = query.where(
      'jobs.jobtype_version_id',
      'in',
      db.selectFrom('jobtype_versions').select('id').where('jobtype_id', '=', filter.jobtypeId),
    );
  }
  if (filter.jobtypeVersionId !== undefined)
    query = query.where('jobs.jobtype_version_id', '=', filter.jobtypeVersionId);
  if (filter.userId !== undefined) query = query.where('jobs.user_id', '=', filter.userId);
  if (filter.jobQueueId !== undefined) query = query.where('jobs.job_queue_id', '=', filter.jobQueueId);
  if (filter.jobGroupId !== undefined) query = query.where('jobs.job_group_id', '=', filter.jobGroupId);
  if (filter.title !== undefined) query = query.where('jobs.title', '=', filter.title);
  if (filter.titleContains !== undefined) {
    // A literal, case-sensitive substring on every dialect (LIKE has wildcards and is case-insensitive in SQLite).
    const position = dialectOf(db as Kysely<unknown>) === 'postgres' ? 'strpos' : 'instr';
    query = query.where(
      sql<number>`${sql.raw(position)}(${sql.ref('jobs.title')}, ${filter.titleContains})`,
      '>',
      0,
    );
  }
  if (filter.hidden !== undefined) query = query.where('jobs.hidden', '=', filter.hidden);
  if (filter.toBeDeleted !== undefined) query = query.where('jobs.to_be_deleted', '=', filter.toBeDeleted);
  return (await orderAndPage(query, filter).execute()).map(toJob);
}

function orderAndPage(
  query: SelectQueryBuilder<Database, 'jobs', Selectable<JobsTable>>,
  filter: JobFilter,
): SelectQueryBuilder<Database, 'jobs', Selectable<JobsTable>> {
  let ordered = query;
  switch (filter.order ?? 'newest') {
    case 'newest':
      ordered = ordered.orderBy('jobs.time_submitted', 'desc').orderBy('jobs.id', 'desc');
      break;
    case 'oldest':
      ordered = ordered.orderBy('jobs.time_submitted').orderBy('jobs.id');
      break;
    case 'priority':
      ordered = ordered.orderBy('jobs.priority', 'desc').orderBy('jobs.time_submitted').orderBy('jobs.id');
      break;
  }
  if (filter.limit !== undefined) ordered = ordered.limit(filter.limit);
  if (filter.offset !== undefined) {
    // MySQL and SQLite accept OFFSET only after a LIMIT.
    if (filter.limit === undefined) ordered = ordered.limit(Number.MAX_SAFE_INTEGER);
    ordered = ordered.offset(filter.offset);
  }
  return ordered;
}

/** Changes the given columns; NotFoundError when there is no such job. */
export async function updateJob(
  db: Kysely<Database>,
  id: number,
  patch: JobFields,
  options?: WriteOptions,
): Promise<Job> {
  const values = checkJobFields(patch, options);
  return transaction(db, async (trx) => {
    await getJob(trx, id);
    await requireReferences(trx, values);
    if (Object.keys(values).length > 0)
      await trx.updateTable('jobs').set(values).where('id', '=', id).execute();
    return getJob(trx, id);
  });
}

/** Applies one patch to many jobs; returns how many rows changed. */
export async function updateJobs(
  db: Kysely<Database>,
  ids: readonly number[],
  patch: JobFields,
  options?: WriteOptions,
): Promise<number> {
  const values = checkJobFields(patch, options);
  if (ids.length === 0 || Object.keys(values).length === 0) return 0;
  return transaction(db, async (trx) => {
    await requireReferences(trx, values);
    const result = await trx.updateTable('jobs').set(values).where('id', 'in', ids).executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/**
 * Deletes a job with its tasks, dependencies (both directions), tags, requirements, notifications and
 * task-log links; its group goes too when this was the group's last job. False when it did not exist.
 */
export async function deleteJob(db: Kysely<Database>, id: number): Promise<boolean> {
  return transaction(db, async (trx) => {
    const job = await trx
      .selectFrom('jobs')
      .select(['id', 'job_group_id'])
      .where('id', '=', id)
      .executeTakeFirst();
    if (!job) return false;
    await trx.deleteFrom('jobs').where('id', '=', id).execute();
    if (job.job_group_id !== null) {
      const groupId = job.job_group_id;
      const other = await trx
        .selectFrom('jobs')
        .select('id')
        .where('job_group_id', '=', groupId)
        .limit(1)
        .executeTakeFirst();
      if (!other) await trx.deleteFrom('job_groups').where('id', '=', groupId).execute();
    }
    return true;
  });
}

async function requireReferences(trx: Kysely<Database>, v: Partial<JobColumns>): Promise<void> {
  if (v.jobtype_version_id !== undefined)
    await requireExisting(trx, 'jobtype_versions', [v.jobtype_version_id]);
  if (v.job_queue_id != null) await requireExisting(trx, 'job_queues', [v.job_queue_id]);
  if (v.job_group_id != null) await requireExisting(trx, 'job_groups', [v.job_group_id]);
  if (v.user_id != null) await requireExisting(trx, 'users', [v.user_id]);
}

function checkJobFields(input: JobFields, options: WriteOptions | undefined): Partial<JobColumns> {
  const limits = limitsOf(options);
  const v: Partial<JobColumns> = {};
  const id = (field: string) => (value: number) => checkInteger(field, value, { min: 1 });
  if (input.state !== undefined) v.state = nullable(input.state, (s) => WorkState.parse(s, 'state'));
  if (input.priority !== undefined) v.priority = checkPriority(input.priority, limits);
  if (input.timeStarted !== undefined)
    v.time_started = nullable(input.timeStarted, (t) => checkMillis('time_started', t));
  if (input.timeFinished !== undefined)
    v.time_finished = nullable(input.timeFinished, (t) => checkMillis('time_finished', t));
  if (input.jobtypeVersionId !== undefined)
    v.jobtype_version_id = id('jobtype_version_id')(input.jobtypeVersionId);
  if (input.jobQueueId !== undefined) v.job_queue_id = nullable(input.jobQueueId, id('job_queue_id'));
  if (input.jobGroupId !== undefined) v.job_group_id = nullable(input.jobGroupId, id('job_group_id'));
  if (input.userId !== undefined) v.user_id = nullable(input.userId, id('user_id'));
  if (input.minimumAgents !== undefined)
    v.minimum_agents = nullable(input.minimumAgents, (n) => checkCount('minimum_agents', n));
  if (input.maximumAgents !== undefined)
    v.maximum_agents = nullable(input.maximumAgents, (n) => checkCount('maximum_agents', n));
  if (input.weight !== undefined) v.weight = checkCount('weight', input.weight);
  if (input.title !== undefined)
    v.title = checkString('title', input.title, { maxLength: limits.jobtitleMaxLength });
  if (input.notes !== undefined) v.notes = checkText('notes', input.notes);
  if (input.outputLink !== undefined)
    v.output_link = nullable(input.outputLink, (s) => checkString('output_link', s, { maxLength: 4096 }));
  if (input.by !== undefined) v.by = checkFrameStep(input.by);
  if (input.numTiles !== undefined)
    v.num_tiles = nullable(input.numTiles, (n) => checkPositive('num_tiles', n));
  if (input.batch !== undefined) v.batch = checkPositive('batch', input.batch);
  if (input.requeue !== undefined) v.requeue = checkRequeue(input.requeue);
  if (input.cpus !== undefined) v.cpus = checkJobCpus(input.cpus, limits);
  if (input.ram !== undefined) v.ram = checkJobRam(input.ram, limits);
  if (input.ramWarning !== undefined)
    v.ram_warning = nullable(input.ramWarning, (n) => checkPositive('ram_warning', n));
  if (input.ramMax !== undefined) v.ram_max = nullable(input.ramMax, (n) => checkPositive('ram_max', n));
  if (input.hidden !== undefined) v.hidden = checkBoolean('hidden', input.hidden);
  if (input.environ !== undefined) v.environ = nullable(input.environ, (e) => checkEnvironment('environ', e));
  if (input.data !== undefined) v.data = nullable(input.data, (d) => checkJsonObject('data', d));
  if (input.toBeDeleted !== undefined) v.to_be_deleted = checkBoolean('to_be_deleted', input.toBeDeleted);
  if (input.completionNotifySent !== undefined) {
    v.completion_notify_sent = checkBoolean('completion_notify_sent', input.completionNotifySent);
  }
  if (input.autodeleteTime !== undefined)
    v.autodelete_time = nullable(input.autodeleteTime, (n) => checkCount('autodelete_time', n));
  if (input.project !== undefined)
    v.project = nullable(input.project, (s) => checkString('project', s, { maxLength: 255 }));
  const min = v.minimum_agents;
  const max = v.maximum_agents;
  if (min && max && min > max)
    throw invalid('minimum_agents', min, `must not exceed maximum_agents (${max})`);
  return v;
}

export function toJob(row: Selectable<JobsTable>): Job {
  return {
    id: row.id,
    state: row.state as WorkStateValue | null,
    priority: row.priority,
    timeSubmitted: row.time_submitted,
    timeStarted: row.time_started,
    timeFinished: row.time_finished,
    jobtypeVersionId: row.jobtype_version_id,
    jobQueueId: row.job_queue_id,
    jobGroupId: row.job_group_id,
    userId: row.user_id,
    minimumAgents: row.minimum_agents,
    maximumAgents: row.maximum_agents,
    weight: row.weight,
    title: row.title,
    notes: row.notes,
    outputLink: row.output_link,
    by: row.by,
    numTiles: row.num_tiles,
    batch: row.batch,
    requeue: row.requeue,
    cpus: row.cpus,
    ram: row.ram,
    ramWarning: row.ram_warning,
    ramMax: row.ram_max,
    hidden: row.hidden,
    environ: parseJsonColumn<Record<string, string>>(row.environ, 'jobs.environ'),
    data: parseJsonColumn<Record<string, unknown>>(row.data, 'jobs.data'),
    toBeDeleted: row.to_be_deleted,
    completionNotifySent: row.completion_notify_sent,
    autodeleteTime: row.autodelete_time,
    project: row.project,
  };
}
