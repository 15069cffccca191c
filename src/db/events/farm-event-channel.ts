/**
 * A channel between masters on one database for farm events (API replicas → the scheduling leader):
 * - PostgreSQL: LISTEN/NOTIFY on a channel named after the table prefix, on a dedicated connection;
 * - MySQL/MariaDB: rows in `farm_event_relay`, polled by the listener (a short poll of a cheap, indexed
 *   query); rows older than a minute are removed by the listener;
 * - SQLite: none (one master per database file).
 * Messages are opaque strings here (the master puts JSON arrays of events in them). With NOTIFY a message
 * also reaches its own sender, which must recognise and skip it; the table skips the sender's rows.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { postgresClientConfig } from '../connection/postgres-connection.js';
import type { Database } from '../database.js';
import { parseDatabaseUrl } from '../url.js';

export interface FarmEventChannel {
  /** This master's id on the channel: what it sends carries it, so it can skip its own messages. */
  readonly origin: string;
  send(message: string): Promise<void>;
  /** Starts delivering messages; resolves once listening. Returns the function that stops it. */
  listen(deliver: (message: string) => void, onError: (err: unknown) => void): Promise<() => Promise<void>>;
  /** NOTIFY payloads must stay below 8000 bytes; callers split larger batches. */
  readonly maxMessageBytes: number;
}

export function createFarmEventChannel(
  url: string,
  db: Kysely<Database>,
  options: { scope: string; origin: string; pollMs?: number },
): FarmEventChannel | undefined {
  const { scope, origin } = options;
  const spec = parseDatabaseUrl(url);
  const suffix = createHash('sha1').update(scope).digest('hex').slice(0, 12);
  switch (spec.dialect) {
    case 'sqlite':
      return undefined;
    case 'postgres':
      return postgresChannel(spec, db, `drover_events_${suffix}`, origin);
    case 'mysql':
      return tableChannel(db, origin, options.pollMs ?? 200);
  }
}

function postgresChannel(
  spec: Parameters<typeof postgresClientConfig>[0],
  db: Kysely<Database>,
  channel: string,
  origin: string,
): FarmEventChannel {
  return {
    origin,
    maxMessageBytes: 7500,
    async send(message) {
      await sql`select pg_notify(${channel}, ${message})`.execute(db);
    },
    async listen(deliver, onError) {
      const client = new pg.Client({
        ...postgresClientConfig(spec),
        application_name: 'drover event listener',
      });
      client.on('error', onError);
      client.on('notification', (n) => {
        if (n.channel === channel && n.payload !== undefined) deliver(n.payload);
      });
      await client.connect();
      await client.query(`listen ${channel}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
  };
}

function tableChannel(db: Kysely<Database>, origin: string, pollMs: number): FarmEventChannel {
  return {
    origin,
    maxMessageBytes: 60_000,
    async send(message) {
      await db
        .insertInto('farm_event_relay')
        .values({ created_on: Date.now(), origin, payload: message })
        .execute();
    },
    async listen(deliver, onError) {
      const latest = await db
        .selectFrom('farm_event_relay')
        .select((eb) => eb.fn.max('id').as('id'))
        .executeTakeFirst();
      let after = Number(latest?.id ?? 0);
      // Auto-increment ids can commit out of order: look back a little and skip what was seen.
      const seen = new Set<number>();
      let stopped = false;
      let lastCleanup = 0;
      const poll = async () => {
        try {
          const rows = await db
            .selectFrom('farm_event_relay')
            .select(['id', 'payload'])
            .where('id', '>', Math.max(0, after - 50))
            .where('origin', '<>', origin)
            .orderBy('id')
            .limit(1000)
            .execute();
          for (const row of rows) {
            if (seen.has(row.id)) continue;
            seen.add(row.id);
            after = Math.max(after, row.id);
            deliver(row.payload);
          }
          for (const id of seen) if (id < after - 50) seen.delete(id);
          if (Date.now() - lastCleanup > 10_000) {
            lastCleanup = Date.now();
            await db
              .deleteFrom('farm_event_relay')
              .where('created_on', '<', Date.now() - 60_000)
              .execute();
          }
        } catch (err) {
          onError(err);
        }
        if (!stopped) timer = setTimeout(() => void poll(), pollMs);
      };
      let timer = setTimeout(() => void poll(), pollMs);
      return async () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}
