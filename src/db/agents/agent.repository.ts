/**
 * Agents (render nodes). The id is the UUID the agent chose; it is stored lower-case. Enum columns accept
 * an enum value or its name and are returned as values (the API turns them into names).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import {
  AgentState,
  OperatingSystem,
  UseAgentAddress,
  type AgentStateName,
  type AgentStateValue,
  type OperatingSystemName,
  type OperatingSystemValue,
  type UseAgentAddressName,
  type UseAgentAddressValue,
} from '../../core/enums.js';
import type { AgentsTable, Database, Millis } from '../database.js';
import { parseJsonColumn } from '../json-column.js';
import {
  checkAgentCpus,
  checkAgentPort,
  checkAgentRam,
  checkHostname,
  checkRemoteIp,
} from '../rules/agent-rules.js';
import {
  checkBoolean,
  checkInteger,
  checkMillis,
  checkNumber,
  checkRequired,
  checkString,
  checkText,
  checkUuid,
  invalid,
  nullable,
} from '../rules/field-rules.js';
import type { ModelLimits } from '../rules/model-limits.js';
import { limitsOf, nowOf, type WriteOptions } from '../write-options.js';

export interface Agent {
  readonly id: string;
  readonly hostname: string;
  readonly notes: string;
  readonly remoteIp: string | null;
  readonly useAddress: UseAgentAddressValue;
  readonly osClass: OperatingSystemValue | null;
  readonly osFullname: string | null;
  readonly cpuName: string | null;
  /** Megabytes. */
  readonly ram: number;
  readonly freeRam: number;
  readonly cpus: number;
  readonly port: number;
  /** Seconds the agent's clock is off. */
  readonly timeOffset: number;
  readonly version: string | null;
  readonly upgradeTo: string | null;
  readonly restartRequested: boolean;
  readonly state: AgentStateValue;
  readonly lastHeardFrom: Millis | null;
  readonly lastSuccessOn: Millis | null;
  readonly lastPolled: Millis | null;
  readonly ramAllocation: number;
  readonly cpuAllocation: number;
  /** Projects this agent is dedicated to; null = any job. */
  readonly projects: readonly string[] | null;
  /** The secret the master presents to this agent's API. */
  readonly apiSecret: string | null;
  /** The agent token that registered this agent. */
  readonly tokenId: number | null;
}

export interface NewAgent {
  id: string;
  hostname: string;
  port: number;
  ram: number;
  freeRam: number;
  cpus: number;
  remoteIp?: string | null;
  useAddress?: UseAgentAddressValue | UseAgentAddressName;
  osClass?: OperatingSystemValue | OperatingSystemName | null;
  osFullname?: string | null;
  cpuName?: string | null;
  timeOffset?: number;
  version?: string | null;
  upgradeTo?: string | null;
  notes?: string;
  restartRequested?: boolean;
  state?: AgentStateValue | AgentStateName;
  /** Default on create: now. */
  lastHeardFrom?: Millis | null;
  lastSuccessOn?: Millis | null;
  lastPolled?: Millis | null;
  ramAllocation?: number;
  cpuAllocation?: number;
  projects?: readonly string[] | null;
  apiSecret?: string | null;
  tokenId?: number | null;
}

export type AgentPatch = Partial<Omit<NewAgent, 'id'>>;

export interface AgentFilter {
  minRam?: number;
  maxRam?: number;
  minCpus?: number;
  maxCpus?: number;
  hostname?: string;
  remoteIp?: string;
  port?: number;
  states?: readonly AgentStateValue[];
  ids?: readonly string[];
}

type AgentColumns = Omit<Selectable<AgentsTable>, 'id'>;

export async function createAgent(
  db: Kysely<Database>,
  input: NewAgent,
  options?: WriteOptions,
): Promise<Agent> {
  const limits = limitsOf(options);
  const id = checkUuid('id', input.id);
  checkRequired(input, ['hostname', 'port', 'ram', 'freeRam', 'cpus'], { freeRam: 'free_ram' });
  const values = checkAgentFields(input, limits);
  const row: Selectable<AgentsTable> = {
    id,
    hostname: values.hostname!,
    notes: values.notes ?? '',
    remote_ip: values.remote_ip ?? null,
    use_address: values.use_address ?? UseAgentAddress.values.REMOTE,
    os_class: values.os_class ?? null,
    os_fullname: values.os_fullname ?? null,
    cpu_name: values.cpu_name ?? null,
    ram: values.ram!,
    free_ram: values.free_ram!,
    cpus: values.cpus!,
    port: values.port!,
    time_offset: values.time_offset ?? 0,
    version: values.version ?? null,
    upgrade_to: values.upgrade_to ?? null,
    restart_requested: values.restart_requested ?? false,
    state: values.state ?? AgentState.values.ONLINE,
    last_heard_from: values.last_heard_from !== undefined ? values.last_heard_from : nowOf(options),
    last_success_on: values.last_success_on ?? null,
    last_polled: values.last_polled ?? null,
    ram_allocation: values.ram_allocation ?? 0.8,
    cpu_allocation: values.cpu_allocation ?? 1.0,
    projects: values.projects ?? null,
    api_secret: values.api_secret ?? null,
    token_id: values.token_id ?? null,
  };
  await db.insertInto('agents').values(row).execute();
  return toAgent(row);
}

