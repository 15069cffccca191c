/**
 * Path maps translate paths between operating systems. A map with a tag applies to agents carrying that
 * tag; a map without one applies to every agent (tagged maps are meant to win; the agent decides).
 */
import type { Kysely, Selectable } from 'kysely';
import { NotFoundError } from '../../core/errors.js';
import type { Database, PathMapsTable } from '../database.js';
import { requireExisting } from '../existence.js';
import { insertReturningId } from '../inserts.js';
import { checkInteger, checkRequired, checkString, nullable } from '../rules/field-rules.js';
import { transaction } from '../transaction.js';

export interface PathMap {
  readonly id: number;
  readonly pathLinux: string;
  readonly pathWindows: string;
  readonly pathOsx: string;
  readonly tagId: number | null;
  /** The tag's name, null for an untagged map. */
  readonly tag: string | null;
}

export interface PathMapFields {
  pathLinux?: string;
  pathWindows?: string;
  pathOsx?: string;
  tagId?: number | null;
}

export async function createPathMap(
  db: Kysely<Database>,
  input: PathMapFields & { pathLinux: string; pathWindows: string; pathOsx: string },
): Promise<PathMap> {
  checkRequired(input, ['pathLinux', 'pathWindows', 'pathOsx'], {
    pathLinux: 'path_linux',
    pathWindows: 'path_windows',
    pathOsx: 'path_osx',
  });
  const values = checkPathMapFields(input);
  return transaction(db, async (trx) => {
    if (values.tag_id != null) await requireExisting(trx, 'tags', [values.tag_id]);
    const id = await insertReturningId(trx, 'path_maps', {
      path_linux: values.path_linux!,
      path_windows: values.path_windows!,
      path_osx: values.path_osx!,
      tag_id: values.tag_id ?? null,
    });
    return getPathMap(trx, id);
  });
}

export async function findPathMap(db: Kysely<Database>, id: number): Promise<PathMap | undefined> {
  const row = await selectPathMaps(db).where('path_maps.id', '=', id).executeTakeFirst();
  return row && toPathMap(row);
}

export async function getPathMap(db: Kysely<Database>, id: number): Promise<PathMap> {
  const map = await findPathMap(db, id);
  if (!map) throw new NotFoundError('path map', id);
  return map;
}

/** All maps, or with `forAgent` the untagged maps plus those whose tag the agent has. */
export async function listPathMaps(
  db: Kysely<Database>,
  filter: { forAgent?: string } = {},
): Promise<PathMap[]> {
  let query = selectPathMaps(db).orderBy('path_maps.id');
  const agentId = filter.forAgent?.toLowerCase();
  if (agentId !== undefined) {
    query = query.where((eb) =>
      eb.or([
        eb('path_maps.tag_id', 'is', null),
        eb(
          'path_maps.tag_id',
          'in',
          eb.selectFrom('agent_tag_associations').select('tag_id').where('agent_id', '=', agentId),
        ),
      ]),
    );
  }
  return (await query.execute()).map(toPathMap);
}

export async function updatePathMap(
  db: Kysely<Database>,
  id: number,
  patch: PathMapFields,
): Promise<PathMap> {
  const values = checkPathMapFields(patch);
  return transaction(db, async (trx) => {
    await getPathMap(trx, id);
    if (values.tag_id != null) await requireExisting(trx, 'tags', [values.tag_id]);
    if (Object.keys(values).length > 0)
      await trx.updateTable('path_maps').set(values).where('id', '=', id).execute();
    return getPathMap(trx, id);
  });
}

export async function deletePathMap(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.deleteFrom('path_maps').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

function selectPathMaps(db: Kysely<Database>) {
  return db
    .selectFrom('path_maps')
    .leftJoin('tags', 'tags.id', 'path_maps.tag_id')
    .select(['path_maps.id', 'path_linux', 'path_windows', 'path_osx', 'path_maps.tag_id', 'tags.tag']);
}

function checkPathMapFields(input: PathMapFields): Partial<Omit<Selectable<PathMapsTable>, 'id'>> {
  const values: Partial<Omit<Selectable<PathMapsTable>, 'id'>> = {};
  if (input.pathLinux !== undefined)
    values.path_linux = checkString('path_linux', input.pathLinux, { maxLength: 512 });
  if (input.pathWindows !== undefined)
    values.path_windows = checkString('path_windows', input.pathWindows, { maxLength: 512 });
  if (input.pathOsx !== undefined)
    values.path_osx = checkString('path_osx', input.pathOsx, { maxLength: 512 });
  if (input.tagId !== undefined)
    values.tag_id = nullable(input.tagId, (v) => checkInteger('tag_id', v, { min: 1 }));
  return values;
}

function toPathMap(row: Selectable<PathMapsTable> & { tag: string | null }): PathMap {
  return {
    id: row.id,
    pathLinux: row.path_linux,
    pathWindows: row.path_windows,
    pathOsx: row.path_osx,
    tagId: row.tag_id,
    tag: row.tag,
  };
}
