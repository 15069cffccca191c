/**
 * The inventory of a newly registered agent, written with as few statements as possible: registration is
 * the hot path of a farm starting up (thousands of agents within a minute), and a new agent has nothing
 * to replace, so there are no existence checks, deletes or read-backs as in the `set*` functions of
 * agent-associations.repository.ts. Call inside the transaction that created the agent.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '../database.js';
import { insertIgnoringConflicts } from '../inserts.js';
import { checkMacAddress } from '../rules/agent-rules.js';
import { checkInteger, checkString, invalid } from '../rules/field-rules.js';
import type { AgentDisk } from './agent-associations.repository.js';

export interface NewAgentInventory {
  macAddresses?: readonly string[];
  /** GPU model names; unknown models are created. */
  gpus?: readonly string[];
  disks?: readonly AgentDisk[];
}

export async function insertAgentInventory(
  trx: Kysely<Database>,
  agentId: string,
  inventory: NewAgentInventory,
): Promise<void> {
  const id = agentId.toLowerCase();
  const macs = [
    ...new Set((inventory.macAddresses ?? []).map((m, i) => checkMacAddress(m, `mac_addresses[${i}]`))),
  ];
  const gpus = [
    ...new Set((inventory.gpus ?? []).map((name, i) => checkString(`gpus[${i}]`, name, { maxLength: 128 }))),
  ];
  const disks = (inventory.disks ?? []).map((disk, i) => {
    if (typeof disk !== 'object' || disk === null) throw invalid(`disks[${i}]`, disk, 'must be an object');
    const bytes = { min: 0, max: Number.MAX_SAFE_INTEGER };
    return {
      agent_id: id,
      mountpoint: checkString(`disks[${i}].mountpoint`, disk.mountpoint, { maxLength: 255 }),
      size: checkInteger(`disks[${i}].size`, disk.size, bytes),
      free: checkInteger(`disks[${i}].free`, disk.free, bytes),
    };
  });
  if (macs.length > 0) {
    await trx
      .insertInto('agent_mac_addresses')
      .values(macs.map((mac_address) => ({ agent_id: id, mac_address })))
      .execute();
  }
  if (gpus.length > 0) {
    await insertIgnoringConflicts(
      trx,
      'gpus',
      gpus.map((fullname) => ({ fullname })),
      ['fullname'],
    );
    await trx
      .insertInto('gpu_agent_associations')
      .columns(['gpu_id', 'agent_id'])
      .expression((eb) =>
        eb
          .selectFrom('gpus')
          .select(['gpus.id', sql<string>`cast(${id} as char(36))`.as('agent_id')])
          .where('gpus.fullname', 'in', gpus),
      )
      .execute();
  }
  if (disks.length > 0) await trx.insertInto('agent_disks').values(disks).execute();
}

/** Links the agent to every software version flagged `default`, in one statement. */
export async function attachDefaultSoftware(trx: Kysely<Database>, agentId: string): Promise<void> {
  const id = agentId.toLowerCase();
  await trx
    .insertInto('agent_software_version_associations')
    .columns(['agent_id', 'software_version_id'])
    .expression((eb) =>
      eb
        .selectFrom('software_versions')
        .select([sql<string>`cast(${id} as char(36))`.as('agent_id'), 'software_versions.id'])
        .where('software_versions.default', '=', true),
    )
    .execute();
}
