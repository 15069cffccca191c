/**
 * Agents (render nodes): registration and re-announce bodies, the agent record, the index (the seed's
 * unpaged list and the web UI's paged one), the agent's software and tasks, and agent update packages.
 * Enum inputs take the lowercase name or the integer; outputs are names. Ranges (port, CPUs, RAM, name
 * lengths) come from models.yml and are checked by the service, not here, so that configuration decides.
 */
import Type, { type Static } from 'typebox';
import { AgentState, OperatingSystem, UseAgentAddress } from '../../core/enums.js';
import { Nullable, NullableTimestamp } from './common.js';

function enumInput<const N extends readonly string[]>(names: N) {
  return Type.Union([Type.Enum(names), Type.Integer()], {
    description: `one of ${names.join(', ')} (or the integer value)`,
  });
}

export const AgentStateInput = enumInput(AgentState.names);
export const OperatingSystemInput = enumInput(OperatingSystem.names);
export const UseAddressInput = enumInput(UseAgentAddress.names);

export const AgentId = Type.String({
  pattern: '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$',
  description: 'the UUID the agent chose',
});

/** Sizes in bytes. */
export const Disk = Type.Object(
  {
    mountpoint: Type.String({ minLength: 1 }),
    size: Type.Integer({ minimum: 0 }),
    free: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

/**
 * What the agent holds, by assignment id. Only the task ids matter to the master (reconciliation); the
 * rest of each assignment (job, jobtype, frames, local states) is the agent's and passes unchecked.
 */
export const CurrentAssignments = Type.Record(
  Type.String(),
  Type.Object(
    {
      tasks: Type.Array(Type.Object({ id: Type.Integer() }, { additionalProperties: true })),
    },
    { additionalProperties: true },
  ),
  { description: 'the assignments the agent holds: {"<assignment id>": {"tasks": [{"id": 1, ...}], ...}}' },
);
export type CurrentAssignments = Static<typeof CurrentAssignments>;

/** The columns and inventory an agent reports (registration, re-announce) or an admin edits. */
const agentFields = {
  hostname: Type.String(),
  port: Type.Integer(),
  ram: Type.Integer({ description: 'megabytes' }),
  free_ram: Type.Integer({ description: 'megabytes' }),
  cpus: Type.Integer(),
  remote_ip: Type.Union([Type.String(), Type.Null()], {
    description: 'IPv4; default: the address the request comes from',
  }),
  use_address: UseAddressInput,
  os_class: Type.Union([OperatingSystemInput, Type.Null()]),
  os_fullname: Type.Union([Type.String(), Type.Null()]),
  cpu_name: Type.Union([Type.String(), Type.Null()]),
  time_offset: Type.Integer({ description: 'seconds the agent clock is off' }),
  version: Type.Union([Type.String(), Type.Null()]),
  state: AgentStateInput,
  notes: Type.String(),
  restart_requested: Type.Boolean(),
  upgrade_to: Type.Union([Type.String(), Type.Null()]),
  ram_allocation: Type.Number(),
  cpu_allocation: Type.Number(),
  projects: Type.Union([Type.Array(Type.String()), Type.Null()], {
    description: 'projects this agent is dedicated to; null = any',
  }),
  mac_addresses: Type.Array(Type.String(), {
    description: 'aa:bb:cc:dd:ee:ff; invalid addresses are dropped',
  }),
  gpus: Type.Array(Type.String(), { description: 'GPU model names' }),
  disks: Type.Array(Disk),
  current_assignments: CurrentAssignments,
  farm_name: Type.Union([Type.String(), Type.Null()], {
    description: 'must match the master’s farm_name when given',
  }),
  api_secret: Type.String({
    minLength: 16,
    maxLength: 128,
    description: 'the secret the master presents to this agent; never returned',
  }),
  systemid: Type.Integer({ description: 'PyFarm’s MAC-derived system id; accepted and ignored' }),
};

const optionalAgentFields = Type.Partial(Type.Object(agentFields)).properties;

export const RegisterAgentBody = Type.Object(
  {
    ...optionalAgentFields,
    id: AgentId,
    hostname: agentFields.hostname,
    port: agentFields.port,
    ram: agentFields.ram,
    free_ram: agentFields.free_ram,
    cpus: agentFields.cpus,
  },
  { additionalProperties: false },
);
export type RegisterAgentBody = Static<typeof RegisterAgentBody>;

export const UpdateAgentBody = Type.Object(
  {
    ...optionalAgentFields,
    id: Type.Optional(AgentId),
    tags: Type.Optional(Type.Array(Type.String(), { description: 'replaces the agent’s tags' })),
  },
  { additionalProperties: false },
);
export type UpdateAgentBody = Static<typeof UpdateAgentBody>;

/** The agent record: every column except the API secret, with its tags. */
export const AgentView = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  notes: Type.String(),
  remote_ip: Nullable(Type.String()),
  use_address: Type.String(),
  os_class: Nullable(Type.String()),
  os_fullname: Nullable(Type.String()),
  cpu_name: Nullable(Type.String()),
  ram: Type.Integer(),
  free_ram: Type.Integer(),
  cpus: Type.Integer(),
  port: Type.Integer(),
  time_offset: Type.Integer(),
  version: Nullable(Type.String()),
  upgrade_to: Nullable(Type.String()),
  restart_requested: Type.Boolean(),
  state: Type.String(),
  last_heard_from: NullableTimestamp,
  last_success_on: NullableTimestamp,
  last_polled: NullableTimestamp,
  ram_allocation: Type.Number(),
  cpu_allocation: Type.Number(),
  projects: Nullable(Type.Array(Type.String())),
  tags: Type.Array(Type.String()),
});
export type AgentView = Static<typeof AgentView>;

