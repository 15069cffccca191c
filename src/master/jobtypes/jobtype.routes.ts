/**
 * /api/v1/jobtypes: job types, their versions and code, and their software requirements. Job type code
 * runs on every agent, so only admins change job types; everyone with read access (agents included)
 * reads them.
 */
import Type from 'typebox';
import {
  JobTypeBody,
  JobTypeParams,
  JobTypeRequirementParams,
  JobTypeRequirementView,
  JobTypeSummary,
  JobTypeVersionParams,
  JobTypeView,
  SoftwareRequirementInput,
  UpdateJobTypeBody,
} from '../../api/schemas/jobtypes.js';
import { ErrorResponse, errors } from '../../api/schemas/common.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import {
  findJobType,
  listJobTypes,
  listJobTypeVersionNumbers,
} from '../../db/jobtypes/jobtype.repository.js';
import { NotFoundError } from '../../core/errors.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import {
  addJobTypeRequirement,
  changeJobType,
  createJobTypeWithVersion,
  getJobTypeDetail,
  getJobTypeRequirement,
  putJobType,
  removeJobType,
  removeJobTypeRequirement,
  removeJobTypeVersion,
} from './jobtype.service.js';
import { JOBTYPE_COLUMNS, jobTypeRequirementView, jobTypeView } from './jobtype.view.js';

const tags = ['jobtypes'];
const adminOnly = { access: { roles: ['admin'] as const } };
const JAVASCRIPT = 'text/javascript; charset=utf-8';

