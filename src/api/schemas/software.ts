/**
 * Software and its ranked versions. Job and job type requirements bound a software by minimum and maximum
 * version, compared by rank; agents report which versions they have. A version may carry discovery code
 * (a JavaScript module whose named function tells an agent whether the version is installed).
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const SoftwareName = Type.String({ minLength: 1, maxLength: 64 });
const VersionName = Type.String({ minLength: 1, maxLength: 64 });
const Rank = Type.Integer({ minimum: -2147483648, maximum: 2147483647 });

const versionFields = {
  rank: Type.Optional(Rank),
  default: Type.Optional(Type.Boolean({ description: 'attach to newly registered agents' })),
  discovery_code: Type.Optional(Nullable(Type.String({ minLength: 1 }))),
  discovery_function_name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255 }))),
};

/** A new version; without a rank it becomes the newest (the highest rank + 100, a multiple of 100). */
export const SoftwareVersionInput = Type.Object(
  { version: VersionName, ...versionFields },
  { additionalProperties: false },
);
export type SoftwareVersionInput = Static<typeof SoftwareVersionInput>;

/** POST /software/ and PUT /software/<x>. */
export const SoftwareBody = Type.Object(
  { software: SoftwareName, versions: Type.Optional(Type.Array(SoftwareVersionInput, { maxItems: 10000 })) },
  { additionalProperties: false },
);
export type SoftwareBody = Static<typeof SoftwareBody>;

/** POST /software/<x>/versions/<v>: changes one version (Drover). */
export const UpdateSoftwareVersionBody = Type.Object(
  { version: Type.Optional(VersionName), ...versionFields },
  { additionalProperties: false },
);
export type UpdateSoftwareVersionBody = Static<typeof UpdateSoftwareVersionBody>;

export const SoftwareVersionView = Type.Object({
  id: Type.Integer(),
  version: Type.String(),
  rank: Type.Integer(),
  default: Type.Boolean(),
  discovery_function_name: Nullable(Type.String()),
});
export type SoftwareVersionView = Static<typeof SoftwareVersionView>;

export const SoftwareView = Type.Object({
  id: Type.Integer(),
  software: Type.String(),
  versions: Type.Array(SoftwareVersionView),
});
export type SoftwareView = Static<typeof SoftwareView>;

export const SoftwareParams = Type.Object({ software: Type.String({ minLength: 1, maxLength: 1024 }) });
export const SoftwareVersionParams = Type.Object({
  software: Type.String({ minLength: 1, maxLength: 1024 }),
  version: Type.String({ minLength: 1, maxLength: 1024 }),
});
