/**
 * Tags: create-or-get, replace (PUT: name and every link), delete, and tagging agents. Agents whose tags
 * change get `agent.changed` (tags decide which jobs they may run), jobs whose tags or requirements
 * change get `job.changed`.
 */
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { addAgentTag } from '../../db/agents/agent-associations.repository.js';
import { getAgent, listAgents, type Agent } from '../../db/agents/agent.repository.js';
import type { Database } from '../../db/database.js';
import type { ModelLimits } from '../../db/rules/model-limits.js';
import { listJobIdsRequiringTag, listTagLinks, type TagLinks } from '../../db/tags/tag-links.repository.js';
import {
  checkTagName,
  deleteTag,
  findOrCreateTags,
  findTag,
  listTagAgentIds,
  renameTag,
  setTagAgents,
  setTagJobs,
  type Tag,
  type TagKey,
} from '../../db/tags/tag.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { MasterContext } from '../context.js';
import type { FarmEvent } from '../events/farm-events.js';

/** Tag ids are 32-bit: a larger number in a URL names no tag (rather than a database range error). */
const MAX_TAG_ID = 2_147_483_647;

/** A name no tag can have (too long, NUL, ...) names no tag either; it is not looked up. */
async function lookupTag(db: Kysely<Database>, key: TagKey, limits: ModelLimits): Promise<Tag | undefined> {
  if (typeof key === 'number' && key > MAX_TAG_ID) return undefined;
  if (typeof key === 'string') {
    try {
      checkTagName(key, limits);
    } catch (err) {
      if (err instanceof ValidationError) return undefined;
      throw err;
    }
  }
  return findTag(db, key);
}

async function requireTag(db: Kysely<Database>, key: TagKey, limits: ModelLimits): Promise<Tag> {
  const tag = await lookupTag(db, key, limits);
  if (!tag) throw new NotFoundError('tag', key);
  return tag;
}

export interface TagWithLinks extends TagLinks {
  tag: Tag;
}

/** The tag named `name`, created when missing. */
export async function createOrGetTag(
  ctx: MasterContext,
  name: string,
): Promise<{ tag: Tag; created: boolean }> {
  checkTagName(name, ctx.limits);
  return transaction(ctx.db, async (trx) => {
    const existing = await findTag(trx, name);
    if (existing) return { tag: existing, created: false };
    const [tag] = await findOrCreateTags(trx, [name], { limits: ctx.limits });
    return { tag: tag!, created: true };
  });
}

export async function getTagWithLinks(ctx: MasterContext, key: TagKey): Promise<TagWithLinks> {
  const tag = await requireTag(ctx.db, key, ctx.limits);
  const links = (await listTagLinks(ctx.db, [tag.id])).get(tag.id) ?? { agents: [], jobs: [] };
  return { tag, ...links };
}

export interface TagReplacement {
  tag?: string;
  agents?: readonly string[];
  jobs?: readonly number[];
}

/**
 * PUT /tags/<x>: the tag as described, links not listed removed (PyFarm's semantics). A name in the URL
 * creates the tag when missing and must match the body's name; an id must exist, and the body may rename it.
 */
export async function replaceTag(
  ctx: MasterContext,
  key: TagKey,
  input: TagReplacement,
): Promise<TagWithLinks> {
  if (typeof key === 'string' && input.tag !== undefined && input.tag !== key) {
    throw new ValidationError(
      `tag: ${JSON.stringify(input.tag)} does not match the URL (${JSON.stringify(key)})`,
      {
        field: 'tag',
        value: input.tag,
      },
    );
  }
  const agents = [...new Set((input.agents ?? []).map((id) => id.toLowerCase()))].sort();
  const jobs = [...new Set(input.jobs ?? [])].sort((a, b) => a - b);
  const { events, ...result } = await transaction(ctx.db, async (trx) => {
    const events: FarmEvent[] = [];
    let tag: Tag;
    if (typeof key === 'number') {
      tag = await requireTag(trx, key, ctx.limits);
      if (input.tag !== undefined && input.tag !== tag.tag)
        tag = await renameTag(trx, tag.id, input.tag, { limits: ctx.limits });
    } else {
      checkTagName(key, ctx.limits);
      tag = (await findTag(trx, key)) ?? (await findOrCreateTags(trx, [key], { limits: ctx.limits }))[0]!;
    }
    const before = (await listTagLinks(trx, [tag.id])).get(tag.id) ?? { agents: [], jobs: [] };
    await setTagAgents(trx, tag.id, agents);
    await setTagJobs(trx, tag.id, jobs);
    for (const agentId of symmetricDifference(before.agents, agents))
      events.push({ type: 'agent.changed', agentId });
    for (const jobId of symmetricDifference(before.jobs, jobs)) events.push({ type: 'job.changed', jobId });
    return { tag, agents, jobs, events };
  });
  for (const event of events) ctx.events.emit(event);
  return result;
}

/** Deletes the tag with its links, requirements and path maps; fine when it does not exist. */
export async function removeTag(ctx: MasterContext, key: TagKey): Promise<void> {
  const events = await transaction(ctx.db, async (trx) => {
    const events: FarmEvent[] = [];
    const tag = await lookupTag(trx, key, ctx.limits);
    if (!tag) return events;
    const links = (await listTagLinks(trx, [tag.id])).get(tag.id) ?? { agents: [], jobs: [] };
    const requiring = await listJobIdsRequiringTag(trx, tag.id);
    await deleteTag(trx, tag.id);
    for (const agentId of links.agents) events.push({ type: 'agent.changed', agentId });
    for (const jobId of new Set([...links.jobs, ...requiring])) events.push({ type: 'job.changed', jobId });
    return events;
  });
  for (const event of events) ctx.events.emit(event);
}

/** Tags an agent; `created` is false when it already had the tag. */
export async function tagAgent(
  ctx: MasterContext,
  key: TagKey,
  agentId: string,
): Promise<{ agentId: string; created: boolean }> {
  const result = await transaction(ctx.db, async (trx) => {
    const tag = await requireTag(trx, key, ctx.limits);
    const agent = await getAgent(trx, agentId);
    return { agentId: agent.id, created: await addAgentTag(trx, agent.id, tag.id) };
  });
  if (result.created) ctx.events.emit({ type: 'agent.changed', agentId: result.agentId });
  return result;
}

/** The agents carrying the tag. */
export async function listAgentsOfTag(ctx: MasterContext, key: TagKey): Promise<Agent[]> {
  const tag = await requireTag(ctx.db, key, ctx.limits);
  return listAgents(ctx.db, { ids: await listTagAgentIds(ctx.db, tag.id) });
}

function symmetricDifference<T>(a: readonly T[], b: readonly T[]): T[] {
  const left = new Set(a);
  const right = new Set(b);
  return [...a.filter((x) => !right.has(x)), ...b.filter((x) => !left.has(x))];
}
