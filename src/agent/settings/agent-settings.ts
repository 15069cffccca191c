/**
 * Everything the agent process reads from its configuration, resolved once at start-up into a frozen
 * object with every path expanded and every duration in milliseconds. Input is a flat map by
 * configuration key (agent.yml / jobtypes.yml names plus the agent's own keys below) built from the
 * defaults and the command-line flags. Every problem is collected and thrown together as one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../../core/errors.js';
import { AGENT_DEFAULTS } from './agent-defaults.js';
import { parseBoolean, ValueReader } from './value-reader.js';

export type AgentStartState = 'online' | 'disabled' | 'offline' | 'running';

export interface JobTypeSettings {
  enableCache: boolean;
  cacheDirectory: string;
  captureProcessOutput: boolean;
  taskLogDir: string;
  /** Template with $YEAR $MONTH $DAY $HOUR $MINUTE $SECOND $JOB $PROCESS (no path separators). */
  taskLogFilename: string;
  /** May contain $JOBTYPE_UUID, replaced by the job type instance id. */
  tempdirRoot: string;
  expandvars: boolean;
  ignoreIdMappingErrors: boolean;
  defaultEnvironment: Readonly<Record<string, string>>;
  includeOsEnviron: boolean;
  /** PYFARM_/DROVER_JOBTYPE_SUBCLASSES_BASE_CLASS: a job type class must extend JobType. */
  requireBaseClass: boolean;
  /** PYFARM_/DROVER_JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT: refuse modules that do work at import. */
  refuseModuleRootCode: boolean;
  /** Between SIGTERM and SIGKILL when a process tree is stopped. */
  killDelayMs: number;
}

export interface AgentSettings {
  dataRoot: string;
  lockDir: string;
  pidfile: string;
  /** Present while the agent should be running; the supervisor restarts the agent only then. */
  runControlFile: string;
  /** Port, pid and control secret of the running agent, for `drover agent stop|status`. */
  stateFile: string;
  logsRoot: string;
  journalDir: string;
  log: string | undefined;
  chdir: string | undefined;
  uid: number | undefined;
  gid: number | undefined;

  bind: string;
  port: number;
  /** The hostname presented to the master; undefined = worked out from the network (system/hostname). */
  hostname: string | undefined;
  ipRemote: string | undefined;
  apiUsername: string;
  /** Undefined = HTTP Basic is refused and only the master's secret (or the local control secret) works. */
  apiPassword: string | undefined;
  agentId: string | undefined;
  agentIdFile: string;
  systemid: number | 'auto';
  systemidCache: string;

  masterApi: string;
  token: string;
  farmName: string | null;

  projects: readonly string[];
  state: AgentStartState;
  timeOffset: number | 'auto';
  ntpServer: string;
  ntpServerVersion: number;
  prettyJson: boolean;
  shutdownTimeoutMs: number;
  updatesDropDir: string;
  cpus: number | 'auto';
  ram: number | 'auto';
  ramCheckIntervalMs: number;
  ramMaxReportFrequencyMs: number;
  ramReportDeltaMb: number;
  reannounceIntervalMs: number;
  httpRetryDelayMs: number;
  staticFiles: string | undefined;
  allowSharing: boolean;
  /** POST /api/v1/exec runs commands (`drover exec -R agent`); refused with 403 when false. */
  remoteExec: boolean;
  supervisorIntervalMs: number;
  manhole: { enabled: boolean; port: number; username: string; password: string | undefined };
  jobtypes: JobTypeSettings;
}

/** The agent's own keys (not in the seed's agent.yml), with their defaults. */
export const AGENT_EXTRA_DEFAULTS: Readonly<Record<string, unknown>> = {
  agent_bind: '0.0.0.0',
  agent_api_username: 'agent',
  agent_api_password: null,
  agent_id: null,
  agent_id_file: '$agent_data_root/uuid.dat',
  agent_token: null,
  agent_token_file: null,
  agent_projects: [],
  agent_state: 'online',
  agent_ip_remote: null,
  agent_static_files: null,
  agent_pidfile: null,
  agent_uid: null,
  agent_gid: null,
  jobtype_kill_delay: 5,
};

