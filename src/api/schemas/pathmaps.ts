/**
 * Path maps: equivalent path prefixes on Linux, Windows and macOS. A map with a tag applies to the agents
 * carrying that tag (and is meant to win over an untagged map of the same path); one without applies to all.
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const PathPrefix = Type.String({ minLength: 1 });

export const PathMapView = Type.Object({
  id: Type.Integer(),
  path_linux: Type.String(),
  path_windows: Type.String(),
  path_osx: Type.String(),
  tag: Nullable(Type.String()),
});
export type PathMapView = Static<typeof PathMapView>;

export const CreatePathMapBody = Type.Object(
  {
    path_linux: PathPrefix,
    path_windows: PathPrefix,
    path_osx: PathPrefix,
    tag: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Null()], {
        description: 'restrict the map to agents with this tag (created when missing)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePathMapBody = Static<typeof CreatePathMapBody>;

export const UpdatePathMapBody = Type.Partial(CreatePathMapBody, { additionalProperties: false });
export type UpdatePathMapBody = Static<typeof UpdatePathMapBody>;

export const PathMapParams = Type.Object({ pathmap_id: Type.Integer({ minimum: 1, maximum: 2147483647 }) });

export const PathMapIndexQuery = Type.Object({
  for_agent: Type.Optional(
    Type.String({ description: 'an agent id: only the maps that apply to it, tagged ones first' }),
  ),
});
