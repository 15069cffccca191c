/**
 * The agent monitor's questions: which agents have been silent too long, which are due for a poll
 * (spec §3 poll_agents windows), and recording what a poll learnt.
 */
import { sql, type Kysely } from 'kysely';
import { AgentState, UseAgentAddress, WorkState, type AgentStateValue } from '../../core/enums.js';
import type { Database, Millis } from '../database.js';

const { ONLINE, RUNNING, OFFLINE, DISABLED } = AgentState.values;
const { RUNNING: TASK_RUNNING, PAUSED } = WorkState.values;

export interface MonitoredAgent {
  readonly id: string;
  readonly hostname: string;
  readonly remoteIp: string | null;
  readonly port: number;
  readonly useAddress: number;
  readonly apiSecret: string | null;
  readonly state: AgentStateValue;
  readonly lastHeardFrom: Millis | null;
  readonly lastPolled: Millis | null;
  /** It holds unfinished tasks. */
  readonly busy: boolean;
}

/**
 * Agents not heard from since `before` that should be: online or running ones, and disabled ones that
 * still hold unfinished tasks (their work must go back to the queue; they stay disabled).
 */
export async function listSilentAgents(db: Kysely<Database>, before: Millis): Promise<string[]> {
  const rows = await db
    .selectFrom('agents')
    .select('id')
    .where((eb) => eb.or([eb('last_heard_from', 'is', null), eb('last_heard_from', '<', before)]))
    .where((eb) =>
      eb.or([eb('state', 'in', [ONLINE, RUNNING]), eb.and([eb('state', '=', DISABLED), holdsTasks(db)])]),
    )
    .execute();
  return rows.map((row) => row.id);
}

export interface PollWindows {
  /** Idle agents silent longer than this are polled. */
  idleMs: number;
  /** Busy agents silent longer than this are polled. */
  busyMs: number;
  /** Offline agents not polled for this long are polled. */
  offlineMs: number;
}

/** Agents due for a poll (never passive ones, which cannot be contacted). */
export async function listAgentsToPoll(
  db: Kysely<Database>,
  now: Millis,
  windows: PollWindows,
): Promise<MonitoredAgent[]> {
  const rows = await db
    .selectFrom('agents')
    .select([
      'id',
      'hostname',
      'remote_ip',
      'port',
      'use_address',
      'api_secret',
      'state',
      'last_heard_from',
      'last_polled',
    ])
    .select(holdsTasks(db).as('busy'))
    .where('use_address', '<>', UseAgentAddress.values.PASSIVE)
    .execute();
  const agents = rows.map((row) => ({
    id: row.id,
    hostname: row.hostname,
    remoteIp: row.remote_ip,
    port: row.port,
    useAddress: row.use_address,
    apiSecret: row.api_secret,
    state: row.state as AgentStateValue,
    lastHeardFrom: row.last_heard_from,
    lastPolled: row.last_polled,
    busy: Boolean(Number(row.busy)),
  }));
  const olderThan = (time: Millis | null, ms: number) => time === null || time < now - ms;
  return agents.filter((agent) => {
    if (agent.state === OFFLINE) return olderThan(agent.lastPolled, windows.offlineMs);
    if (agent.busy) return olderThan(agent.lastHeardFrom, windows.busyMs);
    return agent.state !== DISABLED && olderThan(agent.lastHeardFrom, windows.idleMs);
  });
}

/** What a successful poll learnt: the agent's own state (unless an admin disabled it) and free RAM. */
export async function recordPoll(
  db: Kysely<Database>,
  agentId: string,
  result: { now: Millis; state?: AgentStateValue; freeRam?: number },
): Promise<void> {
  await db
    .updateTable('agents')
    .set({
      last_polled: result.now,
      last_heard_from: result.now,
      ...(result.freeRam !== undefined ? { free_ram: result.freeRam } : {}),
      ...(result.state !== undefined
        ? { state: sql<number>`case when state = ${DISABLED} then state else ${result.state} end` }
        : {}),
    })
    .where('id', '=', agentId)
    .execute();
}

export async function recordPollAttempt(db: Kysely<Database>, agentId: string, now: Millis): Promise<void> {
  await db.updateTable('agents').set({ last_polled: now }).where('id', '=', agentId).execute();
}

/**
 * EXISTS an unfinished task held by `agents.id`: two index seeks on tasks (state, agent_id, ...) rather
 * than one OR, which would walk every finished task the agent ever ran.
 */
function holdsTasks(db: Kysely<Database>) {
  const held = (states: 'assigned' | 'started') => {
    const query = db
      .selectFrom('tasks')
      .select('tasks.id')
      .where('tasks.agent_id', '=', sql.ref<string>('agents.id'));
    return states === 'assigned'
      ? query.where('tasks.state', 'is', null)
      : query.where('tasks.state', 'in', [TASK_RUNNING, PAUSED]);
  };
  return sql<boolean>`(exists ${held('assigned')} or exists ${held('started')})`;
}
