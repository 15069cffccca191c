/**
 * MySQL/MariaDB through `mysql2`, adapted so that repositories see the same JS types as elsewhere:
 * TINYINT(1) (what BOOLEAN is in MySQL) → boolean, DECIMAL → number, BIGINT → number (mysql2's default
 * without `supportBigNumbers`), all in utf8mb4. Every session runs in strict mode, so a value that does not
 * fit its column is an error (translated to a ValidationError) instead of a silent truncation.
 */
import mysql from 'mysql2';
import { CompiledQuery, MysqlDialect, type Dialect, type MysqlPool } from 'kysely';
import { readFileSync } from 'node:fs';
import type { MysqlConnectionSpec } from '../url.js';

const SQL_MODE =
  'STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION';

export interface MysqlPoolOptions {
  poolSize: number;
}

/** Connection settings of one connection (the pool's, or a dedicated one such as the scheduler's lock). */
export function mysqlConnectionConfig(spec: MysqlConnectionSpec): mysql.ConnectionOptions {
  return {
    ...(spec.socketPath ? { socketPath: spec.socketPath } : { host: spec.host, port: spec.port }),
    user: spec.user,
    password: spec.password,
    database: spec.database,
    connectTimeout: spec.connectTimeoutMs ?? 10_000,
    charset: 'utf8mb4',
    timezone: 'Z',
    decimalNumbers: true,
    // mysql2 enables LOAD DATA LOCAL by default, which lets a server read client files; Drover never uses it.
    flags: ['-LOCAL_FILES'],
    ...(spec.sslCa ? { ssl: { ca: readFileSync(spec.sslCa, 'utf8'), rejectUnauthorized: true } } : {}),
    typeCast(field, next) {
      if (field.type === 'TINY' && field.length === 1) {
        const text = field.string();
        return text === null ? null : text !== '0';
      }
      return next();
    },
  };
}

export function createMysqlDialect(spec: MysqlConnectionSpec, options: MysqlPoolOptions): Dialect {
  const pool = mysql.createPool({ ...mysqlConnectionConfig(spec), connectionLimit: options.poolSize });
  return new MysqlDialect({
    pool: pool as unknown as MysqlPool,
    async onCreateConnection(connection) {
      await connection.executeQuery(
        CompiledQuery.raw(`set session sql_mode = '${SQL_MODE}', time_zone = '+00:00'`),
      );
    },
  });
}
