/**
 * The one place where driver errors become domain errors. Every statement runs through
 * `TranslatingDialect` (see connection/translating-dialect.ts), which hands failures to
 * `translateDatabaseError`; repositories and callers only ever see:
 *
 * | violation                                        | error                                             |
 * |--------------------------------------------------|---------------------------------------------------|
 * | unique / primary key                             | ConflictError {entity, constraint, columns}       |
 * | delete (or key update) of a row still referenced | ConflictError {entity: the referenced table}      |
 * | insert/update referencing a missing row          | NotFoundError {entity: the referenced table, key} |
 * | NOT NULL                                         | ValidationError {field}                           |
 * | value too long, out of range, wrong type, CHECK  | ValidationError {field when the driver names it}  |
 * | text PostgreSQL cannot store (a NUL character)   | ValidationError                                   |
 * | cannot connect                                   | DatabaseUnavailableError                          |
 *
 * A reference to a missing row is a NotFoundError because the caller named something that does not exist
 * (a queue id, an agent id): the API answers 404 as PyFarm did. Repositories check the common cases first
 * and give friendlier messages; this layer catches the rest, including races.
 *
 * SQLite does not say which foreign key failed, so its missing-reference errors carry no key and its
 * direction is taken from the statement (DELETE → still referenced, INSERT/UPDATE → missing row).
 * Anything else (syntax errors, deadlocks, lost connections mid-query) passes through unchanged.
 */
import type { RootOperationNode } from 'kysely';
import { ConflictError, DroverError, NotFoundError, ValidationError } from '../core/errors.js';
import type { DialectName } from './dialect-name.js';

/** The database cannot be reached (refused, timed out, authentication failed). */
export class DatabaseUnavailableError extends DroverError {
  readonly code = 'database_unavailable';
}

export interface TranslationContext {
  readonly dialect: DialectName;
  /** Physical → logical table names, so that messages and `entity` use the names the code knows. */
  readonly logicalNames: ReadonlyMap<string, string>;
  /** The statement that failed, when known. */
  readonly query?: RootOperationNode;
}

type ViolationKind =
  | 'unique'
  | 'missing-reference'
  | 'still-referenced'
  | 'not-null'
  | 'too-long'
  | 'out-of-range'
  | 'invalid-value'
  | 'invalid-text'
  | 'check';

interface Violation {
  kind: ViolationKind;
  /** Physical name of the table the statement wrote to or the constraint belongs to. */
  table?: string | undefined;
  columns?: readonly string[] | undefined;
  constraint?: string | undefined;
  /** The offending value(s) as the database printed them. */
  value?: string | undefined;
  /** For foreign keys: the other table (the parent of a missing reference, the child of a referenced row). */
  otherTable?: string | undefined;
}

/** Named unique constraints (without the table prefix) → columns; MySQL reports only the key name. */
const UNIQUE_CONSTRAINT_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  software_versions_version_uq: ['software_id', 'version'],
  software_versions_rank_uq: ['software_id', 'rank'],
  agents_host_port_id_uq: ['hostname', 'port', 'id'],
  jobtype_versions_uq: ['jobtype_id', 'version'],
  job_queues_parent_name_uq: ['parent_jobqueue_id', 'name'],
  job_tag_requirements_uq: ['tag_id', 'job_id'],
};

/** Composite primary keys (MySQL calls every primary key `PRIMARY`). Tables not listed have `id`. */
const PRIMARY_KEY_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  user_roles: ['user_id', 'role_id'],
  agent_software_version_associations: ['agent_id', 'software_version_id'],
  agent_tag_associations: ['agent_id', 'tag_id'],
  agent_mac_addresses: ['agent_id', 'mac_address'],
  gpu_agent_associations: ['gpu_id', 'agent_id'],
  jobtype_software_requirements: ['software_id', 'jobtype_version_id'],
  job_dependencies: ['parentid', 'childid'],
  job_tag_associations: ['job_id', 'tag_id'],
  job_software_requirements: ['software_id', 'job_id'],
  notified_users: ['user_id', 'job_id'],
  failed_tasks_in_agents: ['task_id', 'agent_id'],
  task_log_associations: ['task_log_id', 'task_id', 'attempt'],
  agent_counts: ['counted_time'],
};

/** Returns the domain error for a driver error, or the error itself when it is not a data violation. */
export function translateDatabaseError(err: unknown, context: TranslationContext): unknown {
  if (err instanceof DroverError || !(err instanceof Error)) return err;
  // mysql2 attaches the statement with every parameter interpolated (password and token hashes
  // included); it must not reach logs through `cause`.
  if ('sql' in err && 'errno' in err) delete (err as { sql?: unknown }).sql;
  const violation =
    context.dialect === 'sqlite'
      ? sqliteViolation(err, context.query)
      : context.dialect === 'postgres'
        ? postgresViolation(err)
        : mysqlViolation(err, context.query);
  if (!violation) return err;
  return toDomainError(violation, context, err);
}