export interface ResolveOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** `start` needs the master and a token; `control` (stop, status) only needs the local paths. */
  purpose: 'start' | 'control';
}

const STATES: readonly AgentStartState[] = ['online', 'disabled', 'offline', 'running'];

export function resolveAgentSettings(
  overrides: Readonly<Record<string, unknown>>,
  options: ResolveOptions,
): AgentSettings {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const values: Record<string, unknown> = { ...AGENT_DEFAULTS, ...AGENT_EXTRA_DEFAULTS };
  for (const [key, value] of Object.entries(overrides)) if (value !== undefined) values[key] = value;
  const problems: ConfigProblem[] = [];
  const read = new ValueReader(values, problems, cwd);

  const dataRoot = read.path('agent_data_root');
  const lockDir = read.path('lock_file_root');
  const logsRoot = read.path('agent_logs_root');
  const pidfileOverride = read.optionalString('agent_pidfile');

  const port = read.integer('agent_api_port', 0, 65535);
  const masterApi = options.purpose === 'start' ? resolveMasterApi(read, problems) : '';
  const token = options.purpose === 'start' ? resolveToken(read, problems, env, cwd) : '';
  const state = read.string('agent_state') as AgentStartState;
  if (!STATES.includes(state)) {
    problems.push({
      key: 'agent_state',
      message: `must be one of ${STATES.join(', ')}, not ${JSON.stringify(state)}`,
    });
  }
  const logFilename = read.string('jobtype_task_log_filename');
  if (/[/\\]/.test(logFilename)) {
    problems.push({ key: 'jobtype_task_log_filename', message: 'must not contain path separators' });
  }
  const projects = read.stringList('agent_projects');
  const systemid = read.autoOrInteger('agent_systemid', 1, 0xffffffffffff);
  const hostname = read.optionalString('agent_hostname');

  const settings: AgentSettings = {
    dataRoot,
    lockDir,
    pidfile: pidfileOverride ? resolve(cwd, pidfileOverride) : read.path('agent_lock_file'),
    runControlFile: join(lockDir, 'should_be_running'),
    stateFile: join(lockDir, 'agent.json'),
    logsRoot,
    journalDir: join(dataRoot, 'journal'),
    log: read.optionalPath('agent_log'),
    chdir: read.optionalPath('agent_chdir'),
    uid: read.optionalInteger('agent_uid', 0),
    gid: read.optionalInteger('agent_gid', 0),
    bind: read.string('agent_bind'),
    port,
    hostname: hostname === 'auto' ? undefined : hostname,
    ipRemote: read.optionalString('agent_ip_remote'),
    apiUsername: read.string('agent_api_username'),
    apiPassword: read.optionalString('agent_api_password'),
    agentId: read.optionalUuid('agent_id'),
    agentIdFile: read.path('agent_id_file'),
    systemid,
    systemidCache: read.path('agent_systemid_cache'),
    masterApi,
    token,
    farmName: read.optionalString('farm_name') ?? null,
    projects,
    state,
    timeOffset: read.autoOrInteger('agent_time_offset', -1e9, 1e9),
    ntpServer: read.optionalString('agent_ntp_server') ?? '',
    ntpServerVersion: read.integer('agent_ntp_server_version', 1, 4),
    prettyJson: read.boolean('agent_pretty_json'),
    shutdownTimeoutMs: read.durationMs('agent_shutdown_timeout'),
    updatesDropDir: read.path('agent_updates_drop_dir'),
    cpus: read.autoOrInteger('agent_cpus', 1, 256),
    ram: read.autoOrInteger('agent_ram', 16, 262144),
    ramCheckIntervalMs: read.durationMs('agent_ram_check_interval'),
    ramMaxReportFrequencyMs: read.durationMs('agent_ram_max_report_frequency'),
    ramReportDeltaMb: read.integer('agent_ram_report_delta', 0, 262144),
    reannounceIntervalMs: read.durationMs('agent_reannounce_interval'),
    httpRetryDelayMs: read.durationMs('agent_http_retry_delay'),
    staticFiles: read.optionalPath('agent_static_files'),
    allowSharing: read.boolean('agent_allow_sharing'),
    remoteExec: read.boolean('agent_remote_exec'),
    supervisorIntervalMs: read.durationMs('supervisor_interval'),
    manhole: {
      enabled: read.boolean('agent_manhole'),
      port: read.integer('agent_manhole_port', 0, 65535),
      username: read.string('agent_manhole_username'),
      password: read.optionalString('agent_manhole_password'),
    },
    jobtypes: {
      enableCache: read.boolean('jobtype_enable_cache'),
      cacheDirectory: read.path('jobtype_cache_directory'),
      captureProcessOutput: read.boolean('jobtype_capture_process_output'),
      taskLogDir: read.path('jobtype_task_logs'),
      taskLogFilename: logFilename,
      tempdirRoot: read.path('jobtype_tempdir_root'),
      expandvars: read.boolean('jobtype_expandvars'),
      ignoreIdMappingErrors: read.boolean('jobtype_ignore_id_mapping_errors'),
      defaultEnvironment: read.environment('jobtype_default_environment'),
      includeOsEnviron: read.boolean('jobtype_include_os_environ'),
      requireBaseClass: envSwitch(env, 'JOBTYPE_SUBCLASSES_BASE_CLASS', problems),
      refuseModuleRootCode: envSwitch(env, 'JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT', problems),
      killDelayMs: read.durationMs('jobtype_kill_delay'),
    },
  };
  if (settings.manhole.enabled && !settings.manhole.password) {
    problems.push({
      key: 'agent_manhole_password',
      message: 'the manhole needs a password (--manhole-password); it is never open',
    });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(settings);
}

/**
 * The seed's two safety switches, read from DROVER_<name> or PYFARM_<name> (DROVER_ wins). Both default
 * to true, and for both true means "enforce" (the seed's naming of the second one is inverted).
 */
function envSwitch(env: NodeJS.ProcessEnv, name: string, problems: ConfigProblem[]): boolean {
  for (const prefix of ['DROVER_', 'PYFARM_']) {
    const raw = env[prefix + name];
    if (raw === undefined || raw === '') continue;
    const parsed = parseBoolean(raw);
    if (parsed === undefined) {
      problems.push({
        key: prefix + name,
        message: `must be true or false, not ${JSON.stringify(raw)}`,
        source: `env:${prefix + name}`,
      });
      return true;
    }
    return parsed;
  }
  return true;
}

function resolveMasterApi(read: ValueReader, problems: ConfigProblem[]): string {
  const explicit = read.optionalString('master_api');
  const master = read.optionalString('master');
  const version = read.integer('master_api_version', 1, 99);
  let api: string | undefined;
  if (explicit && !explicit.includes('$master'))
    api = explicit.replace('$master_api_version', String(version));
  else if (master) {
    const base = /^https?:\/\//.test(master) ? master.replace(/\/+$/, '') : `http://${master}`;
    api = `${base}/api/v${version}`;
  }
  if (!api) {
    problems.push({ key: 'master', message: 'the master is required (--master or --master-api)' });
    return '';
  }
  try {
    const url = new URL(api);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
  } catch {
    problems.push({ key: 'master_api', message: `${JSON.stringify(api)} is not an http(s) URL` });
  }
  return api.replace(/\/+$/, '');
}

function resolveToken(
  read: ValueReader,
  problems: ConfigProblem[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): string {
  const direct = read.optionalString('agent_token') ?? (env.DROVER_TOKEN || undefined);
  if (direct) return direct.trim();
  const file = read.optionalString('agent_token_file');
  if (file) {
    try {
      const token = readFileSync(resolve(cwd, file), 'utf8').trim();
      if (token) return token;
      problems.push({ key: 'agent_token_file', message: `${file} is empty` });
    } catch (err) {
      problems.push({ key: 'agent_token_file', message: `cannot read ${file}: ${(err as Error).message}` });
    }
    return '';
  }
  problems.push({
    key: 'agent_token',
    message: 'the agent needs an API token for the master (--token, --token-file or DROVER_TOKEN)',
  });
  return '';
}
