/**
 * Agents on the wire: seed field names, enum names, ISO-8601 times. The API secret and the registering
 * token never leave the master.
 */
import type { AgentDetailView, AgentTaskView, AgentView } from '../../api/schemas/agents.js';
import { isoTime } from '../../api/schemas/common.js';
import { AgentState, OperatingSystem, taskStateName, UseAgentAddress } from '../../core/enums.js';
import type { AgentDisk, AgentSoftwareVersion } from '../../db/agents/agent-associations.repository.js';
import type { AgentAddress } from '../../db/agents/agent-listing.repository.js';
import type { TaskJobSummary } from '../../db/agents/agent-tasks.repository.js';
import type { Agent } from '../../db/agents/agent.repository.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import type { Task } from '../../db/tasks/task.repository.js';

export function agentView(agent: Agent, tags: readonly string[]): AgentView {
  return {
    id: agent.id,
    hostname: agent.hostname,
    notes: agent.notes,
    remote_ip: agent.remoteIp,
    use_address: UseAgentAddress.name(agent.useAddress) ?? 'remote',
    os_class: agent.osClass === null ? null : (OperatingSystem.name(agent.osClass) ?? null),
    os_fullname: agent.osFullname,
    cpu_name: agent.cpuName,
    ram: agent.ram,
    free_ram: agent.freeRam,
    cpus: agent.cpus,
    port: agent.port,
    time_offset: agent.timeOffset,
    version: agent.version,
    upgrade_to: agent.upgradeTo,
    restart_requested: agent.restartRequested,
    state: AgentState.name(agent.state) ?? 'offline',
    last_heard_from: isoTime(agent.lastHeardFrom),
    last_success_on: isoTime(agent.lastSuccessOn),
    last_polled: isoTime(agent.lastPolled),
    ram_allocation: agent.ramAllocation,
    cpu_allocation: agent.cpuAllocation,
    projects: agent.projects === null ? null : [...agent.projects],
    tags: [...tags],
  };
}

export interface AgentInventory {
  tags: readonly string[];
  macAddresses: readonly string[];
  gpus: readonly string[];
  disks: readonly AgentDisk[];
  software: readonly AgentSoftwareVersion[];
}

export function agentDetailView(agent: Agent, inventory: AgentInventory): AgentDetailView {
  return {
    ...agentView(agent, inventory.tags),
    mac_addresses: [...inventory.macAddresses],
    gpus: inventory.gpus.map((fullname) => ({ fullname })),
    disks: inventory.disks.map(({ mountpoint, size, free }) => ({ mountpoint, size, free })),
    software: inventory.software.map(agentSoftwareView),
  };
}

export function agentSoftwareView(version: { software: string; version: string }) {
  return { software: version.software, version: version.version };
}

export function agentSummaryView(agent: AgentAddress | Agent) {
  return { id: agent.id, hostname: agent.hostname, port: agent.port, remote_ip: agent.remoteIp };
}

export function agentTaskView(task: Task, job: TaskJobSummary): AgentTaskView {
  return {
    id: task.id,
    job_id: task.jobId,
    agent_id: task.agentId,
    state: taskStateName(task.state, task.agentId !== null),
    priority: task.priority,
    frame: task.frame,
    tile: task.tile,
    hidden: task.hidden,
    attempts: task.attempts,
    failures: task.failures,
    progress: task.progress,
    last_error: task.lastError,
    sent_to_agent: task.sentToAgent,
    time_submitted: isoTime(task.timeSubmitted),
    time_started: isoTime(task.timeStarted),
    time_finished: isoTime(task.timeFinished),
    job: {
      id: job.id,
      title: job.title,
      jobtype: job.jobtype,
      jobtype_id: job.jobtypeId,
      jobtype_version: job.jobtypeVersion,
    },
  };
}

/** `GET /agents/schema`: PyFarm's `{column: SQL type}` (enums by their type name). */
export function agentColumnTypes(limits: ModelLimits): Record<string, string> {
  return {
    id: 'UUIDType',
    hostname: `VARCHAR(${limits.maxHostnameLength})`,
    notes: 'TEXT',
    remote_ip: 'IPv4Address',
    use_address: 'UseAgentAddressEnum',
    os_class: 'OperatingSystemEnum',
    os_fullname: `VARCHAR(${limits.maxOsnameLength})`,
    cpu_name: `VARCHAR(${limits.maxCpunameLength})`,
    ram: 'INTEGER',
    free_ram: 'INTEGER',
    cpus: 'INTEGER',
    port: 'INTEGER',
    time_offset: 'INTEGER',
    version: 'VARCHAR(16)',
    upgrade_to: 'VARCHAR(16)',
    restart_requested: 'BOOLEAN',
    state: 'AgentStateEnum',
    last_heard_from: 'DATETIME',
    last_success_on: 'DATETIME',
    last_polled: 'DATETIME',
    ram_allocation: 'FLOAT',
    cpu_allocation: 'FLOAT',
    projects: 'JSON',
  };
}
