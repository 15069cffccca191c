/**
 * The master's Prometheus metrics, in a registry of its own (never prom-client's global one, so that
 * several masters in one process — tests — do not share counters):
 *
 * - `drover_http_requests_total{method,route,status}` and
 *   `drover_http_request_duration_seconds{method,route,status}` — per route template (`/api/v1/jobs/:job`),
 *   never per raw URL, so the series stay bounded; unmatched URLs count as route `unmatched`;
 * - `drover_jobs{state}`, `drover_tasks{state}`, `drover_agents{state}` — counted at scrape time, at most once
 *   per `countIntervalMs` (15 s; scrapes in between reuse the last counts);
 * - `drover_info{version}` — always 1.
 */
import type { Kysely } from 'kysely';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Clock } from '../../core/clock.js';
import type { Database } from '../../db/database.js';
import type { RequestObservation } from '../http/app.js';
import { countFarm, type FarmCounts } from './farm-counts.js';

export interface MasterMetricsOptions {
  db: Kysely<Database>;
  clock: Clock;
  version: string;
  /** Minimum time between two countings of the farm. Default 15 s (a Prometheus scrape interval). */
  countIntervalMs?: number;
}

/**
 * Counting is a scan of an index per table: ~0.1–0.4 s at a million tasks on SQLite, where it also holds
 * the only connection. Scrapes more frequent than this reuse the last counts.
 */
const COUNT_INTERVAL_MS = 15_000;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export class MasterMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly latency: Histogram<'method' | 'route' | 'status'>;
  private counted: { at: number; counts: Promise<FarmCounts> } | undefined;

  constructor(private readonly options: MasterMetricsOptions) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'drover_http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.latency = new Histogram({
      name: 'drover_http_request_duration_seconds',
      help: 'Time to answer HTTP requests, by method, route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    new Gauge({
      name: 'drover_info',
      help: 'The running Drover version',
      labelNames: ['version'],
      registers,
    }).set({ version: options.version }, 1);

    const farmGauge = (name: string, help: string, pick: (counts: FarmCounts) => Record<string, number>) => {
      const gauge: Gauge<'state'> = new Gauge({
        name,
        help,
        labelNames: ['state'],
        registers,
        collect: async () => {
          for (const [state, value] of Object.entries(pick(await this.farmCounts())))
            gauge.set({ state }, value);
        },
      });
    };
    farmGauge('drover_jobs', 'Jobs by state', (c) => c.jobs);
    farmGauge(
      'drover_tasks',
      'Tasks by state (queued: no agent; assigned: an agent, not started)',
      (c) => c.tasks,
    );
    farmGauge('drover_agents', 'Agents by state', (c) => c.agents);
  }

  readonly observeRequest = (observation: RequestObservation): void => {
    const labels = {
      method: observation.method,
      route: observation.route ?? 'unmatched',
      status: String(observation.status),
    };
    this.requests.inc(labels);
    this.latency.observe(labels, observation.seconds);
  };

  /** The Prometheus text exposition. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private farmCounts(): Promise<FarmCounts> {
    const now = this.options.clock.now();
    const interval = this.options.countIntervalMs ?? COUNT_INTERVAL_MS;
    if (!this.counted || now - this.counted.at >= interval) {
      const counts = countFarm(this.options.db);
      // A failed count is not cached: the next scrape tries again.
      counts.catch(() => {
        if (this.counted?.counts === counts) this.counted = undefined;
      });
      this.counted = { at: now, counts };
    }
    return this.counted.counts;
  }
}
