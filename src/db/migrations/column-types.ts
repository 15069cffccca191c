/**
 * Portable column types. The conventions every repository relies on:
 * - times are BIGINT milliseconds since the epoch (UTC) in all three databases: no driver time-zone
 *   conversions, and interval arithmetic ("silent for 90 s") is plain integer maths in SQL;
 * - booleans are BOOLEAN (SQLite and MySQL store 0/1; the driver layer turns them back into booleans);
 * - JSON documents (job data, environ, agent projects) are text, parsed by the repositories;
 * - frames and `by` are exact decimals (Numeric(10,4) in PyFarm), returned as JS numbers by the drivers;
 * - long text (job type code, last_error) uses MySQL's LONGTEXT, as TEXT stops at 64 KiB there.
 */
import { sql, type ColumnDataType, type Expression } from 'kysely';
import type { DialectName } from '../dialect-name.js';

type DataType = ColumnDataType | Expression<unknown>;

export interface ColumnTypes {
  /** Autoincrementing integer primary key (SQLite INTEGER PRIMARY KEY AUTOINCREMENT, PG SERIAL). */
  id: DataType;
  /** Autoincrementing BIGINT primary key (SQLite's rowid is already 64-bit). */
  bigId: DataType;
  /** A BIGINT reference to a `bigId` column. */
  bigRef: DataType;
  time: DataType;
  bool: DataType;
  text: DataType;
  longText: DataType;
  decimal: DataType;
  float: DataType;
  uuid: DataType;
}

export function columnTypes(dialect: DialectName): ColumnTypes {
  switch (dialect) {
    case 'sqlite':
      return {
        id: 'integer',
        bigId: 'integer',
        bigRef: 'integer',
        time: 'bigint',
        bool: 'boolean',
        text: 'text',
        longText: 'text',
        decimal: 'numeric(10, 4)',
        float: 'real',
        uuid: 'char(36)',
      };
    case 'postgres':
      return {
        id: 'serial',
        bigId: 'bigserial',
        bigRef: 'bigint',
        time: 'bigint',
        bool: 'boolean',
        text: 'text',
        longText: 'text',
        decimal: 'numeric(10, 4)',
        float: 'double precision',
        uuid: 'char(36)',
      };
    case 'mysql':
      return {
        id: 'integer',
        bigId: 'bigint',
        bigRef: 'bigint',
        time: 'bigint',
        bool: 'boolean',
        text: 'text',
        longText: sql`longtext`,
        decimal: 'decimal(10, 4)',
        float: 'double precision',
        uuid: 'char(36)',
      };
  }
}

/** Whether the primary key column needs an explicit autoincrement modifier (PG uses SERIAL types instead). */
export function needsAutoIncrement(dialect: DialectName): boolean {
  return dialect !== 'postgres';
}