/** The agent with this id; undefined also when `id` is not a UUID at all. */
export async function findAgent(db: Kysely<Database>, id: string): Promise<Agent | undefined> {
  if (typeof id !== 'string' || !/^[0-9a-f-]{36}$/i.test(id)) return undefined;
  const row = await db.selectFrom('agents').selectAll().where('id', '=', id.toLowerCase()).executeTakeFirst();
  return row && toAgent(row);
}

export async function getAgent(db: Kysely<Database>, id: string): Promise<Agent> {
  const agent = await findAgent(db, id);
  if (!agent) throw new NotFoundError('agent', id);
  return agent;
}

/** Agents matching every given criterion, ordered by hostname then port. */
export async function listAgents(db: Kysely<Database>, filter: AgentFilter = {}): Promise<Agent[]> {
  let query = db.selectFrom('agents').selectAll().orderBy('hostname').orderBy('port').orderBy('id');
  if (filter.minRam !== undefined) query = query.where('ram', '>=', filter.minRam);
  if (filter.maxRam !== undefined) query = query.where('ram', '<=', filter.maxRam);
  if (filter.minCpus !== undefined) query = query.where('cpus', '>=', filter.minCpus);
  if (filter.maxCpus !== undefined) query = query.where('cpus', '<=', filter.maxCpus);
  if (filter.hostname !== undefined) query = query.where('hostname', '=', filter.hostname);
  if (filter.remoteIp !== undefined) query = query.where('remote_ip', '=', filter.remoteIp);
  if (filter.port !== undefined) query = query.where('port', '=', filter.port);
  if (filter.states !== undefined) {
    if (filter.states.length === 0) return [];
    query = query.where('state', 'in', filter.states);
  }
  if (filter.ids !== undefined) {
    if (filter.ids.length === 0) return [];
    query = query.where(
      'id',
      'in',
      filter.ids.map((id) => id.toLowerCase()),
    );
  }
  return (await query.execute()).map(toAgent);
}

/** Changes the given columns. NotFoundError when there is no such agent. */
export async function updateAgent(
  db: Kysely<Database>,
  id: string,
  patch: AgentPatch,
  options?: WriteOptions,
): Promise<Agent> {
  const values = checkAgentFields(patch, limitsOf(options));
  const key = id.toLowerCase();
  if (Object.keys(values).length > 0) {
    const result = await db.updateTable('agents').set(values).where('id', '=', key).executeTakeFirst();
    if (result.numUpdatedRows === 0n && !(await findAgent(db, key))) throw new NotFoundError('agent', id);
  }
  return getAgent(db, key);
}

