/**
 * What an agent reports about itself besides its columns — MAC addresses, GPUs, disks — and what it is
 * given: tags and software versions. `set*` replaces the whole list in one transaction (an agent sends its
 * full inventory at every registration); `add*`/`remove*` change one link and say whether anything changed.
 */
import type { Kysely } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database } from '../database.js';
import { requireExisting } from '../existence.js';
import { insertIgnoringConflicts } from '../inserts.js';
import { checkMacAddress } from '../rules/agent-rules.js';
import { checkInteger, checkString, invalid } from '../rules/field-rules.js';
import { findOrCreateTags, type Tag } from '../tags/tag.repository.js';
import { transaction } from '../transaction.js';
import type { WriteOptions } from '../write-options.js';

export interface AgentDisk {
  readonly mountpoint: string;
  /** Bytes. */
  readonly size: number;
  readonly free: number;
}

export interface AgentSoftwareVersion {
  readonly softwareId: number;
  readonly software: string;
  readonly versionId: number;
  readonly version: string;
  readonly rank: number;
}

// --- MAC addresses ----------------------------------------------------------------------------------

/** Lower-case `aa:bb:cc:dd:ee:ff`, sorted. */
export async function listAgentMacAddresses(db: Kysely<Database>, agentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('agent_mac_addresses')
    .select('mac_address')
    .where('agent_id', '=', agentId.toLowerCase())
    .orderBy('mac_address')
    .execute();
  return rows.map((row) => row.mac_address);
}

export async function setAgentMacAddresses(
  db: Kysely<Database>,
  agentId: string,
  macs: readonly string[],
): Promise<void> {
  const normalized = [...new Set(macs.map((mac, i) => checkMacAddress(mac, `mac_addresses[${i}]`)))];
  await replaceLinks(db, agentId, async (trx, id) => {
    await trx.deleteFrom('agent_mac_addresses').where('agent_id', '=', id).execute();
    if (normalized.length > 0) {
      await trx
        .insertInto('agent_mac_addresses')
        .values(normalized.map((mac_address) => ({ agent_id: id, mac_address })))
        .execute();
    }
  });
}

// --- GPUs -------------------------------------------------------------------------------------------

/** Full names of the agent's GPUs, sorted. */
export async function listAgentGpus(db: Kysely<Database>, agentId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('gpu_agent_associations')
    .innerJoin('gpus', 'gpus.id', 'gpu_agent_associations.gpu_id')
    .select('gpus.fullname')
    .where('gpu_agent_associations.agent_id', '=', agentId.toLowerCase())
    .orderBy('gpus.fullname')
    .execute();
  return rows.map((row) => row.fullname);
}

/** Links the agent to exactly these GPU models (by full name), creating unknown models. */
export async function setAgentGpus(
  db: Kysely<Database>,
  agentId: string,
  fullnames: readonly string[],
): Promise<void> {
  const names = [...new Set(fullnames.map((name, i) => checkString(`gpus[${i}]`, name, { maxLength: 128 })))];
  await replaceLinks(db, agentId, async (trx, id) => {
    await trx.deleteFrom('gpu_agent_associations').where('agent_id', '=', id).execute();
    if (names.length === 0) return;
    await insertIgnoringConflicts(
      trx,
      'gpus',
      names.map((fullname) => ({ fullname })),
      ['fullname'],
    );
    const gpus = await trx.selectFrom('gpus').select('id').where('fullname', 'in', names).execute();
    await trx
      .insertInto('gpu_agent_associations')
      .values(gpus.map((gpu) => ({ gpu_id: gpu.id, agent_id: id })))
      .execute();
  });
}

// --- disks ------------------------------------------------------------------------------------------

export async function listAgentDisks(db: Kysely<Database>, agentId: string): Promise<AgentDisk[]> {
  return db
    .selectFrom('agent_disks')
    .select(['mountpoint', 'size', 'free'])
    .where('agent_id', '=', agentId.toLowerCase())
    .orderBy('mountpoint')
    .execute();
}

export async function setAgentDisks(
  db: Kysely<Database>,
  agentId: string,
  disks: readonly AgentDisk[],
): Promise<void> {
  const checked = disks.map((disk, i) => {
    if (typeof disk !== 'object' || disk === null) throw invalid(`disks[${i}]`, disk, 'must be an object');
    const bytes = { min: 0, max: Number.MAX_SAFE_INTEGER };
    return {
      mountpoint: checkString(`disks[${i}].mountpoint`, disk.mountpoint, { maxLength: 255 }),
      size: checkInteger(`disks[${i}].size`, disk.size, bytes),
      free: checkInteger(`disks[${i}].free`, disk.free, bytes),
    };
  });
  await replaceLinks(db, agentId, async (trx, id) => {
    await trx.deleteFrom('agent_disks').where('agent_id', '=', id).execute();
    if (checked.length > 0) {
      await trx
        .insertInto('agent_disks')
        .values(checked.map((disk) => ({ agent_id: id, ...disk })))
        .execute();
    }
  });
}

// --- tags -------------------------------------------------------------------------------------------

export async function listAgentTags(db: Kysely<Database>, agentId: string): Promise<Tag[]> {
  return (await listTagsOfAgents(db, [agentId])).get(agentId.toLowerCase()) ?? [];
}

/** Tags of many agents at once (agents without tags are absent from the map). */
export async function listTagsOfAgents(
  db: Kysely<Database>,
  agentIds: readonly string[],
): Promise<Map<string, Tag[]>> {
  const result = new Map<string, Tag[]>();
  if (agentIds.length === 0) return result;
  const rows = await db
    .selectFrom('agent_tag_associations')
    .innerJoin('tags', 'tags.id', 'agent_tag_associations.tag_id')
    .select(['agent_tag_associations.agent_id', 'tags.id', 'tags.tag'])
    .where(
      'agent_tag_associations.agent_id',
      'in',
      agentIds.map((id) => id.toLowerCase()),
    )
    .orderBy('tags.tag')
    .execute();
  for (const row of rows) {
    const list = result.get(row.agent_id) ?? [];
    list.push({ id: row.id, tag: row.tag });
    result.set(row.agent_id, list);
  }
  return result;
}

