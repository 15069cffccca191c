/**
 * The lock that makes one master the scheduling leader, held by a dedicated database connection:
 * - PostgreSQL: a session advisory lock (`pg_try_advisory_lock`);
 * - MySQL/MariaDB: a named lock (`GET_LOCK`, server-wide, so its name includes the database and prefix);
 * - SQLite: one master per database file; within one process the first to ask leads.
 * The database releases the lock when the holder's connection ends, so a master that dies hands over
 * without any clean-up; the others keep trying and one of them takes over.
 *
 * `fence(trx)` runs inside the leader's write transactions (on a pool connection) and proves the lock is
 * still held by the leader's own connection, so a master that lost the lead without noticing yet cannot
 * write a decision.
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { DroverError } from '../../core/errors.js';
import { mysqlConnectionConfig } from '../connection/mysql-connection.js';
import { postgresClientConfig } from '../connection/postgres-connection.js';
import type { Database } from '../database.js';
import { parseDatabaseUrl, type ConnectionSpec } from '../url.js';

export class LeadershipLostError extends DroverError {
  readonly code = 'leadership_lost';
}

export interface SchedulerLock {
  /** One attempt; true when this process holds the lock now. */
  tryAcquire(): Promise<boolean>;
  /** Throws LeadershipLostError when the lock is not (or no longer) ours, e.g. the connection died. */
  verify(): Promise<void>;
  /** The same proof from inside a transaction on the pool. */
  fence(trx: Kysely<Database>): Promise<void>;
  /** Gives the lock up and closes the dedicated connection. */
  release(): Promise<void>;
  /** The database session holding the lock for us (PostgreSQL backend pid, MySQL connection id). */
  readonly session: number | undefined;
}

/** `scope` separates farms sharing one database server (the table prefix). */
export function createSchedulerLock(url: string, scope: string): SchedulerLock {
  const spec = parseDatabaseUrl(url);
  switch (spec.dialect) {
    case 'postgres':
      return new PostgresLock(spec, scope);
    case 'mysql':
      return new MysqlLock(spec, scope);
    case 'sqlite':
      return new InProcessLock(spec);
  }
}

/** 'DROV': the first key of Drover's two-key advisory locks. */
const ADVISORY_NAMESPACE = 0x44524f56;

function hash31(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) & 0x7fffffff;
}

class PostgresLock implements SchedulerLock {
  private client: pg.Client | undefined;
  private pid = 0;

  get session(): number | undefined {
    return this.client ? this.pid : undefined;
  }

  private held = false;
  private broken = false;
  private readonly key: number;

  constructor(
    private readonly spec: Extract<ConnectionSpec, { dialect: 'postgres' }>,
    scope: string,
  ) {
    this.key = hash31(`drover-scheduler:${scope}`);
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held && !this.broken) return true;
    if (this.broken) await this.release();
    if (!this.client) {
      const client = new pg.Client({
        ...postgresClientConfig(this.spec),
        application_name: 'drover scheduler lock',
      });
      // A dead connection means the lock is gone; verify() reports it.
      client.on('error', () => {
        this.broken = true;
      });
      client.on('end', () => {
        this.broken = true;
      });
      await client.connect();
      this.client = client;
      this.pid = Number((await client.query('select pg_backend_pid() as pid')).rows[0].pid);
    }
    const result = await this.client.query('select pg_try_advisory_lock($1, $2) as ok', [
      ADVISORY_NAMESPACE,
      this.key,
    ]);
    this.held = result.rows[0].ok === true;
    return this.held;
  }

  async verify(): Promise<void> {
    if (!this.held || this.broken || !this.client)
      throw new LeadershipLostError('the scheduler lock is not held');
    try {
      await this.client.query('select 1');
    } catch (err) {
      this.broken = true;
      throw new LeadershipLostError('the scheduler lock connection failed', { cause: err });
    }
  }

  async fence(trx: Kysely<Database>): Promise<void> {
    if (!this.held || this.broken) throw new LeadershipLostError('the scheduler lock is not held');
    const rows = await sql<{ pid: number }>`select pid from pg_locks where locktype = 'advisory'
      and classid = ${ADVISORY_NAMESPACE} and objid = ${this.key} and objsubid = 2 and granted`.execute(trx);
    if (!rows.rows.some((row) => Number(row.pid) === this.pid)) {
      throw new LeadershipLostError('another master holds the scheduler lock');
    }
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const held = this.held && !this.broken;
    this.held = false;
    this.broken = false;
    if (!client) return;
    try {
      if (held) await client.query('select pg_advisory_unlock($1, $2)', [ADVISORY_NAMESPACE, this.key]);
    } catch {
      // The connection is going away anyway, and the lock with it.
    }
    await client.end().catch(() => undefined);
  }
}

