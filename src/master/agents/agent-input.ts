/**
 * Turning an agent body (registration, re-announce, admin edit) into repository input: who may set which
 * field, the column patch, and the inventory (MAC addresses, GPUs, disks) written only when it changed —
 * an agent re-announces every two minutes with the same inventory, and a read is cheaper than a rewrite.
 */
import type { Kysely } from 'kysely';
import type { UpdateAgentBody } from '../../api/schemas/agents.js';
import { ForbiddenError, ValidationError } from '../../core/errors.js';
import { AgentState, OperatingSystem, UseAgentAddress, type AgentStateValue } from '../../core/enums.js';
import {
  listAgentDisks,
  listAgentGpus,
  listAgentMacAddresses,
  setAgentDisks,
  setAgentGpus,
  setAgentMacAddresses,
  type AgentDisk,
} from '../../db/agents/agent-associations.repository.js';
import type { AgentPatch } from '../../db/agents/agent.repository.js';
import type { Database } from '../../db/database.js';
import { checkMacAddress, checkRemoteIp } from '../../db/rules/agent-rules.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { assertMaySet, type AgentCaller } from './agent-caller.js';

type Field = keyof UpdateAgentBody;

/**
 * Fields only some callers may set (admins set everything). Unlisted fields are the agent's report and may
 * also be corrected by wranglers. `current_assignments` drives reconciliation, so only the agent itself
 * sends it; `upgrade_to` makes agents install code, so only admins set it.
 */
const RESTRICTED: Partial<Record<Field, readonly AgentCaller['kind'][]>> = {
  notes: ['wrangler'],
  tags: ['wrangler'],
  restart_requested: ['wrangler'],
  ram_allocation: ['wrangler'],
  cpu_allocation: ['wrangler'],
  upgrade_to: [],
  api_secret: ['agent'],
  current_assignments: ['agent'],
};

export function assertFieldAccess(caller: AgentCaller, input: UpdateAgentBody): void {
  if (caller.kind === 'admin') return;
  for (const field of Object.keys(input) as Field[]) {
    const allowed = RESTRICTED[field];
    if (allowed && input[field] !== undefined) assertMaySet(caller, field, allowed);
  }
}

/**
 * The state to store, or undefined to leave it: agents never disable themselves, and a disabled agent's
 * own reports do not change its state (an admin disabled it; only an admin enables it).
 */
export function reportedState(
  caller: AgentCaller,
  input: UpdateAgentBody,
  current: AgentStateValue | undefined,
): AgentStateValue | undefined {
  if (input.state === undefined) return undefined;
  const state = AgentState.parse(input.state, 'state');
  if (caller.kind !== 'agent') return state;
  if (state === AgentState.values.DISABLED)
    throw new ForbiddenError('state: agents cannot disable themselves');
  return current === AgentState.values.DISABLED ? undefined : state;
}

/** The column values of the body (inventory, tags and protocol fields are handled elsewhere). */
export function agentPatchOf(input: UpdateAgentBody): AgentPatch {
  const patch: AgentPatch = {};
  if (input.hostname !== undefined) patch.hostname = input.hostname;
  if (input.port !== undefined) patch.port = input.port;
  if (input.ram !== undefined) patch.ram = input.ram;
  if (input.free_ram !== undefined) patch.freeRam = input.free_ram;
  if (input.cpus !== undefined) patch.cpus = input.cpus;
  if (input.remote_ip !== undefined) patch.remoteIp = input.remote_ip;
  if (input.use_address !== undefined)
    patch.useAddress = UseAgentAddress.parse(input.use_address, 'use_address');
  if (input.os_class !== undefined) {
    patch.osClass = input.os_class === null ? null : OperatingSystem.parse(input.os_class, 'os_class');
  }
  if (input.os_fullname !== undefined) patch.osFullname = input.os_fullname;
  if (input.cpu_name !== undefined) patch.cpuName = input.cpu_name;
  if (input.time_offset !== undefined) patch.timeOffset = input.time_offset;
  if (input.version !== undefined) patch.version = input.version;
  if (input.notes !== undefined) patch.notes = input.notes;
  if (input.restart_requested !== undefined) patch.restartRequested = input.restart_requested;
  if (input.upgrade_to !== undefined) patch.upgradeTo = input.upgrade_to;
  if (input.ram_allocation !== undefined) patch.ramAllocation = input.ram_allocation;
  if (input.cpu_allocation !== undefined) patch.cpuAllocation = input.cpu_allocation;
  if (input.projects !== undefined) patch.projects = input.projects;
  if (input.api_secret !== undefined) patch.apiSecret = input.api_secret;
  return patch;
}

