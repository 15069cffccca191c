/**
 * The seed's `pyfarm-agent` flags, for `drover agent [flags] start|stop|status [flags]`. Each flag sets
 * one configuration key; the flags common to all three subcommands are accepted before or after the
 * subcommand (the later one wins).
 */
import { Option, type Command } from 'commander';
import { resolveGid, resolveUid } from '../system/users.js';

interface FlagSpec {
  flags: string;
  description: string;
  key: string;
  /** Converts the parsed option value to the configuration value. */
  toConfig?: (value: unknown) => unknown;
  defaultValue?: unknown;
  hidden?: boolean;
}

const seconds = (v: unknown) => v;

export const COMMON_FLAGS: readonly FlagSpec[] = [
  {
    flags: '--data-dir <dir>',
    description: 'data directory of this agent; pidfile, logs, journal and id file derive from it',
    key: 'agent_data_root',
  },
  {
    flags: '--port <port>',
    description: 'port of the agent REST API (0 = any free port) [default: 50000]',
    key: 'agent_api_port',
  },
  {
    flags: '--host <hostname>',
    description: 'hostname to present to the master [default: the fully qualified hostname]',
    key: 'agent_hostname',
  },
  {
    flags: '--bind <address>',
    description: 'address the agent REST API listens on [default: 0.0.0.0]',
    key: 'agent_bind',
  },
  {
    flags: '--agent-api-username <name>',
    description: 'user name for HTTP Basic access to the agent API [default: agent]',
    key: 'agent_api_username',
  },
  {
    flags: '--agent-api-password <password>',
    description:
      'password for HTTP Basic access; without it only the master (and the local CLI) can call the agent',
    key: 'agent_api_password',
  },
  { flags: '--agent-id <uuid>', description: 'the agent id (overrides the id file)', key: 'agent_id' },
  {
    flags: '--agent-id-file <path>',
    description: 'where the agent id is kept [default: <data dir>/uuid.dat]',
    key: 'agent_id_file',
  },
  {
    flags: '--systemid <id>',
    description: "PyFarm's MAC-derived system identifier [default: auto]",
    key: 'agent_systemid',
  },
  {
    flags: '--systemid-cache <path>',
    description: 'where the system identifier is cached',
    key: 'agent_systemid_cache',
  },
  {
    flags: '--master <host>',
    description: "the master's host (or host:port, or URL); fills in --master-api",
    key: 'master',
  },
  {
    flags: '--master-api <url>',
    description: "URL of the master's REST API, e.g. http://farm:5000/api/v1",
    key: 'master_api',
  },
  {
    flags: '--master-api-version <n>',
    description: "version of the master's REST API [default: 1]",
    key: 'master_api_version',
  },
  {
    flags: '--token <token>',
    description: 'the agent API token for the master (or DROVER_TOKEN)',
    key: 'agent_token',
  },
  {
    flags: '--token-file <path>',
    description: 'read the agent API token from this file',
    key: 'agent_token_file',
  },
  {
    flags: '--pidfile <path>',
    description: 'the pidfile [default: <data dir>/lock/agent.pid]',
    key: 'agent_pidfile',
  },
  {
    flags: '--chdir <dir>',
    description: 'working directory of the agent (and default of its processes)',
    key: 'agent_chdir',
  },
  {
    flags: '--uid <user>',
    description: 'run as this user (name or id; ignored on Windows)',
    key: 'agent_uid',
    toConfig: (v) => resolveUid(String(v)),
  },
  {
    flags: '--gid <group>',
    description: 'run as this group (name or id; ignored on Windows)',
    key: 'agent_gid',
    toConfig: (v) => resolveGid(String(v)),
  },
];

