/**
 * Job types: a name plus numbered versions of JavaScript code that agents run. Each change of code or
 * software requirements makes a new version; jobs pin the version they were submitted with.
 */
import Type, { type Static } from 'typebox';
import { Nullable } from './common.js';

const JobTypeName = Type.String({ minLength: 1, maxLength: 64 });
const Template = Nullable(Type.String({ maxLength: 65535 }));

/** A requirement as clients send it: the software and optional bounds, named by version string. */
export const SoftwareRequirementInput = Type.Object(
  {
    software: Type.String({ minLength: 1, maxLength: 64 }),
    min_version: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
    max_version: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64 }))),
  },
  { additionalProperties: false },
);
export type SoftwareRequirementInput = Static<typeof SoftwareRequirementInput>;

/** The mail template overrides of a job type (Jinja-style text; null = the defaults). */
const templateFields = {
  success_subject: Type.Optional(Template),
  success_body: Type.Optional(Template),
  fail_subject: Type.Optional(Template),
  fail_body: Type.Optional(Template),
};

/** POST /jobtypes/ and PUT /jobtypes/<x>: a job type with its (first or next) version. */
export const JobTypeBody = Type.Object(
  {
    name: JobTypeName,
    code: Type.String({ minLength: 1, description: 'an ES module exporting the job type class' }),
    description: Type.Optional(Nullable(Type.String({ maxLength: 65535 }))),
    classname: Type.Optional(
      Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'null = the default export' })),
    ),
    max_batch: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, maximum: 2147483647, description: 'null = no limit' })),
    ),
    batch_contiguous: Type.Optional(Type.Boolean()),
    no_automatic_start_time: Type.Optional(Type.Boolean()),
    supports_tiling: Type.Optional(Type.Boolean()),
    software_requirements: Type.Optional(Type.Array(SoftwareRequirementInput, { maxItems: 1000 })),
    ...templateFields,
  },
  { additionalProperties: false },
);
export type JobTypeBody = Static<typeof JobTypeBody>;

/** POST /jobtypes/<x>: the job type's own fields, without a new version (Drover). */
export const UpdateJobTypeBody = Type.Object(
  {
    name: Type.Optional(JobTypeName),
    description: Type.Optional(Nullable(Type.String({ maxLength: 65535 }))),
    ...templateFields,
  },
  { additionalProperties: false },
);
export type UpdateJobTypeBody = Static<typeof UpdateJobTypeBody>;

/** A requirement inside a job type view (PyFarm's flat form). */
export const FlatSoftwareRequirement = Type.Object({
  software_id: Type.Integer(),
  software: Type.String(),
  min_version_id: Nullable(Type.Integer()),
  min_version: Nullable(Type.String()),
  max_version_id: Nullable(Type.Integer()),
  max_version: Nullable(Type.String()),
});

export const JobTypeSummary = Type.Object({ id: Type.Integer(), name: Type.String() });

/** One version of a job type merged with the job type's fields; `id` is the job type's id. */
export const JobTypeView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Nullable(Type.String()),
  version: Type.Integer(),
  code: Type.String(),
  classname: Nullable(Type.String()),
  max_batch: Nullable(Type.Integer()),
  batch_contiguous: Type.Boolean(),
  no_automatic_start_time: Type.Boolean(),
  supports_tiling: Type.Boolean(),
  success_subject: Nullable(Type.String()),
  success_body: Nullable(Type.String()),
  fail_subject: Nullable(Type.String()),
  fail_body: Nullable(Type.String()),
  software_requirements: Type.Array(FlatSoftwareRequirement),
});
export type JobTypeView = Static<typeof JobTypeView>;

/** A requirement as the /software_requirements/ endpoints show it. */
export const JobTypeRequirementView = Type.Object({
  software: Type.Object({ id: Type.Integer(), software: Type.String() }),
  min_version: Nullable(Type.Object({ id: Type.Integer(), version: Type.String() })),
  max_version: Nullable(Type.Object({ id: Type.Integer(), version: Type.String() })),
  jobtype_version: Type.Object({ id: Type.Integer(), jobtype: Type.String(), version: Type.Integer() }),
});
export type JobTypeRequirementView = Static<typeof JobTypeRequirementView>;

export const JobTypeParams = Type.Object({ jobtype: Type.String({ minLength: 1, maxLength: 1024 }) });
export const JobTypeVersionParams = Type.Object({
  jobtype: Type.String({ minLength: 1, maxLength: 1024 }),
  version: Type.Integer({ minimum: 1, maximum: 2147483647 }),
});
export const JobTypeRequirementParams = Type.Object({
  jobtype: Type.String({ minLength: 1, maxLength: 1024 }),
  software: Type.String({ minLength: 1, maxLength: 1024 }),
});
