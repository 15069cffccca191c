/** Bodies of the agent's own REST API (spec §5) other than `/assign`. */
import Type, { type Static } from 'typebox';

export const StopRequestSchema = Type.Object(
  { wait: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type StopRequest = Static<typeof StopRequestSchema>;

export const RestartRequestSchema = Type.Object(
  { immediately: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export type RestartRequest = Static<typeof RestartRequestSchema>;

export const UpdateRequestSchema = Type.Object(
  {
    version: Type.String({
      pattern: '^\\d+(\\.\\d+(\\.\\d+)?)?(-pre\\d?|-dev\\d?|-rc?\\d?|-alpha\\d?|-beta\\d?)?$',
    }),
  },
  { additionalProperties: false },
);
export type UpdateRequest = Static<typeof UpdateRequestSchema>;

export const CheckSoftwareRequestSchema = Type.Object(
  { software: Type.String({ minLength: 1 }), version: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type CheckSoftwareRequest = Static<typeof CheckSoftwareRequestSchema>;