export const START_FLAGS: readonly FlagSpec[] = [
  {
    flags: '--projects <names...>',
    description: 'projects this agent is dedicated to [default: any]',
    key: 'agent_projects',
  },
  {
    flags: '--state <state>',
    description: 'initial state: online, disabled, offline or running [default: online]',
    key: 'agent_state',
  },
  {
    flags: '--time-offset <seconds>',
    description: 'clock offset to report; skips the NTP query',
    key: 'agent_time_offset',
  },
  {
    flags: '--ntp-server <host>',
    description: "NTP server for the clock offset ('' disables) [default: pool.ntp.org]",
    key: 'agent_ntp_server',
  },
  {
    flags: '--ntp-server-version <n>',
    description: 'NTP version to speak [default: 2]',
    key: 'agent_ntp_server_version',
  },
  {
    flags: '--no-pretty-json',
    description: 'compact JSON from the agent REST API',
    key: 'agent_pretty_json',
  },
  {
    flags: '--shutdown-timeout <seconds>',
    description: 'time allowed for a clean shutdown [default: 15]',
    key: 'agent_shutdown_timeout',
    toConfig: seconds,
  },
  {
    flags: '--updates-drop-dir <dir>',
    description: 'where downloaded updates go (the supervisor looks there)',
    key: 'agent_updates_drop_dir',
  },
  { flags: '--cpus <n>', description: 'CPUs to report [default: all]', key: 'agent_cpus' },
  { flags: '--ram <mb>', description: 'RAM in MB to report [default: all installed]', key: 'agent_ram' },
  {
    flags: '--ram-check-interval <seconds>',
    description: 'how often free RAM is checked [default: 30]',
    key: 'agent_ram_check_interval',
  },
  {
    flags: '--ram-max-report-frequency <seconds>',
    description: 'minimum time between RAM reports [default: 10]',
    key: 'agent_ram_max_report_frequency',
  },
  {
    flags: '--ram-report-delta <mb>',
    description: 'report free RAM when it changed this much [default: 100]',
    key: 'agent_ram_report_delta',
  },
  {
    flags: '--master-reannounce <seconds>',
    description: 'announce to the master after this long without contact [default: 30]',
    key: 'agent_reannounce_interval',
  },
  {
    flags: '--log <path>',
    description:
      "append the agent's log to this file [default: stderr with -n, else <data dir>/logs/agent.log]",
    key: 'agent_log',
  },
  {
    flags: '--capture-process-output',
    description: "also send process output to the agent's log",
    key: 'jobtype_capture_process_output',
  },
  {
    flags: '--task-log-dir <dir>',
    description: 'where task logs are written [default: <data dir>/logs/tasks]',
    key: 'jobtype_task_logs',
  },
  {
    flags: '--ip-remote <ipv4>',
    description: 'the IPv4 address the master should use for this agent',
    key: 'agent_ip_remote',
  },
  {
    flags: '--enable-manhole',
    description: 'start the debugging REPL (loopback only, needs --manhole-password)',
    key: 'agent_manhole',
  },
  {
    flags: '--manhole-port <port>',
    description: 'port of the REPL [default: 50001]',
    key: 'agent_manhole_port',
  },
  {
    flags: '--manhole-username <name>',
    description: 'user name for the REPL [default: admin]',
    key: 'agent_manhole_username',
  },
  {
    flags: '--manhole-password <password>',
    description: 'password for the REPL',
    key: 'agent_manhole_password',
  },
  {
    flags: '--html-templates-reload',
    description: 'accepted for compatibility; the pages are built in',
    key: '',
  },
  {
    flags: '--static-files <dir>',
    description: 'serve files from this directory under /static/',
    key: 'agent_static_files',
  },
  {
    flags: '--http-retry-delay <seconds>',
    description: 'base delay before retrying a failed request to the master [default: 5]',
    key: 'agent_http_retry_delay',
  },
  {
    flags: '--jobtype-no-cache',
    description: 'always fetch job type code from the master',
    key: 'jobtype_enable_cache',
    toConfig: () => false,
  },
  {
    flags: '--allow-sharing',
    description: 'run tasks of several job types at once',
    key: 'agent_allow_sharing',
  },
  {
    flags: '--allow-remote-exec',
    description: 'let authenticated callers run shell commands here (drover exec -R agent)',
    key: 'agent_remote_exec',
  },
  { flags: '--farm-name <name>', description: 'farm name the master must have', key: 'farm_name' },
];

export function addFlags(command: Command, specs: readonly FlagSpec[], hideHelp = false): Command {
  for (const spec of specs) {
    const option = new Option(spec.flags, spec.description);
    if (hideHelp) option.hideHelp();
    command.addOption(option);
  }
  return command;
}

function attributeName(flags: string): { name: string; negated: boolean } {
  const long = /--([\w-]+)/.exec(flags)![1]!;
  const negated = long.startsWith('no-');
  const base = negated ? long.slice(3) : long;
  return { name: base.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()), negated };
}

/** Configuration overrides from parsed options (only flags the user gave). */
export function overridesFrom(
  options: Record<string, unknown>,
  specs: readonly FlagSpec[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const spec of specs) {
    if (!spec.key) continue;
    const { name, negated } = attributeName(spec.flags);
    const value = options[name];
    if (value === undefined) continue;
    if (negated && value !== false) continue; // commander sets true by default for --no-* flags
    out[spec.key] = spec.toConfig ? spec.toConfig(value) : value;
  }
  return out;
}