class MysqlLock implements SchedulerLock {
  private connection: mysql.Connection | undefined;
  private connectionId = 0;

  get session(): number | undefined {
    return this.connection ? this.connectionId : undefined;
  }

  private held = false;
  private broken = false;
  private readonly name: string;

  constructor(
    private readonly spec: Extract<ConnectionSpec, { dialect: 'mysql' }>,
    scope: string,
  ) {
    // Lock names are per server: the database and the table prefix keep two farms apart. At most 64 chars.
    this.name = `drover.scheduler.${createHash('sha1').update(`${spec.database}/${scope}`).digest('hex').slice(0, 24)}`;
  }

  async tryAcquire(): Promise<boolean> {
    if (this.held && !this.broken) return true;
    if (this.broken) await this.release();
    if (!this.connection) {
      const connection = await mysql.createConnection(mysqlConnectionConfig(this.spec));
      connection.on('error', () => {
        this.broken = true;
      });
      this.connection = connection;
      const [rows] = await connection.query('select connection_id() as id');
      this.connectionId = Number((rows as { id: number }[])[0]!.id);
    }
    const [rows] = await this.connection.query('select get_lock(?, 0) as ok', [this.name]);
    this.held = Number((rows as { ok: number | null }[])[0]!.ok) === 1;
    return this.held;
  }

  async verify(): Promise<void> {
    if (!this.held || this.broken || !this.connection)
      throw new LeadershipLostError('the scheduler lock is not held');
    try {
      const [rows] = await this.connection.query('select is_used_lock(?) as holder', [this.name]);
      if (Number((rows as { holder: number | null }[])[0]!.holder) !== this.connectionId) {
        throw new LeadershipLostError('another master holds the scheduler lock');
      }
    } catch (err) {
      this.broken = true;
      if (err instanceof LeadershipLostError) throw err;
      throw new LeadershipLostError('the scheduler lock connection failed', { cause: err });
    }
  }

  async fence(trx: Kysely<Database>): Promise<void> {
    if (!this.held || this.broken) throw new LeadershipLostError('the scheduler lock is not held');
    const rows = await sql<{ holder: number | null }>`select is_used_lock(${this.name}) as holder`.execute(
      trx,
    );
    if (Number(rows.rows[0]?.holder) !== this.connectionId) {
      throw new LeadershipLostError('another master holds the scheduler lock');
    }
  }

  async release(): Promise<void> {
    const connection = this.connection;
    this.connection = undefined;
    const held = this.held && !this.broken;
    this.held = false;
    this.broken = false;
    if (!connection) return;
    try {
      if (held) await connection.query('select release_lock(?)', [this.name]);
    } catch {
      // Closing the connection releases it too.
    }
    await connection.end().catch(() => undefined);
  }
}

/** SQLite: one database file, one master; within a process the first holder of a file leads. */
const sqliteHolders = new Map<string, InProcessLock>();

class InProcessLock implements SchedulerLock {
  private readonly key: string;
  readonly session = undefined;

  constructor(spec: Extract<ConnectionSpec, { dialect: 'sqlite' }>) {
    this.key = spec.path === ':memory:' ? `memory:${Math.random()}` : resolve(spec.path);
  }

  async tryAcquire(): Promise<boolean> {
    const holder = sqliteHolders.get(this.key);
    if (holder === undefined) sqliteHolders.set(this.key, this);
    return sqliteHolders.get(this.key) === this;
  }

  async verify(): Promise<void> {
    if (sqliteHolders.get(this.key) !== this) throw new LeadershipLostError('the scheduler lock is not held');
  }

  async fence(): Promise<void> {
    await this.verify();
  }

  async release(): Promise<void> {
    if (sqliteHolders.get(this.key) === this) sqliteHolders.delete(this.key);
  }
}
