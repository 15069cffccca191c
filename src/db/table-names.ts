/**
 * Logical table names (the keys of `Database`/`StatisticsDatabase`) and the models.yml keys that configure
 * their physical names. With the defaults, physical = table_prefix + logical.
 */
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
} as const;

export type LogicalTableName = keyof typeof TABLE_CONFIG_KEYS;
