/**
 * Everything a master service or route needs, built once by the composition root (./master.ts) and passed
 * explicitly — no Fastify decorators as a service locator.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../core/clock.js';
import type { Config } from '../core/config/index.js';
import type { Logger } from '../core/logging.js';
import type { Database, StatisticsDatabase } from '../db/database.js';
import type { DialectName } from '../db/dialect-name.js';
import type { ModelLimits } from '../db/rules/model-limits.js';
import type { FarmEvents } from './events/farm-events.js';
import type { TaskEventRecorder } from './statistics/task-event-recorder.js';

export interface MasterContext {
  readonly config: Config;
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  readonly statistics: Kysely<StatisticsDatabase>;
  readonly log: Logger;
  readonly clock: Clock;
  readonly events: FarmEvents;
  /** Task event counts for the statistics pages (recorded after commit). */
  readonly taskEvents: TaskEventRecorder;
  /** models.yml limits (ports, CPUs, RAM, lengths) used by every write. */
  readonly limits: ModelLimits;
  /** Agents from loopback addresses are accepted (`--allow-agent-loopback-addresses`). */
  readonly allowAgentLoopback: boolean;
  /** Drover's version, for the User-Agent the master presents to agents. */
  readonly version: string;
}
