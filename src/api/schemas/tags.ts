/**
 * Tags: labels on agents and jobs (jobs' tag requirements are matched against agents' tags). A tag is
 * addressed by id or by name in the URL (`/tags/<x>`).
 */
import Type, { type Static } from 'typebox';
import { AgentId } from './agents.js';
import { IdOrName } from './common.js';

export const TagName = Type.String({ minLength: 1, description: 'the tag name' });

export const TagView = Type.Object({ id: Type.Integer(), tag: Type.String() });
export type TagView = Static<typeof TagView>;

/** A tag with the ids of the agents and jobs carrying it. */
export const TagDetailView = Type.Object({
  id: Type.Integer(),
  tag: Type.String(),
  agents: Type.Array(Type.String(), { description: 'agent ids' }),
  jobs: Type.Array(Type.Integer(), { description: 'job ids' }),
});
export type TagDetailView = Static<typeof TagDetailView>;

export const CreateTagBody = Type.Object({ tag: TagName }, { additionalProperties: false });

/** PUT replaces the tag: links not listed are removed. */
export const PutTagBody = Type.Object(
  {
    tag: Type.Optional(TagName),
    agents: Type.Optional(Type.Array(AgentId, { description: 'agent ids; replaces the list' })),
    jobs: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), { description: 'job ids; replaces the list' }),
    ),
  },
  { additionalProperties: false },
);

export const TagParams = Type.Object({ tag: IdOrName });

export const TagAgentBody = Type.Object(
  { agent_id: Type.String({ description: 'the agent id' }) },
  { additionalProperties: false },
);

export const TagAgentView = Type.Object({ id: Type.String(), hostname: Type.String(), href: Type.String() });

export const TagAgentLink = Type.Object({ id: Type.String(), href: Type.String() });
