/**
 * Environment variables read by the configuration loader. Every key has a `DROVER_<KEY>` variable
 * (the key in upper case); the PYFARM_* names PyFarm documented still work, for old deployments.
 */

/** PyFarm's master ENVIRONMENT_OVERRIDES (seed 001), by variable name. */
export const PYFARM_ENV_KEYS: Readonly<Record<string, string>> = {
  PYFARM_DEV_ALLOW_AGENT_LOOPBACK_ADDRESSES: 'allow_agents_from_loopback',
  PYFARM_FARM_NAME: 'farm_name',
  PYFARM_LOGFILES_DIR: 'tasklogs_dir',
  PYFARM_DEV_APP_DB_DROP_ALL: 'dev_db_drop_all',
  PYFARM_SECRET_KEY: 'secret_key',
  PYFARM_AGENT_REQUEST_TIMEOUT: 'agent_request_timeout',
  PYFARM_AUTOCREATE_USERS: 'autocreate_users',
  PYFARM_SQL_ECHO: 'echo_sql',
  PYFARM_DATABASE_URI: 'database',
  PYFARM_AGENT_UPDATES_WEBDIR: 'agent_updates_webdir',
  PYFARM_JSON_PRETTY: 'pretty_json',
  PYFARM_APP_INSTANCE: 'instance_application',
  PYFARM_DEV_APP_DB_CREATE_ALL: 'dev_db_create_all',
  PYFARM_FROM_ADDRESS: 'from_email',
  PYFARM_SCHEDULER_BROKER: 'scheduler_broker',
  PYFARM_AGENT_UPDATES_DIR: 'agent_updates_dir',
  PYFARM_TRANSACTION_RETRIES: 'transaction_retries',
  PYFARM_BASE_URL: 'base_url',
  PYFARM_TIMESTAMP_FORMAT: 'timestamp_format',
  PYFARM_LOGIN_DISABLED: 'login_disabled',
  PYFARM_DEFAULT_JOB_DELETE_TIME: 'default_job_delete_time',
  PYFARM_SCHEDULER_LOCKFILE_BASE: 'scheduler_lockfile_base',
  PYFARM_MAIL_SERVER: 'smtp_server',
};

/** PyFarm variables that are not configuration keys and mean nothing to Drover: a warning each when set. */
export const IGNORED_PYFARM_ENV: Readonly<Record<string, string>> = {
  PYFARM_DEFAULT_AGENT_SOFTWARE:
    'default software is stored in the database (software versions marked default)',
};

export const DROVER_ENV_PREFIX = 'DROVER_';

/**
 * DROVER_ variables that are not configuration keys, so the loader neither applies them nor reports them
 * as unknown. A component that reads its own DROVER_ variable adds it here.
 */
const NON_CONFIG_ENV = new Set([
  'DROVER_CONFIG',
  'DROVER_DEBUG',
  // The client CLI's master and token (scripts), and the agent's token.
  'DROVER_MASTER',
  'DROVER_TOKEN',
  // The seed's two job type safety switches, read by the agent's job type loader (docs/agent.md).
  'DROVER_JOBTYPE_SUBCLASSES_BASE_CLASS',
  'DROVER_JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT',
]);
const NON_CONFIG_ENV_PREFIXES = ['DROVER_TEST_'];

export function isNonConfigEnv(name: string): boolean {
  return NON_CONFIG_ENV.has(name) || NON_CONFIG_ENV_PREFIXES.some((prefix) => name.startsWith(prefix));
}

export function droverEnvName(key: string): string {
  return DROVER_ENV_PREFIX + key.toUpperCase();
}
