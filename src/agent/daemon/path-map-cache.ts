/**
 * The master's path maps for this agent (`GET /pathmaps/?for_agent=<id>`), fetched for every assignment
 * (while its job type loads, so it costs no extra time) so a changed map applies to the next task. When
 * the master cannot be asked, the last known maps are used (logged): a render with yesterday's maps beats
 * no render during a master outage.
 */
import type { PathMap } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import { PathMapper } from '../jobtypes/path-mapping.js';
import type { MasterClient } from '../master-client/master-client.js';
import type { OsClass } from '../system/hardware.js';

export class PathMapCache {
  private maps: PathMap[] = [];
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
    try {
      this.maps = await this.client.fetchPathMaps(this.agentId());
      this.mapper = new PathMapper(this.maps, this.os);
    } catch (err) {
      this.logger.warn(
        { err: (err as Error).message, known: this.maps.length },
        'path maps unavailable; using the last known ones',
      );
    }
    return this.mapper;
  }
}
