/**
 * The master's path maps for this agent (`GET /pathmaps/?for_agent=<id>`), fetched when an assignment
 * starts and reused for a minute. When the master cannot be asked, the last known maps are used (logged):
 * a render with yesterday's maps beats no render during a master outage.
 */
import type { PathMap } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import { PathMapper } from '../jobtypes/path-mapping.js';
import type { MasterClient } from '../master-client/master-client.js';
import type { OsClass } from '../system/hardware.js';

const FRESH_MS = 60_000;

export class PathMapCache {
  private maps: PathMap[] = [];
  private fetchedAt = -Infinity;
  private mapper: PathMapper;

  constructor(
    private readonly client: MasterClient,
    private readonly agentId: () => string,
    private readonly os: OsClass,
    private readonly logger: Logger,
  ) {
    this.mapper = new PathMapper([], os);
  }

  async get(): Promise<PathMapper> {
    if (Date.now() - this.fetchedAt < FRESH_MS) return this.mapper;
    try {
      this.maps = await this.client.fetchPathMaps(this.agentId());
      this.mapper = new PathMapper(this.maps, this.os);
      this.fetchedAt = Date.now();
    } catch (err) {
      this.logger.warn({ err: (err as Error).message, known: this.maps.length }, 'path maps unavailable; using the last known ones');
    }
    return this.mapper;
  }
}