function toDomainError(v: Violation, context: TranslationContext, cause: Error): DroverError {
  const logical = (physical: string | undefined): string | undefined =>
    physical === undefined ? undefined : (context.logicalNames.get(physical) ?? physical);
  const table = logical(v.table ?? statementTable(context.query));
  const entity = table ?? 'row';
  const field = v.columns?.length === 1 ? v.columns[0] : undefined;
  const value = v.value === undefined ? '' : ` (${v.value})`;
  switch (v.kind) {
    case 'unique': {
      const columns = v.columns ?? (table ? (PRIMARY_KEY_COLUMNS[table] ?? ['id']) : undefined);
      const what = columns ? `${columns.join(', ')}${value}` : `this key${value}`;
      return new ConflictError(`${entity}: a row with ${what} already exists`, {
        entity,
        constraint: v.constraint,
        columns,
        cause,
      });
    }
    case 'still-referenced': {
      const by = logical(v.otherTable);
      return new ConflictError(`${entity}${value} is still referenced${by ? ` by ${by}` : ''}`, {
        entity,
        constraint: v.constraint,
        columns: v.columns,
        cause,
      });
    }
    case 'missing-reference': {
      const target = logical(v.otherTable) ?? 'referenced row';
      const via = table && field ? ` (${table}.${field})` : table ? ` (from ${table})` : '';
      return new NotFoundError(
        target,
        v.value,
        `${target}${v.value === undefined ? '' : ` ${v.value}`} not found${via}`,
        {
          cause,
        },
      );
    }
    case 'not-null':
      return new ValidationError(
        `${field ?? 'a required value'} must not be null${table ? ` (${table})` : ''}`,
        {
          field,
          value: null,
          cause,
        },
      );
    case 'too-long':
      return new ValidationError(
        `${field ?? 'a value'} is too long for its column${table ? ` (${table})` : ''}`,
        {
          field,
          cause,
        },
      );
    case 'out-of-range':
      return new ValidationError(
        `${field ?? 'a value'} is out of range for its column${table ? ` (${table})` : ''}`,
        {
          field,
          cause,
        },
      );
    case 'invalid-value':
      return new ValidationError(
        `${field ?? 'a value'} has the wrong type${value}${table ? ` (${table})` : ''}`,
        {
          field,
          value: v.value,
          cause,
        },
      );
    case 'invalid-text':
      return new ValidationError('text values must not contain NUL characters', { cause });
    case 'check':
      return new ValidationError(`${entity} violates ${v.constraint ?? 'a check constraint'}`, {
        field,
        cause,
      });
  }
}

// --- SQLite (better-sqlite3's SqliteError: `code` is the extended result code name) -----------------

function sqliteViolation(err: Error, query: RootOperationNode | undefined): Violation | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code !== 'string') return undefined;
  const columnsOf = (text: string): { table?: string; columns: string[] } => {
    // "UNIQUE constraint failed: tags.tag" / "NOT NULL constraint failed: jobs.title, jobs.x"
    const list = text.slice(text.indexOf(':') + 1).trim();
    const pairs = list.split(',').map((part) => part.trim().split('.'));
    return { table: pairs[0]?.[0], columns: pairs.map((p) => p[1] ?? p[0] ?? '') };
  };
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY': {
      const { table, columns } = columnsOf(err.message);
      return { kind: 'unique', table, columns };
    }
    case 'SQLITE_CONSTRAINT_NOTNULL': {
      const { table, columns } = columnsOf(err.message);
      return { kind: 'not-null', table, columns };
    }
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return { kind: query?.kind === 'DeleteQueryNode' ? 'still-referenced' : 'missing-reference' };
    case 'SQLITE_CONSTRAINT_CHECK':
      return { kind: 'check', constraint: /CHECK constraint failed: (\S+)/.exec(err.message)?.[1] };
    case 'SQLITE_TOOBIG':
      return { kind: 'too-long' };
    case 'SQLITE_MISMATCH':
      return { kind: 'invalid-value' };
    default:
      return undefined;
  }
}

// --- PostgreSQL (pg's DatabaseError: SQLSTATE in `code`, plus table/column/constraint/detail) -----------

