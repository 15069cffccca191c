/**
 * What the master tells an agent about a job when it assigns tasks (spec §3 send_tasks_to_agent): the
 * job's own columns, its user, group, tags, notified users and job type, for many jobs in a few queries,
 * and the attempt numbers of the assigned tasks.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../database.js';
import { parseJsonColumn } from '../json-column.js';

const CHUNK = 10_000;

export interface AssignmentJobFacts {
  readonly id: number;
  readonly title: string;
  readonly data: Readonly<Record<string, unknown>> | null;
  readonly environ: Readonly<Record<string, string>> | null;
  readonly by: number;
  readonly batch: number;
  readonly ram: number;
  readonly ramWarning: number | null;
  readonly ramMax: number | null;
  readonly cpus: number;
  readonly requeue: number;
  readonly priority: number;
  readonly notes: string;
  readonly numTiles: number | null;
  readonly project: string | null;
  readonly user: string | null;
  readonly jobGroupId: number | null;
  readonly jobGroup: string | null;
  readonly tags: string[];
  readonly notifiedUsers: { username: string; onSuccess: boolean; onFailure: boolean; onDeletion: boolean }[];
  readonly jobtype: string;
  readonly jobtypeVersion: number;
}

export async function listAssignmentJobFacts(
  db: Kysely<Database>,
  jobIds: readonly number[],
): Promise<Map<number, AssignmentJobFacts>> {
  const facts = new Map<number, AssignmentJobFacts>();
  for (let start = 0; start < jobIds.length; start += CHUNK) {
    const chunk = jobIds.slice(start, start + CHUNK);
    const rows = await db
      .selectFrom('jobs')
      .innerJoin('jobtype_versions as v', 'v.id', 'jobs.jobtype_version_id')
      .innerJoin('jobtypes as t', 't.id', 'v.jobtype_id')
      .leftJoin('users as u', 'u.id', 'jobs.user_id')
      .leftJoin('job_groups as g', 'g.id', 'jobs.job_group_id')
      .select([
        'jobs.id',
        'jobs.title',
        'jobs.data',
        'jobs.environ',
        'jobs.by',
        'jobs.batch',
        'jobs.ram',
        'jobs.ram_warning',
        'jobs.ram_max',
        'jobs.cpus',
        'jobs.requeue',
        'jobs.priority',
        'jobs.notes',
        'jobs.num_tiles',
        'jobs.project',
        'jobs.job_group_id',
        'g.title as group_title',
        'u.username',
        't.name as jobtype',
        'v.version as jobtype_version',
      ])
      .where('jobs.id', 'in', chunk)
      .execute();
    const tags = await db
      .selectFrom('job_tag_associations as a')
      .innerJoin('tags', 'tags.id', 'a.tag_id')
      .select(['a.job_id', 'tags.tag'])
      .where('a.job_id', 'in', chunk)
      .orderBy('tags.tag')
      .execute();
    const notified = await db
      .selectFrom('notified_users as n')
      .innerJoin('users', 'users.id', 'n.user_id')
      .select(['n.job_id', 'users.username', 'n.on_success', 'n.on_failure', 'n.on_deletion'])
      .where('n.job_id', 'in', chunk)
      .orderBy('users.username')
      .execute();
    for (const row of rows) {
      facts.set(row.id, {
        id: row.id,
        title: row.title,
        data: parseJsonColumn<Record<string, unknown>>(row.data, 'jobs.data'),
        environ: parseJsonColumn<Record<string, string>>(row.environ, 'jobs.environ'),
        by: row.by,
        batch: row.batch,
        ram: row.ram,
        ramWarning: row.ram_warning,
        ramMax: row.ram_max,
        cpus: row.cpus,
        requeue: row.requeue,
        priority: row.priority,
        notes: row.notes,
        numTiles: row.num_tiles,
        project: row.project,
        user: row.username,
        jobGroupId: row.job_group_id,
        jobGroup: row.group_title,
        tags: [],
        notifiedUsers: [],
        jobtype: row.jobtype,
        jobtypeVersion: row.jobtype_version,
      });
    }
    for (const row of tags) facts.get(row.job_id)?.tags.push(row.tag);
    for (const row of notified) {
      facts.get(row.job_id)?.notifiedUsers.push({
        username: row.username,
        onSuccess: row.on_success,
        onFailure: row.on_failure,
        onDeletion: row.on_deletion,
      });
    }
  }
  return facts;
}

/** Attempt counts of tasks (the assignment's `attempt` field), by task id. */
export async function listTaskAttempts(
  db: Kysely<Database>,
  taskIds: readonly number[],
): Promise<Map<number, number>> {
  const attempts = new Map<number, number>();
  for (let start = 0; start < taskIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('tasks')
      .select(['id', 'attempts'])
      .where('id', 'in', taskIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) attempts.set(row.id, row.attempts);
  }
  return attempts;
}

/** Assignments the record holds but never saw delivered: tasks with an agent, not started, not sent. */
export async function listUndeliveredAssignments(
  db: Kysely<Database>,
): Promise<
  { agentId: string; jobId: number; tasks: { id: number; frame: number; tile: number | null }[] }[]
> {
  const rows = await db
    .selectFrom('tasks')
    .select(['id', 'job_id', 'agent_id', 'frame', 'tile'])
    .where('state', 'is', null)
    .where('agent_id', 'is not', null)
    .where('sent_to_agent', '=', false)
    .orderBy('agent_id')
    .orderBy('job_id')
    .orderBy('frame')
    .orderBy('tile')
    .execute();
  const groups = new Map<
    string,
    { agentId: string; jobId: number; tasks: { id: number; frame: number; tile: number | null }[] }
  >();
  for (const row of rows) {
    const key = `${row.agent_id}/${row.job_id}`;
    let group = groups.get(key);
    if (!group) {
      group = { agentId: row.agent_id!, jobId: row.job_id, tasks: [] };
      groups.set(key, group);
    }
    group.tasks.push({ id: row.id, frame: row.frame, tile: row.tile });
  }
  return [...groups.values()];
}

/** Where and how to reach agents, by id. */
export async function listAgentAddresses(
  db: Kysely<Database>,
  agentIds: readonly string[],
): Promise<
  Map<
    string,
    {
      id: string;
      hostname: string;
      remoteIp: string | null;
      port: number;
      useAddress: number;
      apiSecret: string | null;
      state: number;
    }
  >
> {
  const agents = new Map();
  for (let start = 0; start < agentIds.length; start += CHUNK) {
    const rows = await db
      .selectFrom('agents')
      .select(['id', 'hostname', 'remote_ip', 'port', 'use_address', 'api_secret', 'state'])
      .where('id', 'in', agentIds.slice(start, start + CHUNK))
      .execute();
    for (const row of rows) {
      agents.set(row.id, {
        id: row.id,
        hostname: row.hostname,
        remoteIp: row.remote_ip,
        port: row.port,
        useAddress: row.use_address,
        apiSecret: row.api_secret,
        state: row.state,
      });
    }
  }
  return agents;
}
