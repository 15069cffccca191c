/**
 * What a migration needs to know beyond the Kysely instance: the dialect (for column types) and how to name
 * indexes. Migrations use logical table names (`jobs`); the table-name plugin maps them to the configured
 * physical names (models.yml `table_prefix`, `table_*`). Index names live in one namespace per schema in
 * PostgreSQL, so they carry the prefix too.
 */
import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import type { DialectName } from '../dialect-name.js';
import { columnTypes, needsAutoIncrement, type ColumnTypes } from './column-types.js';

export interface MigrationContext {
  readonly dialect: DialectName;
  /** Physical name of an index (or constraint), e.g. `index('tasks_job')` → `pf_tasks_job`. */
  index(name: string): string;
}

export interface SchemaHelpers {
  readonly types: ColumnTypes;
  /** `create table` for a logical name, with the table options the dialect needs. */
  createTable(db: Kysely<unknown>, name: string): CreateTableBuilder<string, never>;
  /** Adds the autoincrementing primary key `id`. */
  withId<T extends string>(table: CreateTableBuilder<T, never>, big?: boolean): CreateTableBuilder<T, 'id'>;
}

export function schemaHelpers(ctx: MigrationContext): SchemaHelpers {
  const types = columnTypes(ctx.dialect);
  const autoIncrement = needsAutoIncrement(ctx.dialect);
  return {
    types,
    createTable(db, name) {
      const builder = db.schema.createTable(name);
      // MySQL: utf8mb4 everywhere and a binary collation, so uniqueness and equality are case-sensitive as
      // they are in SQLite and PostgreSQL ("Blender" and "blender" are two tags on every database).
      return ctx.dialect === 'mysql'
        ? builder.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_bin`)
        : builder;
    },
    withId(table, big = false) {
      return table.addColumn('id', big ? types.bigId : types.id, (c) =>
        autoIncrement ? c.primaryKey().autoIncrement() : c.primaryKey(),
      );
    },
  };
}
