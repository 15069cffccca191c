/**
 * Path maps. A tag named in a body is created when missing (as PyFarm did), in the same transaction as the
 * map. For one agent the list holds the untagged maps and those of the agent's tags, the tagged ones first:
 * an agent applies the first map whose prefix matches, so a tag-specific map wins over a general one.
 */
import { NotFoundError, ValidationError } from '../../core/errors.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import {
  createPathMap,
  deletePathMap,
  listPathMaps,
  updatePathMap,
  type PathMap,
  type PathMapFields,
} from '../../db/pathmaps/path-map.repository.js';
import { findOrCreateTags } from '../../db/tags/tag.repository.js';
import { transaction } from '../../db/transaction.js';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { CreatePathMapBody, UpdatePathMapBody } from '../../api/schemas/pathmaps.js';
import type { MasterContext } from '../context.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listPathMapsFor(ctx: MasterContext, forAgent: string | undefined): Promise<PathMap[]> {
  if (forAgent === undefined) return listPathMaps(ctx.db);
  if (!UUID.test(forAgent)) {
    throw new ValidationError(`for_agent: ${JSON.stringify(forAgent.slice(0, 64))} is not an agent id`, {
      field: 'for_agent',
      value: forAgent,
    });
  }
  const agent = await findAgent(ctx.db, forAgent);
  if (!agent) throw new NotFoundError('agent', forAgent);
  const maps = await listPathMaps(ctx.db, { forAgent: agent.id });
  return [...maps.filter((m) => m.tagId !== null), ...maps.filter((m) => m.tagId === null)];
}

export async function addPathMap(ctx: MasterContext, body: CreatePathMapBody): Promise<PathMap> {
  return transaction(ctx.db, async (trx) =>
    createPathMap(trx, {
      pathLinux: body.path_linux,
      pathWindows: body.path_windows,
      pathOsx: body.path_osx,
      tagId: await tagIdOf(trx, ctx, body.tag),
    }),
  );
}

export async function changePathMap(
  ctx: MasterContext,
  id: number,
  body: UpdatePathMapBody,
): Promise<PathMap> {
  return transaction(ctx.db, async (trx) => {
    const patch: PathMapFields = {};
    if (body.path_linux !== undefined) patch.pathLinux = body.path_linux;
    if (body.path_windows !== undefined) patch.pathWindows = body.path_windows;
    if (body.path_osx !== undefined) patch.pathOsx = body.path_osx;
    if (body.tag !== undefined) patch.tagId = await tagIdOf(trx, ctx, body.tag);
    return updatePathMap(trx, id, patch);
  });
}

export async function removePathMap(ctx: MasterContext, id: number): Promise<void> {
  await deletePathMap(ctx.db, id);
}

async function tagIdOf(
  trx: Kysely<Database>,
  ctx: MasterContext,
  name: string | null | undefined,
): Promise<number | null> {
  if (name === undefined || name === null) return null;
  const [tag] = await findOrCreateTags(trx, [name], { limits: ctx.limits });
  return tag!.id;
}