export const AgentSoftwareView = Type.Object({ software: Type.String(), version: Type.String() });
export type AgentSoftwareView = Static<typeof AgentSoftwareView>;

/** `GET /agents/<id>`: the record plus its inventory and software. */
export const AgentDetailView = Type.Object({
  ...AgentView.properties,
  mac_addresses: Type.Array(Type.String()),
  gpus: Type.Array(Type.Object({ fullname: Type.String() })),
  disks: Type.Array(Type.Object({ mountpoint: Type.String(), size: Type.Integer(), free: Type.Integer() })),
  software: Type.Array(AgentSoftwareView),
});
export type AgentDetailView = Static<typeof AgentDetailView>;

/** The seed's index entry. */
export const AgentSummary = Type.Object({
  id: Type.String(),
  hostname: Type.String(),
  port: Type.Integer(),
  remote_ip: Nullable(Type.String()),
});

export const AGENT_ORDER_COLUMNS = [
  'hostname',
  'remote_ip',
  'state',
  'version',
  'last_heard_from',
  'cpus',
  'ram',
  'last_success_on',
] as const;
export type AgentOrderColumn = (typeof AGENT_ORDER_COLUMNS)[number];

const QueryInt = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });

export const AgentIndexQuery = Type.Object({
  min_ram: Type.Optional(QueryInt),
  max_ram: Type.Optional(QueryInt),
  min_cpus: Type.Optional(QueryInt),
  max_cpus: Type.Optional(QueryInt),
  hostname: Type.Optional(Type.String({ description: 'exact host name' })),
  remote_ip: Type.Optional(Type.String({ description: 'exact IPv4 address' })),
  port: Type.Optional(QueryInt),
  // Drover's additions for the web UI and the CLI.
  state: Type.Optional(
    Type.Array(Type.Enum(AgentState.names), {
      description: 'repeatable: agents in any of these states',
    }),
  ),
  tag: Type.Optional(Type.Array(Type.String(), { description: 'repeatable: agents with any of these tags' })),
  version: Type.Optional(Type.Array(Type.String(), { description: 'repeatable: agent versions' })),
  search: Type.Optional(Type.String({ description: 'host name substring (case-insensitive)' })),
  order_by: Type.Optional(Type.Enum(AGENT_ORDER_COLUMNS)),
  order_dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  page: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 1_000_000,
      description: 'with per_page: answer a page (see AgentPage)',
    }),
  ),
  per_page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export type AgentIndexQuery = Static<typeof AgentIndexQuery>;

export const AgentStateCounts = Type.Object({
  disabled: Type.Integer(),
  offline: Type.Integer(),
  online: Type.Integer(),
  running: Type.Integer(),
});

/** `GET /agents/?page=&per_page=`: one page of full records, the match count and the farm's state counts. */
export const AgentPage = Type.Object({
  agents: Type.Array(AgentView),
  total: Type.Integer({ description: 'agents matching the filters' }),
  page: Type.Integer(),
  per_page: Type.Integer(),
  counts: AgentStateCounts,
});

export const AgentIndexResponse = Type.Union([Type.Array(AgentSummary), AgentPage]);

export const AgentParams = Type.Object({ agent_id: Type.String({ maxLength: 64 }) });

export const AgentSoftwareBody = Type.Object(
  { software: Type.String({ minLength: 1 }), version: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

export const AgentSoftwareParams = Type.Object({
  agent_id: Type.String({ maxLength: 64 }),
  software: Type.String({ minLength: 1, maxLength: 1024 }),
  version: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const AssignTaskBody = Type.Object(
  { id: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

const TaskJob = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  jobtype: Type.String(),
  jobtype_id: Type.Integer(),
  jobtype_version: Type.Integer(),
});

/** A task of an agent, with its job. */
export const AgentTaskView = Type.Object({
  id: Type.Integer(),
  job_id: Type.Integer(),
  agent_id: Nullable(Type.String()),
  state: Type.String({ description: 'queued, assigned, running, paused, done or failed' }),
  priority: Type.Integer(),
  frame: Type.Number(),
  tile: Nullable(Type.Integer()),
  hidden: Type.Boolean(),
  attempts: Type.Integer(),
  failures: Type.Integer(),
  progress: Type.Number(),
  last_error: Nullable(Type.String()),
  sent_to_agent: Type.Boolean(),
  time_submitted: Type.String(),
  time_started: NullableTimestamp,
  time_finished: NullableTimestamp,
  job: TaskJob,
});
export type AgentTaskView = Static<typeof AgentTaskView>;

/** `POST /agents/<id>/tasks/`: the task now assigned, with its job and agent. */
export const AssignedTaskView = Type.Object({ ...AgentTaskView.properties, agent: AgentSummary });
export type AssignedTaskView = Static<typeof AssignedTaskView>;

/** `\d+(\.\d+(\.\d+)?)?` with an optional pre-release suffix, as PyFarm accepted. */
export const AGENT_UPDATE_VERSION = /^\d+(\.\d+(\.\d+)?)?(-pre\d?|-dev\d?|-rc?\d?|-alpha\d?|-beta\d?)?$/;

export const AgentUpdateParams = Type.Object({ version: Type.String({ maxLength: 64 }) });
