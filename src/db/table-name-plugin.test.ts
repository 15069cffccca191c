import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from './database.js';
import { TableNamePlugin } from './table-name-plugin.js';
import { resolveTableNames } from './table-names.js';

const { tables } = resolveTableNames({ table_prefix: 'pf_', table_job: 'render_jobs' });
const db = new Kysely<Database>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
  plugins: [new TableNamePlugin(tables)],
});

describe('TableNamePlugin', () => {
  it('renames tables and table-qualified references', () => {
    const query = db
      .selectFrom('jobs')
      .innerJoin('tasks', 'tasks.job_id', 'jobs.id')
      .select(['jobs.id', 'tasks.frame'])
      .where('jobs.state', 'is', null)
      .compile();
    expect(query.sql).toBe(
      'select "render_jobs"."id", "pf_tasks"."frame" from "render_jobs" inner join "pf_tasks" on "pf_tasks"."job_id" = "render_jobs"."id" where "render_jobs"."state" is null',
    );
  });

  it('keeps aliases, even one that reuses a logical table name', () => {
    expect(db.selectFrom('jobs as j').select('j.id').compile().sql).toBe(
      'select "j"."id" from "render_jobs" as "j"',
    );
    expect(db.selectFrom('agents as tags').select('tags.hostname').compile().sql).toBe(
      'select "tags"."hostname" from "pf_agents" as "tags"',
    );
  });

  it('covers selectAll, sub-queries, inserts, updates, deletes and raw sql helpers', () => {
    expect(db.selectFrom('tags').selectAll('tags').compile().sql).toBe('select "pf_tags".* from "pf_tags"');
    expect(
      db
        .selectFrom('path_maps')
        .select('id')
        .where('tag_id', 'in', db.selectFrom('agent_tag_associations').select('tag_id'))
        .compile().sql,
    ).toBe(
      'select "id" from "pf_path_maps" where "tag_id" in (select "tag_id" from "pf_agent_tag_associations")',
    );
    expect(db.insertInto('tags').values({ tag: 'a' }).returning('id').compile().sql).toBe(
      'insert into "pf_tags" ("tag") values ($1) returning "id"',
    );
    expect(db.updateTable('jobs').set({ priority: 1 }).where('id', '=', 1).compile().sql).toBe(
      'update "render_jobs" set "priority" = $1 where "id" = $2',
    );
    expect(db.deleteFrom('tasks').where('job_id', '=', 1).compile().sql).toBe(
      'delete from "pf_tasks" where "job_id" = $1',
    );
    expect(sql`select * from ${sql.table('jobs')} where ${sql.ref('jobs.id')} = 1`.compile(db).sql).toBe(
      'select * from "render_jobs" where "render_jobs"."id" = 1',
    );
  });

  it('leaves CTE names alone', () => {
    const query = db
      .with('recent', (qb) => qb.selectFrom('jobs').select('id'))
      .with('tags', (qb) => qb.selectFrom('tasks').select('id'))
      .selectFrom('recent')
      .innerJoin('tags', 'tags.id', 'recent.id')
      .select('recent.id')
      .compile();
    expect(query.sql).toBe(
      'with "recent" as (select "id" from "render_jobs"), "tags" as (select "id" from "pf_tasks") select "recent"."id" from "recent" inner join "tags" on "tags"."id" = "recent"."id"',
    );
  });

  it('covers the schema builder', () => {
    const schema = db.schema as unknown as Kysely<unknown>['schema'];
    expect(
      schema
        .createTable('tasks')
        .addColumn('job_id', 'bigint', (c) => c.references('jobs.id').onDelete('cascade'))
        .addForeignKeyConstraint('fk', ['job_id'], 'jobs', ['id'])
        .compile().sql,
    ).toBe(
      'create table "pf_tasks" ("job_id" bigint references "render_jobs" ("id") on delete cascade, constraint "fk" foreign key ("job_id") references "render_jobs" ("id"))',
    );
    expect(schema.createIndex('pf_tasks_job').on('tasks').column('job_id').compile().sql).toBe(
      'create index "pf_tasks_job" on "pf_tasks" ("job_id")',
    );
    expect(schema.dropTable('jobs').ifExists().compile().sql).toBe('drop table if exists "render_jobs"');
    expect(schema.alterTable('agents').addColumn('x', 'integer').compile().sql).toBe(
      'alter table "pf_agents" add column "x" integer',
    );
  });

  it('does nothing when physical names equal logical ones', () => {
    const plain = new Kysely<Database>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (k) => new PostgresIntrospector(k),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      plugins: [new TableNamePlugin(resolveTableNames().tables)],
    });
    expect(plain.selectFrom('jobs').select('jobs.id').compile().sql).toBe('select "jobs"."id" from "jobs"');
  });
});
