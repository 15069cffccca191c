/**
 * Everything the agent process reads from its configuration, resolved once at start-up into a frozen
 * object with every path expanded and every duration in milliseconds. Input is a flat map by
 * configuration key (agent.yml / jobtypes.yml names plus the agent's own keys below) built from the
 * defaults and the command-line flags. Every problem is collected and thrown together as one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type ConfigProblem } from '../../core/errors.js';
import { AGENT_DEFAULTS } from './agent-defaults.js';

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

export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

/** Reads one typed value per key, recording a problem (and returning a harmless value) when it is wrong. */
class ValueReader {
  private readonly expanded = new Map<string, string>();

  constructor(
    private readonly values: Record<string, unknown>,
    private readonly problems: ConfigProblem[],
    private readonly cwd: string,
  ) {}

  private fail(key: string, message: string): void {
    this.problems.push({ key, message });
  }

  string(key: string): string {
    const v = this.values[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    this.fail(key, `must be a string, not ${JSON.stringify(v)}`);
    return '';
  }

  optionalString(key: string): string | undefined {
    const v = this.values[key];
    if (v === null || v === undefined || v === '') return undefined;
    return this.string(key);
  }

  optionalUuid(key: string): string | undefined {
    const v = this.optionalString(key);
    if (v !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
      this.fail(key, `${JSON.stringify(v)} is not a UUID`);
      return undefined;
    }
    return v?.toLowerCase();
  }

  boolean(key: string): boolean {
    const v = this.values[key];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && parseBoolean(v) !== undefined) return parseBoolean(v) as boolean;
    this.fail(key, `must be true or false, not ${JSON.stringify(v)}`);
    return false;
  }

  integer(key: string, min: number, max: number): number {
    const v = this.values[key];
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
    this.fail(key, `must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
    return min;
  }

  optionalInteger(key: string, min: number): number | undefined {
    const v = this.values[key];
    if (v === null || v === undefined || v === '') return undefined;
    return this.integer(key, min, Number.MAX_SAFE_INTEGER);
  }

  autoOrInteger(key: string, min: number, max: number): number | 'auto' {
    const v = this.values[key];
    if (v === 'auto' || v === null || v === undefined) return 'auto';
    return this.integer(key, min, max);
  }

  stringList(key: string): string[] {
    const v = this.values[key];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0)) return v as string[];
    if (v === null || v === undefined) return [];
    this.fail(key, `must be a list of names, not ${JSON.stringify(v)}`);
    return [];
  }

  environment(key: string): Record<string, string> {
    const v = this.values[key];
    if (v === null || v === undefined) return {};
    if (typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(v)) {
        if (value === null || typeof value === 'object') this.fail(key, `${name}: must be a string`);
        else out[name] = String(value);
      }
      return out;
    }
    this.fail(key, 'must be a mapping of variable names to values');
    return {};
  }

  /** A number of seconds, or PyFarm's timedelta keywords ({minutes: 1, seconds: 30}). */
  durationMs(key: string): number {
    const v = this.values[key];
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return Math.round(n * 1000);
    if (n !== null && typeof n === 'object' && !Array.isArray(n)) {
      let total = 0;
      for (const [unit, amount] of Object.entries(n)) {
        const factor = DURATION_UNITS[unit];
        if (factor === undefined || typeof amount !== 'number' || amount < 0) {
          this.fail(key, `${unit}: not a duration unit with a non-negative number`);
          return 0;
        }
        total += factor * amount;
      }
      return Math.round(total);
    }
    this.fail(key, `must be a number of seconds, not ${JSON.stringify(v)}`);
    return 0;
  }

  path(key: string): string {
    return resolve(this.cwd, this.expand(key, this.string(key)));
  }

  optionalPath(key: string): string | undefined {
    const v = this.optionalString(key);
    return v === undefined ? undefined : resolve(this.cwd, this.expand(key, v));
  }

  /**
   * `$temp` is <system temp dir>/drover; `$name` / `${name}` is another key's (expanded) value; `~` is
   * the home directory. Unknown names stay as they are ($JOBTYPE_UUID is filled in later).
   */
  private expand(key: string, raw: string, depth = 0): string {
    const cached = this.expanded.get(key);
    if (cached !== undefined) return cached;
    if (depth > 10) {
      this.fail(key, 'variables refer to each other in a loop');
      return raw;
    }
    let out = raw.replace(/^~(?=$|\/)/, homedir());
    out = out.replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (whole, braced: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare ?? '';
        if (name === 'temp') return join(tmpdir(), 'drover');
        const value = this.values[name];
        if (name !== key && (typeof value === 'string' || typeof value === 'number')) {
          return this.expand(name, String(value), depth + 1);
        }
        return whole;
      },
    );
    if (!isAbsolute(out) && !/^\w+:\/\//.test(out)) out = resolve(this.cwd, out);
    this.expanded.set(key, out);
    return out;
  }
}
