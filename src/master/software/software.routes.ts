/**
 * /api/v1/software: software, ranked versions and discovery code. Wranglers manage software and
 * versions; discovery code runs on every agent, so only admins set it. Agents read discovery code at
 * `/versions/<v>/code` and at PyFarm's `/versions/<v>/discovery_code`.
 */
import Type from 'typebox';
import { errors } from '../../api/schemas/common.js';
import {
  SoftwareBody,
  SoftwareParams,
  SoftwareVersionInput,
  SoftwareVersionParams,
  SoftwareVersionView,
  SoftwareView,
  UpdateSoftwareVersionBody,
} from '../../api/schemas/software.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import { ForbiddenError, NotFoundError } from '../../core/errors.js';
import { listSoftware } from '../../db/software/software.repository.js';
import type { MasterContext } from '../context.js';
import { hasRole, type Principal } from '../http/access.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import {
  changeSoftwareVersion,
  createSoftwareVersion,
  createSoftwareWithVersions,
  getSoftwareVersion,
  getSoftwareWithVersions,
  putSoftware,
  removeSoftware,
  removeSoftwareVersion,
} from './software.service.js';
import { SOFTWARE_COLUMNS, softwareVersionView, softwareView } from './software.view.js';

const tags = ['software'];
const wranglers = { access: { roles: ['wrangler'] as const } };
const JAVASCRIPT = 'text/javascript; charset=utf-8';

interface DiscoveryFields {
  discovery_code?: string | null;
  discovery_function_name?: string | null;
}

/** Discovery code runs on every agent: setting or clearing it is for admins only. */
function assertMaySetDiscoveryCode(
  principal: Principal | undefined,
  inputs: readonly DiscoveryFields[],
): void {
  const touches = inputs.some(
    (v) => v.discovery_code !== undefined || v.discovery_function_name !== undefined,
  );
  if (touches && !hasRole(principal, ['admin'])) {
    throw new ForbiddenError('only admins set discovery code (it runs on every agent)');
  }
}

export function softwareRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/software/',
      {
        schema: {
          tags,
          summary: 'List software with their versions',
          response: { 200: Type.Array(SoftwareView), ...errors },
        },
      },
      async () => (await listSoftware(ctx.db)).map(softwareView),
    );
    app.post(
      '/software/',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Create a software (ranks default to 100, 200, ...)',
          body: SoftwareBody,
          response: { 201: SoftwareView, ...errors },
        },
      },
      async (req, reply) => {
        assertMaySetDiscoveryCode(req.principal, req.body.versions ?? []);
        return reply.status(201).send(softwareView(await createSoftwareWithVersions(ctx, req.body)));
      },
    );
    app.get(
      '/software/schema',
      { schema: { tags, summary: 'The columns of a software', response: { 200: TableSchema, ...errors } } },
      async () => SOFTWARE_COLUMNS,
    );

    app.get(
      '/software/:software',
      {
        schema: {
          tags,
          summary: 'One software (by name or id)',
          params: SoftwareParams,
          response: { 200: SoftwareView, ...errors },
        },
      },
      async (req) => softwareView(await getSoftwareWithVersions(ctx.db, idOrName(req.params.software))),
    );
    app.put(
      '/software/:software',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Create (201) or update (200) a software; `versions` replaces the list',
          params: SoftwareParams,
          body: SoftwareBody,
          response: { 200: SoftwareView, 201: SoftwareView, ...errors },
        },
      },
      async (req, reply) => {
        assertMaySetDiscoveryCode(req.principal, req.body.versions ?? []);
        const { software, created } = await putSoftware(ctx, idOrName(req.params.software), req.body);
        return reply.status(created ? 201 : 200).send(softwareView(software));
      },
    );
    app.delete(
      '/software/:software',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Delete a software (refused while jobs or job types require it)',
          params: SoftwareParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeSoftware(ctx, idOrName(req.params.software));
        return reply.status(204).send(null);
      },
    );

    registerVersionRoutes(app, ctx);
  };
}

function registerVersionRoutes(app: MasterApp, ctx: MasterContext): void {
  app.get(
    '/software/:software/versions/',
    {
      schema: {
        tags,
        summary: 'The versions of a software, by rank',
        params: SoftwareParams,
        response: { 200: Type.Array(SoftwareVersionView), ...errors },
      },
    },
    async (req) =>
      (await getSoftwareWithVersions(ctx.db, idOrName(req.params.software))).versions.map(
        softwareVersionView,
      ),
  );
  app.post(
    '/software/:software/versions/',
    {
      config: wranglers,
      schema: {
        tags,
        summary: 'Add a version (without a rank: the newest)',
        params: SoftwareParams,
        body: SoftwareVersionInput,
        response: { 201: SoftwareVersionView, ...errors },
      },
    },
    async (req, reply) => {
      assertMaySetDiscoveryCode(req.principal, [req.body]);
      const version = await createSoftwareVersion(ctx, idOrName(req.params.software), req.body);
      return reply.status(201).send(softwareVersionView(version));
    },
  );
  app.get(
    '/software/:software/versions/:version',
    {
      schema: {
        tags,
        summary: 'One version (by version string)',
        params: SoftwareVersionParams,
        response: { 200: SoftwareVersionView, ...errors },
      },
    },
    async (req) => {
      const { version } = await getSoftwareVersion(ctx.db, idOrName(req.params.software), req.params.version);
      return softwareVersionView(version);
    },
  );
  app.post(
    '/software/:software/versions/:version',
    {
      config: wranglers,
      schema: {
        tags,
        summary: 'Change a version: name, rank, default flag, discovery code (admins)',
        params: SoftwareVersionParams,
        body: UpdateSoftwareVersionBody,
        response: { 200: SoftwareVersionView, ...errors },
      },
    },
    async (req) => {
      assertMaySetDiscoveryCode(req.principal, [req.body]);
      const version = await changeSoftwareVersion(
        ctx,
        idOrName(req.params.software),
        req.params.version,
        req.body,
      );
      return softwareVersionView(version);
    },
  );
  app.delete(
    '/software/:software/versions/:version',
    {
      config: wranglers,
      schema: {
        tags,
        summary: 'Delete a version (refused while it bounds a requirement)',
        params: SoftwareVersionParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (req, reply) => {
      await removeSoftwareVersion(ctx, idOrName(req.params.software), req.params.version);
      return reply.status(204).send(null);
    },
  );
  for (const path of ['code', 'discovery_code']) {
    app.get(
      `/software/:software/versions/:version/${path}`,
      {
        schema: {
          tags,
          summary: 'The discovery code of a version (JavaScript)',
          params: SoftwareVersionParams,
          response: { 200: { content: { 'text/javascript': { schema: Type.String() } } }, ...errors },
        },
      },
      async (req, reply) => {
        const { software, version } = await getSoftwareVersion(
          ctx.db,
          idOrName(req.params.software),
          req.params.version,
        );
        if (version.discoveryCode === null) {
          throw new NotFoundError(
            'discovery code',
            `${software.software} ${version.version}`,
            `${software.software} ${version.version} has no discovery code`,
          );
        }
        return reply.type(JAVASCRIPT).send(version.discoveryCode);
      },
    );
  }
}