/** Applies one patch to many agents (e.g. marking silent agents offline); returns how many changed. */
export async function updateAgents(
  db: Kysely<Database>,
  ids: readonly string[],
  patch: AgentPatch,
  options?: WriteOptions,
): Promise<number> {
  const values = checkAgentFields(patch, limitsOf(options));
  if (ids.length === 0 || Object.keys(values).length === 0) return 0;
  const result = await db
    .updateTable('agents')
    .set(values)
    .where(
      'id',
      'in',
      ids.map((id) => id.toLowerCase()),
    )
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * Deletes an agent with its MACs, disks, GPU/tag/software links and failed-task records; its tasks stay
 * (unassigned) and its task logs lose their agent. False when there was no such agent.
 */
export async function deleteAgent(db: Kysely<Database>, id: string): Promise<boolean> {
  const result = await db.deleteFrom('agents').where('id', '=', id.toLowerCase()).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** How many agents are in each state (states without agents count 0). */
export async function countAgentsByState(db: Kysely<Database>): Promise<Record<AgentStateValue, number>> {
  const rows = await db
    .selectFrom('agents')
    .select((eb) => ['state', eb.fn.countAll().as('count')])
    .groupBy('state')
    .execute();
  const counts = Object.fromEntries(AgentState.ints.map((state) => [state, 0])) as Record<
    AgentStateValue,
    number
  >;
  for (const row of rows) counts[row.state as AgentStateValue] = Number(row.count);
  return counts;
}

function checkAgentFields(input: AgentPatch, limits: ModelLimits): Partial<AgentColumns> {
  const v: Partial<AgentColumns> = {};
  const text = (field: string, value: unknown, maxLength: number) => checkString(field, value, { maxLength });
  if (input.hostname !== undefined) v.hostname = checkHostname(input.hostname, limits);
  if (input.port !== undefined) v.port = checkAgentPort(input.port, limits);
  if (input.ram !== undefined) v.ram = checkAgentRam(input.ram, limits);
  if (input.cpus !== undefined) v.cpus = checkAgentCpus(input.cpus, limits);
  // Not range-checked by PyFarm either; it only has to be a sane number of megabytes.
  if (input.freeRam !== undefined)
    v.free_ram = checkInteger('free_ram', input.freeRam, { min: 0, max: 2147483647 });
  if (input.remoteIp !== undefined) v.remote_ip = nullable(input.remoteIp, (ip) => checkRemoteIp(ip, limits));
  if (input.useAddress !== undefined) v.use_address = UseAgentAddress.parse(input.useAddress, 'use_address');
  if (input.osClass !== undefined)
    v.os_class = nullable(input.osClass, (os) => OperatingSystem.parse(os, 'os_class'));
  if (input.osFullname !== undefined) {
    v.os_fullname = nullable(input.osFullname, (s) => text('os_fullname', s, limits.maxOsnameLength));
  }
  if (input.cpuName !== undefined)
    v.cpu_name = nullable(input.cpuName, (s) => text('cpu_name', s, limits.maxCpunameLength));
  if (input.timeOffset !== undefined) {
    v.time_offset = checkInteger('time_offset', input.timeOffset, { min: -2147483648, max: 2147483647 });
  }
  if (input.version !== undefined) v.version = nullable(input.version, (s) => text('version', s, 16));
  if (input.upgradeTo !== undefined)
    v.upgrade_to = nullable(input.upgradeTo, (s) => text('upgrade_to', s, 16));
  if (input.notes !== undefined) v.notes = checkText('notes', input.notes);
  if (input.restartRequested !== undefined)
    v.restart_requested = checkBoolean('restart_requested', input.restartRequested);
  if (input.state !== undefined) v.state = AgentState.parse(input.state, 'state');
  if (input.lastHeardFrom !== undefined)
    v.last_heard_from = nullable(input.lastHeardFrom, (t) => checkMillis('last_heard_from', t));
  if (input.lastSuccessOn !== undefined)
    v.last_success_on = nullable(input.lastSuccessOn, (t) => checkMillis('last_success_on', t));
  if (input.lastPolled !== undefined)
    v.last_polled = nullable(input.lastPolled, (t) => checkMillis('last_polled', t));
  if (input.ramAllocation !== undefined)
    v.ram_allocation = checkNumber('ram_allocation', input.ramAllocation, { min: 0 });
  if (input.cpuAllocation !== undefined)
    v.cpu_allocation = checkNumber('cpu_allocation', input.cpuAllocation, { min: 0 });
  if (input.projects !== undefined) v.projects = nullable(input.projects, (p) => checkProjects(p));
  if (input.apiSecret !== undefined)
    v.api_secret = nullable(input.apiSecret, (s) => text('api_secret', s, 128));
  if (input.tokenId !== undefined)
    v.token_id = nullable(input.tokenId, (t) => checkInteger('token_id', t, { min: 1 }));
  return v;
}

function checkProjects(projects: readonly string[]): string {
  if (!Array.isArray(projects)) throw invalid('projects', projects, 'must be a list of project names');
  const names = projects.map((p, i) => checkString(`projects[${i}]`, p, { maxLength: 255 }));
  return JSON.stringify([...new Set(names)]);
}

function toAgent(row: Selectable<AgentsTable>): Agent {
  return {
    id: row.id,
    hostname: row.hostname,
    notes: row.notes,
    remoteIp: row.remote_ip,
    useAddress: row.use_address as UseAgentAddressValue,
    osClass: row.os_class as OperatingSystemValue | null,
    osFullname: row.os_fullname,
    cpuName: row.cpu_name,
    ram: row.ram,
    freeRam: row.free_ram,
    cpus: row.cpus,
    port: row.port,
    timeOffset: row.time_offset,
    version: row.version,
    upgradeTo: row.upgrade_to,
    restartRequested: row.restart_requested,
    state: row.state as AgentStateValue,
    lastHeardFrom: row.last_heard_from,
    lastSuccessOn: row.last_success_on,
    lastPolled: row.last_polled,
    ramAllocation: row.ram_allocation,
    cpuAllocation: row.cpu_allocation,
    projects: parseJsonColumn<string[]>(row.projects, 'agents.projects'),
    apiSecret: row.api_secret,
    tokenId: row.token_id,
  };
}
