/**
 * Tags: create-or-get, replace (PUT: name and every link), delete, and tagging agents. Agents whose tags
 * change get `agent.changed` (tags decide which jobs they may run), jobs whose tags or requirements
 * change get `job.changed`.
 */
import { ValidationError } from '../../core/errors.js';
import { addAgentTag } from '../../db/agents/agent-associations.repository.js';
import { getAgent } from '../../db/agents/agent.repository.js';
import { listJobIdsRequiringTag, listTagLinks, type TagLinks } from '../../db/tags/tag-links.repository.js';
import {
  deleteTag,
  findOrCreateTags,
  findTag,
  getTag,
  renameTag,
  setTagAgents,
  setTagJobs,
  type Tag,
  type TagKey,
} from '../../db/tags/tag.repository.js';
import { transaction } from '../../db/transaction.js';
import type { MasterContext } from '../context.js';
import type { FarmEvent } from '../events/farm-events.js';

export interface TagWithLinks extends TagLinks {
  tag: Tag;
}

/** The tag named `name`, created when missing. */
export async function createOrGetTag(
  ctx: MasterContext,
  name: string,
): Promise<{ tag: Tag; created: boolean }> {
  return transaction(ctx.db, async (trx) => {
    const existing = await findTag(trx, name);
    if (existing) return { tag: existing, created: false };
    const [tag] = await findOrCreateTags(trx, [name], { limits: ctx.limits });
    return { tag: tag!, created: true };
  });
}

export async function getTagWithLinks(ctx: MasterContext, key: TagKey): Promise<TagWithLinks> {
  const tag = await getTag(ctx.db, key);
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
  const events: FarmEvent[] = [];
  const result = await transaction(ctx.db, async (trx) => {
    let tag: Tag;
    if (typeof key === 'number') {
      tag = await getTag(trx, key);
      if (input.tag !== undefined && input.tag !== tag.tag)
        tag = await renameTag(trx, tag.id, input.tag, { limits: ctx.limits });
    } else {
      tag = (await findTag(trx, key)) ?? (await findOrCreateTags(trx, [key], { limits: ctx.limits }))[0]!;
    }
    const before = (await listTagLinks(trx, [tag.id])).get(tag.id) ?? { agents: [], jobs: [] };
    await setTagAgents(trx, tag.id, agents);
    await setTagJobs(trx, tag.id, jobs);
    for (const agentId of symmetricDifference(before.agents, agents))
      events.push({ type: 'agent.changed', agentId });
    for (const jobId of symmetricDifference(before.jobs, jobs)) events.push({ type: 'job.changed', jobId });
    return { tag, agents, jobs };
  });
  for (const event of events) ctx.events.emit(event);
  return result;
}

/** Deletes the tag with its links, requirements and path maps; fine when it does not exist. */
export async function removeTag(ctx: MasterContext, key: TagKey): Promise<void> {
  const events: FarmEvent[] = [];
  await transaction(ctx.db, async (trx) => {
    const tag = await findTag(trx, key);
    if (!tag) return;
    const links = (await listTagLinks(trx, [tag.id])).get(tag.id) ?? { agents: [], jobs: [] };
    const requiring = await listJobIdsRequiringTag(trx, tag.id);
    await deleteTag(trx, tag.id);
    for (const agentId of links.agents) events.push({ type: 'agent.changed', agentId });
    for (const jobId of new Set([...links.jobs, ...requiring])) events.push({ type: 'job.changed', jobId });
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
    const tag = await getTag(trx, key);
    const agent = await getAgent(trx, agentId);
    return { agentId: agent.id, created: await addAgentTag(trx, agent.id, tag.id) };
  });
  if (result.created) ctx.events.emit({ type: 'agent.changed', agentId: result.agentId });
  return result;
}

function symmetricDifference<T>(a: readonly T[], b: readonly T[]): T[] {
  const left = new Set(a);
  const right = new Set(b);
  return [...a.filter((x) => !right.has(x)), ...b.filter((x) => !left.has(x))];
}
