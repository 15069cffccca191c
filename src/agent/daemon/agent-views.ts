/**
 * What the agent shows about itself: `GET /config`, `GET /status` (spec §5 fields plus Drover's journal
 * and reachability), and `node()` for job types. Pure functions of the agent's current facts.
 */
import { arch, cpus, freemem, totalmem, userInfo } from 'node:os';
import type { NodeInfo } from '../jobtypes/jobtype-host.js';
import type { Outbox } from '../master-client/outbox.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import { descendantsOf, listProcesses, processRssMb, treeRssMb } from '../system/process-tree.js';
import { isAdministrator } from '../system/users.js';
import type { Announcer } from './announcer.js';
import type { AssignmentRegistry } from './assignments.js';
import type { Lifecycle } from './lifecycle.js';

export interface AgentFacts {
  settings: AgentSettings;
  agentId: string;
  hostname: string;
  port: number;
  version: string;
  systemid: number | undefined;
  timeOffsetMs: number;
  startedAt: number;
  restartRequested: boolean;
  lifecycle: Lifecycle;
  /** Undefined until the agent got far enough in its start. */
  announcer: Announcer | undefined;
  registry: AssignmentRegistry;
  outbox: Outbox | undefined;
  childPids: number[];
  droverCommand: readonly string[];
}

const MB = 1024 * 1024;

export function agentConfig(f: AgentFacts): Record<string, unknown> {
  const s = f.settings;
  return {
    agent_id: f.agentId,
    agent_hostname: f.hostname,
    agent_api_port: f.port,
    agent_bind: s.bind,
    agent_data_root: s.dataRoot,
    agent_lock_file: s.pidfile,
    agent_logs_root: s.logsRoot,
    agent_updates_drop_dir: s.updatesDropDir,
    agent_api_username: s.apiUsername,
    agent_api_password: s.apiPassword === undefined ? null : '[redacted]',
    master_api: s.masterApi,
    agent_projects: s.projects,
    agent_state: s.state,
    agent_cpus: f.announcer?.cpus,
    agent_ram: f.announcer?.ramMb,
    agent_time_offset: Math.round(f.timeOffsetMs / 1000),
    agent_ntp_server: s.ntpServer,
    agent_reannounce_interval: s.reannounceIntervalMs / 1000,
    agent_shutdown_timeout: s.shutdownTimeoutMs / 1000,
    agent_http_retry_delay: s.httpRetryDelayMs / 1000,
    agent_ram_check_interval: s.ramCheckIntervalMs / 1000,
    agent_ram_report_delta: s.ramReportDeltaMb,
    agent_ram_max_report_frequency: s.ramMaxReportFrequencyMs / 1000,
    agent_allow_sharing: s.allowSharing,
    agent_remote_exec: s.remoteExec,
    agent_pretty_json: s.prettyJson,
    farm_name: s.farmName,
    jobtype_enable_cache: s.jobtypes.enableCache,
    jobtype_cache_directory: s.jobtypes.cacheDirectory,
    jobtype_task_logs: s.jobtypes.taskLogDir,
    jobtype_task_log_filename: s.jobtypes.taskLogFilename,
    jobtype_capture_process_output: s.jobtypes.captureProcessOutput,
    jobtype_expandvars: s.jobtypes.expandvars,
    jobtype_include_os_environ: s.jobtypes.includeOsEnviron,
    jobtype_default_environment: s.jobtypes.defaultEnvironment,
    version: f.version,
  };
}

export function agentStatus(f: AgentFacts): Record<string, unknown> {
  const agentRam = processRssMb(process.pid);
  const childRam = f.childPids.reduce((sum, pid) => sum + treeRssMb(pid), 0);
  const since = (t: number | undefined) => (t === undefined ? null : Math.round((Date.now() - t) / 100) / 10);
  return {
    state: f.lifecycle.shuttingDown ? 'offline' : (f.announcer?.reportedState ?? 'offline'),
    lifecycle: f.lifecycle.state,
    agent_hostname: f.hostname,
    agent_id: f.agentId,
    free_ram: Math.floor(freemem() / MB),
    agent_process_ram: Math.round(agentRam),
    consumed_ram: Math.round(agentRam + childRam),
    child_processes: f.childPids.length,
    grandchild_processes: grandchildren(f.childPids),
    pids: { parent: process.pid, child: f.childPids },
    last_master_contact: since(f.announcer?.lastMasterContact),
    last_announce: since(f.announcer?.lastAnnounce),
    agent_lock_file: f.settings.pidfile,
    uptime: Math.round((Date.now() - f.startedAt) / 1000),
    jobs: f.registry
      .all()
      .map((a) => a.instance?.uuid)
      .filter(Boolean),
    restart_requested: f.restartRequested,
    journal_backlog: f.outbox?.backlog ?? 0,
    master_reachable: f.outbox ? !f.outbox.inOutage : false,
    port: f.port,
    version: f.version,
    ...(f.settings.farmName ? { farm_name: f.settings.farmName } : {}),
  };
}

export function nodeInfo(f: AgentFacts): NodeInfo {
  const childRam = f.childPids.reduce((sum, pid) => sum + treeRssMb(pid), 0);
  return {
    masterApi: f.settings.masterApi,
    hostname: f.hostname,
    agentId: f.agentId,
    systemid: f.systemid,
    cpus: f.announcer?.cpus ?? cpus().length,
    ram: f.announcer?.ramMb ?? Math.floor(totalmem() / MB),
    totalRam: Math.floor(totalmem() / MB),
    freeRam: Math.floor(freemem() / MB),
    consumedRam: Math.round(processRssMb(process.pid) + childRam),
    admin: isAdministrator(),
    user: userInfo().username,
    caseSensitiveFiles: process.platform !== 'win32' && process.platform !== 'darwin',
    caseSensitiveEnv: process.platform !== 'win32',
    machineArchitecture: /64/.test(arch()) ? 64 : 32,
    operatingSystem: f.announcer?.hardwareFacts.osClass ?? 'other',
    droverCommand: f.droverCommand,
  };
}

/** Processes below the agent's children (helpers a renderer started). */
function grandchildren(children: readonly number[]): number {
  if (children.length === 0) return 0;
  const all = listProcesses();
  return children.reduce((sum, pid) => sum + descendantsOf(pid, all).length, 0);
}