/** Gives the agent exactly these tags (by name, created when missing). */
export async function setAgentTags(
  db: Kysely<Database>,
  agentId: string,
  names: readonly string[],
  options?: WriteOptions,
): Promise<Tag[]> {
  return replaceLinks(db, agentId, async (trx, id) => {
    const tags = await findOrCreateTags(trx, names, options);
    await trx.deleteFrom('agent_tag_associations').where('agent_id', '=', id).execute();
    if (tags.length > 0) {
      await trx
        .insertInto('agent_tag_associations')
        .values(tags.map((tag) => ({ agent_id: id, tag_id: tag.id })))
        .execute();
    }
    return tags;
  });
}

/** True when the link is new. */
export async function addAgentTag(db: Kysely<Database>, agentId: string, tagId: number): Promise<boolean> {
  return transaction(db, async (trx) => {
    const id = agentId.toLowerCase();
    await requireExisting(trx, 'agents', [id]);
    await requireExisting(trx, 'tags', [tagId]);
    const existing = await trx
      .selectFrom('agent_tag_associations')
      .select('tag_id')
      .where('agent_id', '=', id)
      .where('tag_id', '=', tagId)
      .executeTakeFirst();
    if (existing) return false;
    await trx.insertInto('agent_tag_associations').values({ agent_id: id, tag_id: tagId }).execute();
    return true;
  });
}

export async function removeAgentTag(db: Kysely<Database>, agentId: string, tagId: number): Promise<boolean> {
  const result = await db
    .deleteFrom('agent_tag_associations')
    .where('agent_id', '=', agentId.toLowerCase())
    .where('tag_id', '=', tagId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

// --- software versions ------------------------------------------------------------------------------

/** The agent's software versions, by software name then rank. */
export async function listAgentSoftwareVersions(
  db: Kysely<Database>,
  agentId: string,
): Promise<AgentSoftwareVersion[]> {
  return (await listSoftwareOfAgents(db, [agentId])).get(agentId.toLowerCase()) ?? [];
}

/** Software versions of many agents at once (agents without any are absent from the map). */
export async function listSoftwareOfAgents(
  db: Kysely<Database>,
  agentIds: readonly string[],
): Promise<Map<string, AgentSoftwareVersion[]>> {
  const result = new Map<string, AgentSoftwareVersion[]>();
  if (agentIds.length === 0) return result;
  const rows = await db
    .selectFrom('agent_software_version_associations as a')
    .innerJoin('software_versions as v', 'v.id', 'a.software_version_id')
    .innerJoin('software as s', 's.id', 'v.software_id')
    .select(['a.agent_id', 's.id as softwareId', 's.software', 'v.id as versionId', 'v.version', 'v.rank'])
    .where(
      'a.agent_id',
      'in',
      agentIds.map((id) => id.toLowerCase()),
    )
    .orderBy('s.software')
    .orderBy('v.rank')
    .execute();
  for (const { agent_id, ...version } of rows) {
    const list = result.get(agent_id) ?? [];
    list.push(version);
    result.set(agent_id, list);
  }
  return result;
}

/** Gives the agent exactly these software versions (by id; each must exist). */
export async function setAgentSoftwareVersions(
  db: Kysely<Database>,
  agentId: string,
  versionIds: readonly number[],
): Promise<void> {
  const ids = [...new Set(versionIds)];
  await replaceLinks(db, agentId, async (trx, id) => {
    await requireExisting(trx, 'software_versions', ids);
    await trx.deleteFrom('agent_software_version_associations').where('agent_id', '=', id).execute();
    if (ids.length > 0) {
      await trx
        .insertInto('agent_software_version_associations')
        .values(ids.map((software_version_id) => ({ agent_id: id, software_version_id })))
        .execute();
    }
  });
}

/** True when the link is new. */
export async function addAgentSoftwareVersion(
  db: Kysely<Database>,
  agentId: string,
  versionId: number,
): Promise<boolean> {
  return transaction(db, async (trx) => {
    const id = agentId.toLowerCase();
    await requireExisting(trx, 'agents', [id]);
    await requireExisting(trx, 'software_versions', [versionId]);
    const existing = await trx
      .selectFrom('agent_software_version_associations')
      .select('software_version_id')
      .where('agent_id', '=', id)
      .where('software_version_id', '=', versionId)
      .executeTakeFirst();
    if (existing) return false;
    await trx
      .insertInto('agent_software_version_associations')
      .values({ agent_id: id, software_version_id: versionId })
      .execute();
    return true;
  });
}

export async function removeAgentSoftwareVersion(
  db: Kysely<Database>,
  agentId: string,
  versionId: number,
): Promise<boolean> {
  const result = await db
    .deleteFrom('agent_software_version_associations')
    .where('agent_id', '=', agentId.toLowerCase())
    .where('software_version_id', '=', versionId)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** Runs `replace` in a transaction after checking that the agent exists. */
async function replaceLinks<T>(
  db: Kysely<Database>,
  agentId: string,
  replace: (trx: Kysely<Database>, id: string) => Promise<T>,
): Promise<T> {
  const id = agentId.toLowerCase();
  return transaction(db, async (trx) => {
    const agent = await trx.selectFrom('agents').select('id').where('id', '=', id).executeTakeFirst();
    if (!agent) throw new NotFoundError('agent', agentId);
    return replace(trx, id);
  });
}