/** A mismatching `farm_name` means the agent was configured for another farm. */
export function checkFarmName(given: string | null | undefined, ours: string | null): void {
  if (given === undefined || given === null) return;
  if (given !== (ours ?? '')) {
    throw new ValidationError(
      `Wrong farm name: the agent belongs to ${JSON.stringify(given)}, this master serves ${JSON.stringify(ours ?? '')}`,
      { field: 'farm_name', value: given },
    );
  }
}

/** Valid addresses lower-cased and sorted; invalid ones are dropped, as PyFarm did. */
export function normalizeMacAddresses(addresses: readonly string[]): string[] {
  const valid = new Set<string>();
  for (const address of addresses) {
    try {
      valid.add(checkMacAddress(address));
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
    }
  }
  return [...valid].sort();
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  const x = [...new Set(a)].sort();
  const y = [...new Set(b)].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function sameDisks(a: readonly AgentDisk[], b: readonly AgentDisk[]): boolean {
  const key = (disks: readonly AgentDisk[]) =>
    JSON.stringify(
      [...disks]
        .map((d) => [d.mountpoint, d.size, d.free])
        .sort((p, q) => (p[0]! < q[0]! ? -1 : p[0]! > q[0]! ? 1 : 0)),
    );
  return key(a) === key(b);
}

/** Replaces the inventory the body carries where it differs from the stored one. */
export async function syncInventory(
  trx: Kysely<Database>,
  agentId: string,
  input: Pick<UpdateAgentBody, 'mac_addresses' | 'gpus' | 'disks'>,
): Promise<void> {
  if (input.mac_addresses !== undefined) {
    const macs = normalizeMacAddresses(input.mac_addresses);
    if (!sameStrings(macs, await listAgentMacAddresses(trx, agentId))) {
      await setAgentMacAddresses(trx, agentId, macs);
    }
  }
  if (input.gpus !== undefined && !sameStrings(input.gpus, await listAgentGpus(trx, agentId))) {
    await setAgentGpus(trx, agentId, input.gpus);
  }
  if (input.disks !== undefined && !sameDisks(input.disks, await listAgentDisks(trx, agentId))) {
    await setAgentDisks(trx, agentId, input.disks);
  }
}

/**
 * The agent's address when the body names none: the request's source. IPv4-mapped IPv6 is unwrapped and
 * `::1` is loopback; other IPv6 sources cannot be stored (agents are reached over IPv4), which is fine
 * only for agents reached by host name or never reached (passive).
 */
export function remoteIpFromConnection(
  address: string,
  useAddress: UpdateAgentBody['use_address'],
  limits: ModelLimits,
): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  const ipv4 = mapped ? mapped[1]! : address === '::1' ? '127.0.0.1' : address;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(ipv4)) {
    try {
      return checkRemoteIp(ipv4, limits);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      throw new ValidationError(
        `remote_ip: the agent connects from ${ipv4}, which ${err.message.replace(/^remote_ip: /, '').replace(/ \(got .*\)$/, '')}; ` +
          'send remote_ip' +
          (ipv4.startsWith('127.') ? ' or start the master with --allow-agent-loopback-addresses' : ''),
        { field: 'remote_ip', value: ipv4 },
      );
    }
  }
  const use = useAddress === undefined ? undefined : UseAgentAddress.find(useAddress);
  if (use === UseAgentAddress.values.HOSTNAME || use === UseAgentAddress.values.PASSIVE) return null;
  throw new ValidationError(
    `remote_ip: the agent connects over IPv6 (${address}); send remote_ip (IPv4) or use_address "hostname"`,
    { field: 'remote_ip', value: address },
  );
}
