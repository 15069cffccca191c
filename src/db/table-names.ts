/**
 * Logical table names (the keys of `Database`/`StatisticsDatabase`) and the models.yml keys that configure
 * their physical names. With the defaults, physical = table_prefix + logical.
 */
import { ConfigError, type ConfigProblem } from '../core/errors.js';

export const TABLE_CONFIG_KEYS = {
  software: 'table_software',
  software_versions: 'table_software_version',
  tags: 'table_tag',
  agents: 'table_agent',
  agent_software_version_associations: 'table_agent_software_version_assoc',
  agent_tag_associations: 'table_agent_tag_assoc',
  agent_mac_addresses: 'table_agent_mac_address',
  jobs: 'table_job',
  jobtypes: 'table_job_type',
  jobtype_versions: 'table_job_type_version',
  job_tag_associations: 'table_job_tag_assoc',
  job_tag_requirements: 'table_job_tag_req',
  job_dependencies: 'table_job_dependency',
  job_software_requirements: 'table_job_software_req',
  notified_users: 'table_job_notified_users',
  jobtype_software_requirements: 'table_job_type_software_req',
  tasks: 'table_task',
  users: 'table_user',
  roles: 'table_role',
  user_roles: 'table_user_role',
  job_queues: 'table_job_queue',
  job_groups: 'table_job_group',
  path_maps: 'table_path_map',
  task_logs: 'table_task_log',
  task_log_associations: 'table_task_log_assoc',
  gpus: 'table_gpu',
  gpu_agent_associations: 'table_gpu_in_agent',
  failed_tasks_in_agents: 'table_failed_task_in_agent',
  agent_disks: 'table_agent_disk',
  agent_counts: 'table_statistics_agent_count',
  task_event_counts: 'table_statistics_task_event_count',
  task_counts: 'table_statistics_task_count',
  // Drover's own table; its name is table_prefix + "api_tokens" (models.yml has no key for it).
  api_tokens: null,
  // Drover's relay of farm events to the scheduler leader (MySQL); table_prefix + "farm_event_relay".
  farm_event_relay: null,
} as const;

export type LogicalTableName = keyof typeof TABLE_CONFIG_KEYS;

/** Physical name of every logical table, plus the prefix (used for index and bookkeeping-table names). */
export interface TableNames {
  readonly prefix: string;
  readonly tables: Readonly<Record<LogicalTableName, string>>;
}

// PostgreSQL silently truncates identifiers beyond 63 bytes, which would make two long names collide.
const MAX_IDENTIFIER_LENGTH = 63;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/**
 * Builds the physical table names from configuration values (models.yml keys: `table_prefix`,
 * `table_job`, ...; other keys are ignored, so the whole configuration object may be passed). A missing key takes its models.yml default, `${table_prefix}<logical name>`, except
 * `table_software_version`, which defaults to `${table_software}_versions` as in the seed. Every name must
 * be a plain identifier, and no two tables may share one; all problems are reported together.
 */
export function resolveTableNames(lookup: Readonly<Record<string, unknown>> = {}): TableNames {
  const problems: ConfigProblem[] = [];
  const text = (key: string): string | undefined => {
    const value = lookup[key];
    if (value === undefined || value === null || typeof value === 'string') return value ?? undefined;
    if (!problems.some((p) => p.key === key)) {
      problems.push({ key, message: `must be a string, got ${JSON.stringify(value)}` });
    }
    return undefined;
  };
  const prefix = text('table_prefix') ?? '';
  if (prefix !== '' && !IDENTIFIER.test(prefix)) {
    problems.push({
      key: 'table_prefix',
      message: `${JSON.stringify(prefix)} is not a valid identifier prefix`,
    });
  }
  const configured = (logical: LogicalTableName): string => {
    const key = TABLE_CONFIG_KEYS[logical];
    const value = key === null ? undefined : text(key);
    if (value !== undefined && value !== '') return value;
    if (logical === 'software_versions') return `${configured('software')}_versions`;
    return `${prefix}${logical}`;
  };
  const tables = {} as Record<LogicalTableName, string>;
  const owners = new Map<string, LogicalTableName>();
  for (const logical of Object.keys(TABLE_CONFIG_KEYS) as LogicalTableName[]) {
    const physical = configured(logical);
    const key = TABLE_CONFIG_KEYS[logical] ?? 'table_prefix';
    if (!IDENTIFIER.test(physical) || physical.length > MAX_IDENTIFIER_LENGTH) {
      problems.push({
        key,
        message: `${JSON.stringify(physical)} is not a valid table name (letters, digits and _, at most ${MAX_IDENTIFIER_LENGTH})`,
      });
    }
    const owner = owners.get(physical.toLowerCase());
    if (owner !== undefined) {
      problems.push({ key, message: `${JSON.stringify(physical)} is also the name of the ${owner} table` });
    }
    owners.set(physical.toLowerCase(), logical);
    tables[logical] = physical;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return { prefix, tables: Object.freeze(tables) };
}
