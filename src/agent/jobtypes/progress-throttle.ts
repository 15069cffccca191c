/**
 * Rate limit for task progress: at most one report per task per interval. A value arriving inside the
 * interval replaces any earlier pending one and is sent when the interval ends, so the last value always
 * arrives (unless the task reaches a final state first, which implies its progress).
 */
export class ProgressThrottle<T> {
  private readonly entries = new Map<T, { last: number; pending?: number; timer?: NodeJS.Timeout }>();

  constructor(
    private readonly send: (key: T, progress: number) => void,
    private readonly stillWanted: (key: T) => boolean,
    private readonly intervalMs = 1000,
  ) {}

  set(key: T, progress: number): void {
    const entry = this.entries.get(key) ?? { last: 0 };
    this.entries.set(key, entry);
    const since = Date.now() - entry.last;
    if (since >= this.intervalMs) {
      entry.last = Date.now();
      entry.pending = undefined;
      this.send(key, progress);
      return;
    }
    entry.pending = progress;
    entry.timer ??= setTimeout(() => {
      entry.timer = undefined;
      if (entry.pending === undefined || !this.stillWanted(key)) return;
      entry.last = Date.now();
      this.send(key, entry.pending);
      entry.pending = undefined;
    }, this.intervalMs - since);
  }

  cancel(key: T): void {
    const entry = this.entries.get(key);
    if (entry?.timer) clearTimeout(entry.timer);
    this.entries.delete(key);
  }

  clear(): void {
    for (const key of [...this.entries.keys()]) this.cancel(key);
  }
}