function postgresViolation(err: Error): Violation | undefined {
  const e = err as { code?: unknown; table?: string; column?: string; constraint?: string; detail?: string };
  if (typeof e.code !== 'string' || !/^[0-9A-Z]{5}$/.test(e.code)) return undefined;
  // detail: `Key (software_id, version)=(1, 2.0) already exists.`
  const key = /^Key \((.+?)\)=\((.*)\)/.exec(e.detail ?? '');
  const columns = key ? key[1]!.split(', ').map((c) => c.replace(/^"|"$/g, '')) : undefined;
  const value = key?.[2];
  const base = { table: e.table, constraint: e.constraint };
  switch (e.code) {
    case '23505':
      return { kind: 'unique', ...base, columns, value };
    case '23503': {
      // `Key (id)=(3) is still referenced from table "jobs".` / `... is not present in table "queues".`
      const other = /table "([^"]+)"/.exec(e.detail ?? '')?.[1];
      if (/still referenced/.test(e.detail ?? '')) {
        return {
          kind: 'still-referenced',
          constraint: e.constraint,
          value,
          otherTable: other,
          table: undefined,
        };
      }
      return { kind: 'missing-reference', ...base, columns, value, otherTable: other };
    }
    case '23502':
      return { kind: 'not-null', ...base, columns: e.column ? [e.column] : undefined };
    case '22001':
      return { kind: 'too-long', ...base, columns: e.column ? [e.column] : undefined };
    case '22003':
      return { kind: 'out-of-range', ...base, columns: e.column ? [e.column] : undefined };
    case '22021':
      // "invalid byte sequence for encoding UTF8: 0x00": PostgreSQL text cannot hold NUL, even in a
      // lookup parameter (a name from a URL), where SQLite and MySQL just find nothing.
      return { kind: 'invalid-text', ...base };
    case '22P02':
    case '22007':
    case '22008':
      return { kind: 'invalid-value', ...base, columns: e.column ? [e.column] : undefined };
    case '23514':
      return { kind: 'check', ...base };
    default:
      return undefined;
  }
}

// --- MySQL / MariaDB (mysql2: `errno` is the server error number, `sqlMessage` the text) ----------------

function mysqlViolation(err: Error, query: RootOperationNode | undefined): Violation | undefined {
  const e = err as { errno?: unknown; sqlMessage?: string };
  if (typeof e.errno !== 'number') return undefined;
  const message = e.sqlMessage ?? err.message;
  const column =
    /column '([^']+)'/i.exec(message)?.[1] ?? /column `[^`]*`\.`[^`]*`\.`([^`]+)`/i.exec(message)?.[1];
  const columns = column ? [column] : undefined;
  // "(`db`.`child`, CONSTRAINT `name` FOREIGN KEY (`col`) REFERENCES `parent` (`id`) ...)"
  const fk = /\(`[^`]*`\.`([^`]+)`, CONSTRAINT `([^`]+)` FOREIGN KEY \(([^)]*)\) REFERENCES `([^`]+)`/.exec(
    message,
  );
  const fkColumns = fk?.[3]?.split(',').map((c) => c.trim().replace(/`/g, ''));
  switch (e.errno) {
    case 1062: {
      // "Duplicate entry 'a-b' for key 'name'" (MySQL 8 writes 'table.name').
      const match = /Duplicate entry '(.*)' for key '([^']+)'/.exec(message);
      const keyName = match?.[2]?.split('.').pop();
      const table = statementTable(query);
      return {
        kind: 'unique',
        value: match?.[1],
        constraint: keyName,
        columns: keyName === undefined || keyName === 'PRIMARY' ? undefined : uniqueColumns(keyName),
        table,
      };
    }
    case 1451:
    case 1217:
      return { kind: 'still-referenced', otherTable: fk?.[1], constraint: fk?.[2], table: fk?.[4] };
    case 1452:
    case 1216:
      return {
        kind: 'missing-reference',
        table: fk?.[1],
        constraint: fk?.[2],
        columns: fkColumns,
        otherTable: fk?.[4],
      };
    case 1048:
    case 1364:
      return {
        kind: 'not-null',
        columns: [/(?:Column|Field) '([^']+)'/.exec(message)?.[1] ?? ''].filter(Boolean),
      };
    case 1406:
      return { kind: 'too-long', columns };
    case 1264:
    case 1690:
      return { kind: 'out-of-range', columns };
    case 1265:
    case 1366:
    case 1292:
      return { kind: 'invalid-value', columns };
    case 3819:
    case 4025:
      return { kind: 'check', constraint: /constraint `?([^`' ]+)`?/i.exec(message)?.[1] };
    default:
      return undefined;
  }
}

/** Columns of a MySQL key: our named constraints carry the table prefix; inline UNIQUE keys are named after their column. */
function uniqueColumns(keyName: string): readonly string[] {
  for (const [name, columns] of Object.entries(UNIQUE_CONSTRAINT_COLUMNS)) {
    if (keyName.endsWith(name)) return columns;
  }
  return [keyName];
}

/** The physical table an INSERT, UPDATE or DELETE writes to. */
function statementTable(query: RootOperationNode | undefined): string | undefined {
  if (!query) return undefined;
  const tableOf = (node: unknown): string | undefined => {
    const n = node as
      { kind?: string; node?: unknown; table?: { identifier?: { name?: string } } } | undefined;
    if (n?.kind === 'AliasNode') return tableOf(n.node);
    if (n?.kind === 'TableNode') return n.table?.identifier?.name;
    return undefined;
  };
  switch (query.kind) {
    case 'InsertQueryNode':
      return tableOf(query.into);
    case 'UpdateQueryNode':
      return tableOf(query.table);
    case 'DeleteQueryNode':
      return tableOf(query.from.froms[0]);
    default:
      return undefined;
  }
}
