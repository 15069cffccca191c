/**
 * The typed schema the repositories query, by logical table name (the table-name plugin maps each to its
 * configured physical name). It mirrors migrations/0001-initial.ts. Row types (`Selectable<...>`) stay
 * inside `src/db`: repositories map them to the domain types they export.
 *
 * Runtime representations (guaranteed by the driver layer on every dialect): integers and decimals are JS
 * numbers, booleans are JS booleans, times are epoch milliseconds, JSON columns are strings.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Epoch milliseconds (UTC). */
export type Millis = number;
/** A column the database fills when it is left out of an insert. */
type Default<T> = ColumnType<T, T | undefined, T>;

export interface UsersTable {
  id: Generated<number>;
  active: Default<boolean>;
  username: string;
  password: string | null;
  email: string | null;
  expiration: Millis | null;
  onetime_code: string | null;
  last_login: Millis | null;
}

export interface RolesTable {
  id: Generated<number>;
  active: Default<boolean>;
  name: string;
  expiration: Millis | null;
  description: string | null;
}

export interface UserRolesTable {
  user_id: number;
  role_id: number;
}

export type TokenKind = 'api' | 'session' | 'agent';

export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  kind: TokenKind;
  token_hash: string;
  prefix: string;
  created_on: Millis;
  last_used: Millis | null;
  expires: Millis | null;
  revoked: Default<boolean>;
}

export interface SoftwareTable {
  id: Generated<number>;
  software: string;
}

export interface SoftwareVersionsTable {
  id: Generated<number>;
  software_id: number;
  version: Default<string>;
  rank: number;
  default: Default<boolean>;
  discovery_code: string | null;
  discovery_function_name: string | null;
}

export interface TagsTable {
  id: Generated<number>;
  tag: string;
}

export interface AgentsTable {
  id: string;
  hostname: string;
  notes: Default<string>;
  remote_ip: string | null;
  use_address: Default<number>;
  os_class: number | null;
  os_fullname: string | null;
  cpu_name: string | null;
  ram: number;
  free_ram: number;
  cpus: number;
  port: number;
  time_offset: Default<number>;
  version: string | null;
  upgrade_to: string | null;
  restart_requested: Default<boolean>;
  state: Default<number>;
  last_heard_from: Millis | null;
  last_success_on: Millis | null;
  last_polled: Millis | null;
  ram_allocation: Default<number>;
  cpu_allocation: Default<number>;
  /** JSON array of project names, or NULL for "any project". */
  projects: string | null;
  api_secret: string | null;
  token_id: number | null;
}

export interface AgentSoftwareVersionAssociationsTable {
  agent_id: string;
  software_version_id: number;
}

export interface AgentTagAssociationsTable {
  agent_id: string;
  tag_id: number;
}

export interface AgentMacAddressesTable {
  agent_id: string;
  mac_address: string;
}

export interface GpusTable {
  id: Generated<number>;
  fullname: string;
}

export interface GpuAgentAssociationsTable {
  gpu_id: number;
  agent_id: string;
}

export interface AgentDisksTable {
  id: Generated<number>;
  agent_id: string;
  mountpoint: string;
  size: number;
  free: number;
}

export interface JobTypesTable {
  id: Generated<number>;
  name: string;
  description: string | null;
  success_subject: string | null;
  success_body: string | null;
  fail_subject: string | null;
  fail_body: string | null;
}

export interface JobTypeVersionsTable {
  id: Generated<number>;
  jobtype_id: number;
  version: number;
  max_batch: Default<number | null>;
  batch_contiguous: Default<boolean>;
  no_automatic_start_time: Default<boolean>;
  supports_tiling: Default<boolean>;
  classname: string | null;
  code: string;
}

export interface JobTypeSoftwareRequirementsTable {
  jobtype_version_id: number;
  software_id: number;
  min_version_id: number | null;
  max_version_id: number | null;
}

export interface JobQueuesTable {
  id: Generated<number>;
  parent_jobqueue_id: number | null;
  name: string;
  minimum_agents: number | null;
  maximum_agents: number | null;
  priority: Default<number>;
  weight: Default<number>;
  fullpath: string;
}

export interface JobGroupsTable {
  id: Generated<number>;
  title: string;
  main_jobtype_id: number;
  user_id: number | null;
}

export interface JobsTable {
  id: Generated<number>;
  state: number | null;
  priority: Default<number>;
  time_submitted: Millis;
  time_started: Millis | null;
  time_finished: Millis | null;
  jobtype_version_id: number;
  job_queue_id: number | null;
  job_group_id: number | null;
  user_id: number | null;
  minimum_agents: number | null;
  maximum_agents: number | null;
  weight: Default<number>;
  title: string;
  notes: Default<string>;
  output_link: string | null;
  by: Default<number>;
  num_tiles: number | null;
  batch: Default<number>;
  requeue: Default<number>;
  cpus: Default<number>;
  ram: Default<number>;
  ram_warning: number | null;
  ram_max: number | null;
  hidden: Default<boolean>;
  /** JSON object of environment variables. */
  environ: string | null;
  /** JSON object passed to the job type. */
  data: string | null;
  to_be_deleted: Default<boolean>;
  completion_notify_sent: Default<boolean>;
  autodelete_time: number | null;
  project: string | null;
}

