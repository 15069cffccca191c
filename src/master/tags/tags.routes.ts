/**
 * `/tags/`: the index (each tag with the agents and jobs carrying it), create-or-get, one tag by id or
 * name (read, replace, delete), the agents of a tag, and the column schema.
 */
import Type from 'typebox';
import { errors } from '../../api/schemas/common.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import {
  CreateTagBody,
  PutTagBody,
  TagAgentBody,
  TagAgentLink,
  TagAgentView,
  TagDetailView,
  TagParams,
  TagView,
} from '../../api/schemas/tags.js';
import { listTagLinks } from '../../db/tags/tag-links.repository.js';
import { listTags } from '../../db/tags/tag.repository.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import {
  createOrGetTag,
  getTagWithLinks,
  listAgentsOfTag,
  removeTag,
  replaceTag,
  tagAgent,
} from './tag.service.js';
import { agentHref, tagColumnTypes, tagDetailView, tagView } from './tag.view.js';

const tags = ['tags'];
const managers = { roles: ['wrangler'] } as const;

export function tagRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/tags/schema',
      {
        schema: {
          tags,
          summary: 'The tag columns and their SQL types',
          response: { 200: TableSchema, ...errors },
        },
      },
      async () => tagColumnTypes(ctx.limits.maxTagLength),
    );

    app.get(
      '/tags/',
      {
        schema: {
          tags,
          summary: 'List tags with the agents and jobs carrying them',
          response: { 200: Type.Array(TagDetailView), ...errors },
        },
      },
      async () => {
        const [all, links] = await Promise.all([listTags(ctx.db), listTagLinks(ctx.db)]);
        return all.map((tag) => tagDetailView(tag, links.get(tag.id)));
      },
    );

    app.post(
      '/tags/',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Create a tag (200 with the existing one if the name is taken)',
          body: CreateTagBody,
          response: { 200: TagView, 201: TagView, ...errors },
        },
      },
      async (req, reply) => {
        const { tag, created } = await createOrGetTag(ctx, req.body.tag);
        return reply.status(created ? 201 : 200).send(tagView(tag));
      },
    );

    app.get(
      '/tags/:tag',
      {
        schema: {
          tags,
          summary: 'One tag (by id or name) with its agents and jobs',
          params: TagParams,
          response: { 200: TagDetailView, ...errors },
        },
      },
      async (req) => {
        const { tag, ...links } = await getTagWithLinks(ctx, idOrName(req.params.tag));
        return tagDetailView(tag, links);
      },
    );

    app.put(
      '/tags/:tag',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Create or replace a tag: its name and exactly the listed agents and jobs',
          params: TagParams,
          body: PutTagBody,
          response: { 201: TagDetailView, ...errors },
        },
      },
      async (req, reply) => {
        const { tag, ...links } = await replaceTag(ctx, idOrName(req.params.tag), req.body);
        return reply.status(201).send(tagDetailView(tag, links));
      },
    );

    app.delete(
      '/tags/:tag',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Delete a tag with its links, requirements and path maps',
          params: TagParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeTag(ctx, idOrName(req.params.tag));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/tags/:tag/agents/',
      {
        schema: {
          tags,
          summary: 'The agents carrying a tag',
          params: TagParams,
          response: { 200: Type.Array(TagAgentView), ...errors },
        },
      },
      async (req) => {
        const agents = await listAgentsOfTag(ctx, idOrName(req.params.tag));
        return agents.map((agent) => ({ id: agent.id, hostname: agent.hostname, href: agentHref(agent.id) }));
      },
    );

    app.post(
      '/tags/:tag/agents/',
      {
        config: { access: managers },
        schema: {
          tags,
          summary: 'Tag an agent (200 if it already had the tag)',
          params: TagParams,
          body: TagAgentBody,
          response: { 200: TagAgentLink, 201: TagAgentLink, ...errors },
        },
      },
      async (req, reply) => {
        const { agentId, created } = await tagAgent(ctx, idOrName(req.params.tag), req.body.agent_id);
        return reply.status(created ? 201 : 200).send({ id: agentId, href: agentHref(agentId) });
      },
    );
  };
}
