/**
 * `GET /api/v1/jobtypes/<name>/versions/<n>` as an agent reads it: the code of one job type version. `code`
 * is a JavaScript ES module that imports `drover/jobtype` and exports the class named `classname` (or a
 * default export when `classname` is null). Other fields of the master's answer are ignored.
 */
import Type, { type Static } from 'typebox';

export const JobTypeCodeSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    version: Type.Integer({ minimum: 1 }),
    code: Type.String({ minLength: 1 }),
    classname: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
  },
  { additionalProperties: true },
);
export type JobTypeCode = Static<typeof JobTypeCodeSchema>;

/** `GET /api/v1/software/<s>/versions/<v>` as read for `check_software`. */
export const SoftwareVersionSchema = Type.Object(
  {
    version: Type.String(),
    discovery_function_name: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
  },
  { additionalProperties: true },
);
export type SoftwareVersion = Static<typeof SoftwareVersionSchema>;
