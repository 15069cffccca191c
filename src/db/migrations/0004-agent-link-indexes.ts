/**
 * Indexes for the agents API at thousands of agents. The link tables' primary keys lead with the other side
 * (`gpu_agent_associations(gpu_id, agent_id)`), so "the GPUs of this agent" — read at every registration
 * to compare the reported inventory — scanned every agent's links to the one GPU model a farm usually has.
 * `agent_tag_associations(tag_id)` serves "the agents of this tag" (tag pages, tag deletion).
 * MySQL already indexes every foreign-key column, and would let a new index replace its own and then refuse
 * to drop it, so nothing is done there.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationContext } from './migration-context.js';

const INDEXES = [
  { name: 'agent_gpus_agent', table: 'gpu_agent_associations', column: 'agent_id' },
  { name: 'agent_tags_tag', table: 'agent_tag_associations', column: 'tag_id' },
] as const;

export function agentLinkIndexesMigration(ctx: MigrationContext): Migration {
  return {
    async up(db: Kysely<unknown>) {
      if (ctx.dialect === 'mysql') return;
      for (const index of INDEXES) {
        await db.schema.createIndex(ctx.index(index.name)).on(index.table).column(index.column).execute();
      }
    },
    async down(db: Kysely<unknown>) {
      if (ctx.dialect === 'mysql') return;
      for (const index of INDEXES) await db.schema.dropIndex(ctx.index(index.name)).execute();
    },
  };
}
