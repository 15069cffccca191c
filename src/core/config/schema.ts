/**
 * The type of every configuration key Drover uses: one flat namespace over the default files in
 * ./defaults (PyFarm's master.yml, models.yml, scheduler.yml, agent.yml, jobtypes.yml, plus drover.yml).
 * Adding a key is two lines: its default, with a comment, in a defaults file and its type here.
 * Keys PyFarm had that Drover does not use are not here; ./ignored-keys.ts lists them with the reason.
 */
import Type, { type Static } from 'typebox';
import {
  Auto,
  Bool,
  DatabaseUrl,
  Duration,
  EnvironmentMap,
  HttpUrl,
  Int,
  Integer,
  LogLevel,
  NonEmptyStr,
  Nullable,
  Num,
  Pattern,
  Port,
  SmtpLogin,
  Str,
} from './setting-types.js';

const Path = NonEmptyStr;

export const ConfigSchema = Type.Object(
  {
    // master.yml
    database: DatabaseUrl,
    statistics_database: DatabaseUrl,
    base_url: HttpUrl,
    farm_name: Nullable(Str),
    secret_key: NonEmptyStr,
    api_prefix: Pattern('^/', 'a URL path starting with "/"'),
    agent_api_url_template: Pattern(
      '^(?=.*\\{host\\})(?=.*\\{port\\})',
      'a URL template containing {host} and {port}',
    ),
    login_disabled: Bool,
    cookie_duration: Duration,
    pretty_json: Bool,
    echo_sql: Bool,
    autocreate_users: Bool,
    autocreate_user_email: Nullable(Str),
    default_job_delete_time: Nullable(Duration),
    timestamp_format: NonEmptyStr,
    agent_updates_dir: Path,
    agent_updates_webdir: Nullable(Str),
    tasklogs_dir: Path,
    flask_listen_address: NonEmptyStr,
    dev_db_drop_all: Bool,
    dev_db_create_all: Bool,
    queue_default_priority: Integer,
    queue_default_weight: Int(0),
    queue_min_priority: Integer,
    queue_max_priority: Integer,
    job_type_max_batch: Int(1),
    job_type_batch_contiguous: Bool,

    // models.yml
    allow_agents_from_loopback: Bool,
    max_tag_length: Int(1),
    max_hostname_length: Int(1),
    max_jobgroup_name_length: Int(1),
    max_osname_length: Int(1),
    max_cpuname_length: Int(1),
    agent_ram_allocation: Num(0),
    agent_cpu_allocation: Num(0),
    agent_min_port: Port,
    agent_max_port: Port,
    agent_min_cpus: Int(1),
    agent_max_cpus: Int(1),
    agent_min_ram: Int(1),
    agent_max_ram: Int(1),
    jobtitle_max_length: Int(1),
    job_default_batch: Int(1),
    job_requeue_default: Int(-1),
    job_default_cpus: Int(-1),
    job_default_ram: Int(-1),
    max_path_length: Int(1),
    max_gpu_name_length: Int(1),
    max_queue_name_length: Int(1),
    max_queue_path_length: Int(1),
    job_type_max_name_length: Int(1),
    job_type_max_class_name_length: Int(1),
    max_username_length: Int(1),
    max_email_length: Int(1),
    max_role_length: Int(1),
    max_mountpoint_length: Int(1),
    max_discovery_function_name_length: Int(1),

    // scheduler.yml
    master_user_agent: NonEmptyStr,
    agent_poll_interval: Duration,
    assign_tasks_interval: Duration,
    orphaned_log_cleanup_interval: Duration,
    compress_log_interval: Duration,
    autodelete_old_job_interval: Duration,
    delete_job_interval: Duration,
    poll_busy_agents_interval: Duration,
    poll_idle_agents_interval: Duration,
    poll_offline_agents_interval: Duration,
    transaction_retries: Int(0),
    agent_request_timeout: Duration,
    queue_prefer_running_jobs: Bool,
    use_total_ram_for_scheduling: Bool,
    smtp_server: Nullable(Str),
    smtp_port: Int(0, 65535),
    smtp_login: SmtpLogin,
    from_email: NonEmptyStr,
    success_subject: Str,
    success_body: Str,
    failed_subject: Str,
    failed_body: Str,
    deleted_subject: Str,
    deleted_body: Str,
    enable_statistics: Bool,
    agent_count_interval: Duration,
    task_event_count_consolidate_interval: Duration,
    task_count_interval: Duration,

    // agent.yml
    agent_data_root: Path,
    supervisor_interval: Duration,
    agent_chdir: Nullable(Str),
    lock_file_root: Path,
    agent_lock_file: Path,
    supervisor_lock_file: Path,
    agent_user_data: Path,
    agent_logs_root: Path,
    agent_updates_drop_dir: Path,
    agent_api_port: Port,
    agent_log: Path,
    master: Nullable(Str),
    master_api_version: Int(1),
    master_api: NonEmptyStr,
    agent_shutdown_timeout: Duration,
    agent_http_retry_delay: Duration,
    agent_http_persistent_connections: Bool,
    agent_pretty_json: Bool,
    agent_ram_check_interval: Duration,
    agent_ram_report_delta: Int(0),
    agent_ram_max_report_frequency: Duration,
    agent_ntp_server: Nullable(Str),
    agent_ntp_server_version: Int(1, 4),
    agent_time_offset: Auto(Integer),
    agent_ram: Auto(Int(1)),
    agent_cpus: Auto(Int(1)),
    agent_hostname: Auto(NonEmptyStr),
    agent_allow_sharing: Bool,

    // jobtypes.yml
    jobtype_enable_cache: Bool,
    jobtype_capture_process_output: Bool,
    jobtype_task_logs: Path,
    jobtype_task_log_filename: Pattern('^[^/\\\\]+$', 'a file name without "/" or "\\"'),
    jobtype_cache_directory: Nullable(Str),
    jobtype_tempdir_root: Path,
    jobtype_expandvars: Bool,
    jobtype_ignore_id_mapping_errors: Bool,
    jobtype_default_environment: EnvironmentMap,
    jobtype_include_os_environ: Bool,

    // drover.yml
    public_read: Bool,
    agent_reannounce_interval: Duration,
    agent_offline_timeout: Duration,
    log_level: LogLevel,
    data_dir: Path,
  },
  { additionalProperties: false },
);

type DeepReadonly<T> = T extends (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** The effective configuration: every key present, validated, variables expanded, deeply frozen. */
export type Config = DeepReadonly<Static<typeof ConfigSchema>>;
export type ConfigKey = keyof Config;

/** Keys in the order of the default files, which is the order `drover config show` prints. */
export const CONFIG_KEYS = Object.keys(ConfigSchema.properties) as ConfigKey[];