export function jobTypeRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/jobtypes/',
      {
        schema: { tags, summary: 'List job types', response: { 200: Type.Array(JobTypeSummary), ...errors } },
      },
      async () => (await listJobTypes(ctx.db)).map((t) => ({ id: t.id, name: t.name })),
    );
    app.post(
      '/jobtypes/',
      {
        config: adminOnly,
        schema: {
          tags,
          summary: 'Create a job type with version 1',
          body: JobTypeBody,
          response: { 201: JobTypeView, ...errors },
        },
      },
      async (req, reply) =>
        reply.status(201).send(jobTypeView(await createJobTypeWithVersion(ctx, req.body))),
    );
    app.get(
      '/jobtypes/schema',
      { schema: { tags, summary: 'The columns of a job type', response: { 200: TableSchema, ...errors } } },
      async () => JOBTYPE_COLUMNS,
    );

    app.get(
      '/jobtypes/:jobtype',
      {
        schema: {
          tags,
          summary: 'The latest version of a job type (by name or id)',
          params: JobTypeParams,
          response: { 200: JobTypeView, ...errors },
        },
      },
      async (req) => jobTypeView(await getJobTypeDetail(ctx.db, idOrName(req.params.jobtype))),
    );
    app.put(
      '/jobtypes/:jobtype',
      {
        config: adminOnly,
        schema: {
          tags,
          summary: 'Create a job type, or add a version (requirements are kept unless given)',
          params: JobTypeParams,
          body: JobTypeBody,
          response: { 201: JobTypeView, ...errors },
        },
      },
      async (req, reply) => {
        const { detail } = await putJobType(ctx, idOrName(req.params.jobtype), req.body);
        return reply.status(201).send(jobTypeView(detail));
      },
    );
    app.post(
      '/jobtypes/:jobtype',
      {
        config: adminOnly,
        schema: {
          tags,
          summary: 'Change name, description or mail templates (no new version)',
          params: JobTypeParams,
          body: UpdateJobTypeBody,
          response: { 200: JobTypeView, ...errors },
        },
      },
      async (req) => jobTypeView(await changeJobType(ctx, idOrName(req.params.jobtype), req.body)),
    );
    app.delete(
      '/jobtypes/:jobtype',
      {
        config: adminOnly,
        schema: {
          tags,
          summary: 'Delete a job type and its versions (refused while jobs use it)',
          params: JobTypeParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeJobType(ctx, idOrName(req.params.jobtype));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/jobtypes/:jobtype/versions/',
      {
        schema: {
          tags,
          summary: 'The version numbers of a job type, ascending',
          params: JobTypeParams,
          response: { 200: Type.Array(Type.Integer()), ...errors },
        },
      },
      async (req) => {
        const jobType = await findJobType(ctx.db, idOrName(req.params.jobtype));
        if (!jobType) throw new NotFoundError('jobtype', req.params.jobtype);
        return listJobTypeVersionNumbers(ctx.db, jobType.id);
      },
    );
    app.get(
      '/jobtypes/:jobtype/versions/:version',
      {
        schema: {
          tags,
          summary: 'One version of a job type',
          params: JobTypeVersionParams,
          response: { 200: JobTypeView, ...errors },
        },
      },
      async (req) =>
        jobTypeView(await getJobTypeDetail(ctx.db, idOrName(req.params.jobtype), req.params.version)),
    );
    app.delete(
      '/jobtypes/:jobtype/versions/:version',
      {
        config: adminOnly,
        schema: {
          tags,
          summary: 'Delete one version (refused while jobs use it)',
          params: JobTypeVersionParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeJobTypeVersion(ctx, idOrName(req.params.jobtype), req.params.version);
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/jobtypes/:jobtype/versions/:version/code',
      {
        schema: {
          tags,
          summary: 'The code of one version (JavaScript)',
          params: JobTypeVersionParams,
          response: { 200: { content: { 'text/javascript': { schema: Type.String() } } }, ...errors },
        },
      },
      async (req, reply) => {
        const { version } = await getJobTypeDetail(ctx.db, idOrName(req.params.jobtype), req.params.version);
        return reply.type(JAVASCRIPT).send(version.code);
      },
    );

    registerRequirementRoutes(app, ctx);
  };
}

function registerRequirementRoutes(app: MasterApp, ctx: MasterContext): void {
  const listSchema = { 200: Type.Array(JobTypeRequirementView), ...errors };
  app.get(
    '/jobtypes/:jobtype/software_requirements/',
    {
      schema: {
        tags,
        summary: 'Software requirements of the latest version',
        params: JobTypeParams,
        response: listSchema,
      },
    },
    async (req) => {
      const detail = await getJobTypeDetail(ctx.db, idOrName(req.params.jobtype));
      return detail.requirements.map((r) => jobTypeRequirementView(detail, r));
    },
  );
  app.get(
    '/jobtypes/:jobtype/versions/:version/software_requirements/',
    {
      schema: {
        tags,
        summary: 'Software requirements of one version',
        params: JobTypeVersionParams,
        response: listSchema,
      },
    },
    async (req) => {
      const detail = await getJobTypeDetail(ctx.db, idOrName(req.params.jobtype), req.params.version);
      return detail.requirements.map((r) => jobTypeRequirementView(detail, r));
    },
  );
  app.post(
    '/jobtypes/:jobtype/software_requirements/',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Add a software requirement (creates a new version)',
        params: JobTypeParams,
        body: SoftwareRequirementInput,
        response: { 201: JobTypeRequirementView, ...errors },
      },
    },
    async (req, reply) => {
      const { detail, requirement } = await addJobTypeRequirement(
        ctx,
        idOrName(req.params.jobtype),
        req.body,
      );
      return reply.status(201).send(jobTypeRequirementView(detail, requirement));
    },
  );
  app.post(
    '/jobtypes/:jobtype/versions/:version/software_requirements/',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Not allowed: versions are immutable (405)',
        params: JobTypeVersionParams,
        response: { 405: ErrorResponse, ...errors },
      },
    },
    async (_req, reply) =>
      reply.status(405).send({
        error:
          'versions cannot be changed: POST to /jobtypes/<x>/software_requirements/ to create a new version',
      }),
  );
  app.get(
    '/jobtypes/:jobtype/software_requirements/:software',
    {
      schema: {
        tags,
        summary: 'The latest version’s requirement on one software (by name or id)',
        params: JobTypeRequirementParams,
        response: { 200: JobTypeRequirementView, ...errors },
      },
    },
    async (req) => {
      const { detail, requirement } = await getJobTypeRequirement(
        ctx.db,
        idOrName(req.params.jobtype),
        idOrName(req.params.software),
      );
      return jobTypeRequirementView(detail, requirement);
    },
  );
  app.delete(
    '/jobtypes/:jobtype/software_requirements/:software',
    {
      config: adminOnly,
      schema: {
        tags,
        summary: 'Remove a software requirement (creates a new version)',
        params: JobTypeRequirementParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await removeJobTypeRequirement(ctx, idOrName(req.params.jobtype), idOrName(req.params.software));
      return reply.status(204).send(null);
    },
  );
}