export interface JobDependenciesTable {
  parentid: number;
  childid: number;
}

export interface JobTagAssociationsTable {
  job_id: number;
  tag_id: number;
}

export interface JobTagRequirementsTable {
  id: Generated<number>;
  job_id: number;
  tag_id: number;
  negate: Default<boolean>;
}

export interface JobSoftwareRequirementsTable {
  job_id: number;
  software_id: number;
  min_version_id: number | null;
  max_version_id: number | null;
}

export interface NotifiedUsersTable {
  user_id: number;
  job_id: number;
  on_success: Default<boolean>;
  on_failure: Default<boolean>;
  on_deletion: Default<boolean>;
}

export interface TasksTable {
  id: Generated<number>;
  state: number | null;
  priority: Default<number>;
  time_submitted: Millis;
  time_started: Millis | null;
  time_finished: Millis | null;
  agent_id: string | null;
  job_id: number;
  hidden: Default<boolean>;
  attempts: Default<number>;
  failures: Default<number>;
  frame: number;
  tile: number | null;
  last_error: string | null;
  sent_to_agent: Default<boolean>;
  /** When it was last delivered to its agent (see migration 0006). */
  sent_on: Millis | null;
  progress: Default<number>;
}

export interface FailedTasksInAgentsTable {
  task_id: number;
  agent_id: string;
}

export interface PathMapsTable {
  id: Generated<number>;
  path_linux: string;
  path_windows: string;
  path_osx: string;
  tag_id: number | null;
}

export interface TaskLogsTable {
  id: Generated<number>;
  identifier: string;
  agent_id: string | null;
  created_on: Millis;
}

export interface TaskLogAssociationsTable {
  task_log_id: number;
  task_id: number;
  attempt: number;
  state: number | null;
}

export interface AgentCountsTable {
  counted_time: Millis;
  num_online: Default<number>;
  num_running: Default<number>;
  num_offline: Default<number>;
  num_disabled: Default<number>;
}

export interface TaskCountsTable {
  id: Generated<number>;
  counted_time: Millis;
  job_queue_id: number | null;
  total_queued: Default<number>;
  total_running: Default<number>;
  total_done: Default<number>;
  total_failed: Default<number>;
}

export interface TaskEventCountsTable {
  id: Generated<number>;
  time_start: Millis;
  time_end: Millis;
  job_queue_id: number | null;
  num_new: Default<number>;
  num_deleted: Default<number>;
  num_restarted: Default<number>;
  num_started: Default<number>;
  num_failed: Default<number>;
  num_done: Default<number>;
}

export interface FarmEventRelayTable {
  id: Generated<number>;
  created_on: Millis;
  /** The process that wrote the event (its own rows are skipped when it reads). */
  origin: string;
  /** The event as JSON. */
  payload: string;
}

/** The main database. */
export interface Database {
  users: UsersTable;
  roles: RolesTable;
  user_roles: UserRolesTable;
  api_tokens: ApiTokensTable;
  software: SoftwareTable;
  software_versions: SoftwareVersionsTable;
  tags: TagsTable;
  agents: AgentsTable;
  agent_software_version_associations: AgentSoftwareVersionAssociationsTable;
  agent_tag_associations: AgentTagAssociationsTable;
  agent_mac_addresses: AgentMacAddressesTable;
  gpus: GpusTable;
  gpu_agent_associations: GpuAgentAssociationsTable;
  agent_disks: AgentDisksTable;
  jobtypes: JobTypesTable;
  jobtype_versions: JobTypeVersionsTable;
  jobtype_software_requirements: JobTypeSoftwareRequirementsTable;
  job_queues: JobQueuesTable;
  job_groups: JobGroupsTable;
  jobs: JobsTable;
  job_dependencies: JobDependenciesTable;
  job_tag_associations: JobTagAssociationsTable;
  job_tag_requirements: JobTagRequirementsTable;
  job_software_requirements: JobSoftwareRequirementsTable;
  notified_users: NotifiedUsersTable;
  tasks: TasksTable;
  failed_tasks_in_agents: FailedTasksInAgentsTable;
  path_maps: PathMapsTable;
  task_logs: TaskLogsTable;
  task_log_associations: TaskLogAssociationsTable;
  farm_event_relay: FarmEventRelayTable;
}

/** The statistics database (possibly the same server and schema as the main one). */
export interface StatisticsDatabase {
  agent_counts: AgentCountsTable;
  task_counts: TaskCountsTable;
  task_event_counts: TaskEventCountsTable;
}

export type JobRow = Selectable<JobsTable>;
export type NewJobRow = Insertable<JobsTable>;
export type JobRowUpdate = Updateable<JobsTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTaskRow = Insertable<TasksTable>;
export type TaskRowUpdate = Updateable<TasksTable>;
export type AgentRow = Selectable<AgentsTable>;
export type NewAgentRow = Insertable<AgentsTable>;
export type AgentRowUpdate = Updateable<AgentsTable>;
