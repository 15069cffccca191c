/** `/pathmaps/`: list (all, or those for one agent), create, one map (read, partial update, delete), schema. */
import Type from 'typebox';
import { errors } from '../../api/schemas/common.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import {
  CreatePathMapBody,
  PathMapIndexQuery,
  PathMapParams,
  PathMapView,
  UpdatePathMapBody,
} from '../../api/schemas/pathmaps.js';
import { getPathMap } from '../../db/pathmaps/path-map.repository.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { addPathMap, changePathMap, listPathMapsFor, removePathMap } from './path-map.service.js';
import { pathMapColumnTypes, pathMapView } from './path-map.view.js';

const tags = ['pathmaps'];
const managers = { roles: ['wrangler'] } as const;

export function pathMapRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/pathmaps/schema',
      {
        schema: {
          tags,
          summary: 'The path map columns and their SQL types',
          response: { 200: TableSchema, ...errors },
        },
      },
      async () => pathMapColumnTypes(ctx.limits.maxTagLength),
    );

    app.get(
      '/pathmaps/',
      {
        schema: {
          tags,
          summary: 'List path maps; with for_agent, those that apply to the agent (tagged ones first)',
          querystring: PathMapIndexQuery,
          response: { 200: Type.Array(PathMapView), ...errors },
        },
      },
      async (req) => (await listPathMapsFor(ctx, req.query.for_agent)).map(pathMapView),
    );

    app.post(
      '/pathmaps/',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Create a path map (a missing tag is created)',
          body: CreatePathMapBody,
          response: { 201: PathMapView, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(pathMapView(await addPathMap(ctx, req.body))),
    );

    app.get(
      '/pathmaps/:pathmap_id',
      {
        schema: {
          tags,
          summary: 'One path map',
          params: PathMapParams,
          response: { 200: PathMapView, ...errors },
        },
      },
      async (req) => pathMapView(await getPathMap(ctx.db, req.params.pathmap_id)),
    );

    app.post(
      '/pathmaps/:pathmap_id',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Change a path map (only the given fields; tag null removes the restriction)',
          params: PathMapParams,
          body: UpdatePathMapBody,
          response: { 200: PathMapView, ...errors },
        },
      },
      async (req) => pathMapView(await changePathMap(ctx, req.params.pathmap_id, req.body)),
    );

    app.delete(
      '/pathmaps/:pathmap_id',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Delete a path map (fine when it does not exist)',
          params: PathMapParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removePathMap(ctx, req.params.pathmap_id);
        return reply.status(204).send(null);
      },
    );
  };
}
