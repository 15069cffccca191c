/**
 * `GET /api/v1/pathmaps/?for_agent=<uuid>`: the path maps that apply to one agent — the untagged ones and
 * those whose tag the agent carries. A tagged map wins over an untagged one for the same path.
 */
import Type, { type Static } from 'typebox';

export const PathMapSchema = Type.Object(
  {
    id: Type.Integer(),
    path_linux: Type.String(),
    path_windows: Type.String(),
    path_osx: Type.String(),
    tag: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  },
  { additionalProperties: true },
);
export type PathMap = Static<typeof PathMapSchema>;

export const PathMapListSchema = Type.Array(PathMapSchema);
