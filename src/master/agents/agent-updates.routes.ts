/**
 * `/agents/updates/<version>`: admins upload agent packages (application/zip), agents download them — from
 * the master, or redirected to `agent_updates_webdir` when a web server or cache serves them.
 */
import { createReadStream } from 'node:fs';
import Type from 'typebox';
import { AgentUpdateParams } from '../../api/schemas/agents.js';
import { errors } from '../../api/schemas/common.js';
import { NotFoundError, ValidationError } from '../../core/errors.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { checkUpdateVersion, findUpdate, storeUpdate, updateWebUrl } from './agent-updates.js';

const tags = ['agents'];
/** Packages are buffered whole before they are written; this bounds the memory an upload takes. */
const MAX_UPDATE_BYTES = 256 * 1024 * 1024;

const UploadedUpdate = Type.Object({ version: Type.String(), size: Type.Integer() });

export function agentUpdateRoutes(ctx: MasterContext) {
  return async (app: MasterApp) => {
    await app.register(async (plugin) => {
      const scope = plugin as unknown as MasterApp;
      // Any body reaches the handler as bytes, so that a wrong media type gets PyFarm's 400, not a 415.
      scope.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: MAX_UPDATE_BYTES },
        (_req, body, done) => done(null, body),
      );

      scope.put(
        '/agents/updates/:version',
        {
          config: { access: { roles: ['admin'] } },
          bodyLimit: MAX_UPDATE_BYTES,
          schema: {
            tags,
            summary: 'Upload an agent update package (application/zip)',
            params: AgentUpdateParams,
            response: { 201: UploadedUpdate, ...errors },
          },
        },
        async (req, reply) => {
          const version = checkUpdateVersion(req.params.version);
          const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (type !== 'application/zip' || !Buffer.isBuffer(req.body)) {
            throw new ValidationError('Content-Type: agent updates must be application/zip', {
              field: 'content-type',
              value: type,
            });
          }
          await storeUpdate(ctx.config.agent_updates_dir, version, req.body);
          return reply.status(201).send({ version, size: req.body.length });
        },
      );

      scope.get(
        '/agents/updates/:version',
        {
          schema: {
            tags,
            summary: 'Download an agent update package (or a redirect to agent_updates_webdir)',
            params: AgentUpdateParams,
            response: {
              200: {
                description: 'the package',
                content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } },
              },
              301: { description: 'the package is served by agent_updates_webdir' },
              ...errors,
            },
          },
        },
        async (req, reply) => {
          const version = checkUpdateVersion(req.params.version);
          const webdir = ctx.config.agent_updates_webdir;
          if (webdir) return reply.redirect(updateWebUrl(webdir, version), 301);
          const update = await findUpdate(ctx.config.agent_updates_dir, version);
          if (!update) throw new NotFoundError('agent update', version);
          return reply
            .type('application/zip')
            .header('content-length', update.size)
            .send(createReadStream(update.path));
        },
      );
    });
  };
}
