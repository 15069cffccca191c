/**
 * Seeds the four roles Drover's authorisation knows (design.md "Security"). Existing rows with these
 * names are left alone, so the migration also runs on a database where an admin created them by hand.
 */
import type { Generated, Kysely, Migration } from 'kysely';

/** The columns this migration touches, as they were when it was written. */
interface RolesSchema {
  roles: { id: Generated<number>; active: boolean; name: string; description: string | null };
}

export const BUILT_IN_ROLES = [
  { name: 'admin', description: 'Full control: users and roles, job types, agents, queues and every job.' },
  { name: 'wrangler', description: 'Runs the farm: queues, priorities, tags, agents and every job.' },
  { name: 'artist', description: 'Submits jobs and manages their own jobs.' },
  { name: 'agent', description: 'A render node: registers itself and reports task progress and logs.' },
] as const;

export function rolesMigration(): Migration {
  return {
    async up(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<RolesSchema>;
      const existing = await db
        .selectFrom('roles')
        .select('name')
        .where(
          'name',
          'in',
          BUILT_IN_ROLES.map((r) => r.name),
        )
        .execute();
      const present = new Set(existing.map((row) => row.name));
      const missing = BUILT_IN_ROLES.filter((role) => !present.has(role.name));
      if (missing.length > 0) {
        await db
          .insertInto('roles')
          .values(missing.map((role) => ({ name: role.name, description: role.description, active: true })))
          .execute();
      }
    },
    async down(untyped: Kysely<unknown>) {
      const db = untyped as unknown as Kysely<RolesSchema>;
      await db
        .deleteFrom('roles')
        .where(
          'name',
          'in',
          BUILT_IN_ROLES.map((r) => r.name),
        )
        .execute();
    },
  };
}
