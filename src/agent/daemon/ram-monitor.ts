/**
 * RAM reports (PyFarm documented them but never did them): free RAM is checked every
 * `agent_ram_check_interval` and after events (a process started or ended); a change of at least
 * `agent_ram_report_delta` MB since the last reported value is reported, but never more often than
 * `agent_ram_max_report_frequency` — a burst of events produces one report at the end of the window.
 */
export interface RamMonitorOptions {
  checkIntervalMs: number;
  maxReportFrequencyMs: number;
  reportDeltaMb: number;
  readFreeRamMb: () => Promise<number>;
  report: (freeRamMb: number) => Promise<boolean>;
  now?: () => number;
}

export class RamMonitor {
  private lastReported: number | undefined;
  private lastReportAt = -Infinity;
  private interval: NodeJS.Timeout | undefined;
  private deferred: NodeJS.Timeout | undefined;
  private checking = false;
  reports = 0;

  constructor(private readonly o: RamMonitorOptions) {}

  private now(): number {
    return (this.o.now ?? Date.now)();
  }

  /** Records a value the master already has (from a registration or announce). */
  reported(freeRamMb: number): void {
    this.lastReported = freeRamMb;
    this.lastReportAt = this.now();
  }

  start(): void {
    if (this.o.checkIntervalMs > 0)
      this.interval = setInterval(() => void this.check(), this.o.checkIntervalMs).unref();
  }

  stop(): void {
    if (this.interval) clearInterval(this.interval);
    if (this.deferred) clearTimeout(this.deferred);
    this.interval = this.deferred = undefined;
  }

  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    try {
      const free = await this.o.readFreeRamMb();
      if (this.lastReported !== undefined && Math.abs(free - this.lastReported) < this.o.reportDeltaMb)
        return;
      const wait = this.lastReportAt + this.o.maxReportFrequencyMs - this.now();
      if (wait > 0) {
        this.deferred ??= setTimeout(() => {
          this.deferred = undefined;
          void this.check();
        }, wait).unref();
        return;
      }
      if (await this.o.report(free)) {
        this.reports++;
        this.reported(free);
      }
    } finally {
      this.checking = false;
    }
  }
}
