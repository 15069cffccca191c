/**
 * The CSV log of one assignment (spec §4 "Logs"): one row per line a process printed or the agent/job
 * type noted — `timestamp, pid, stream, line number, message` in the Excel dialect (UTF-8, `\r\n`, fields
 * quoted only when they hold a comma, a quote or a line break). Timestamps are UTC corrected by the NTP
 * offset. Streams: `0` stdout, `1` stderr, `internal` (the agent), `jobtype` (the job type's own `log()`).
 *
 * Rows are buffered and written with one synchronous write per 64 kB (or every 100 ms), which keeps a
 * process printing 50+ MB/s from waiting on the agent. Live readers subscribe to what is written after
 * the file content they have read; everything runs on the event loop, so no row is seen twice or missed.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { basename, dirname } from 'node:path';

export type LogStream = 0 | 1 | 'internal' | 'jobtype';

export interface TaskLogListener {
  data(chunk: string): void;
  end(): void;
}

const FLUSH_BYTES = 64 * 1024;
const FLUSH_INTERVAL_MS = 100;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export class TaskLog {
  readonly identifier: string;
  private readonly fd: number;
  private pending: string[] = [];
  private pendingLength = 0;
  private lineNumber = 0;
  private timer: NodeJS.Timeout | undefined;
  private listeners = new Set<TaskLogListener>();
  private closedFlag = false;
  private lastMs = -1;
  private lastStamp = '';
  /** Bytes written to the file so far. */
  size = 0;

  constructor(
    readonly path: string,
    private readonly clock: () => number = Date.now,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.fd = openSync(path, 'a');
    this.identifier = basename(path);
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  get lines(): number {
    return this.lineNumber;
  }

  write(stream: LogStream, pid: number | null, message: string): void {
    if (this.closedFlag) return;
    const now = this.clock();
    if (now !== this.lastMs) {
      this.lastMs = now;
      this.lastStamp = new Date(now).toISOString();
    }
    const row = `${this.lastStamp},${pid ?? 'None'},${stream},${++this.lineNumber},${csvField(message)}\r\n`;
    this.pending.push(row);
    this.pendingLength += row.length;
    if (this.pendingLength >= FLUSH_BYTES) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS).unref();
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const chunk = this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    const bytes = Buffer.from(chunk, 'utf8');
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset);
    this.size += bytes.length;
    for (const listener of this.listeners) listener.data(chunk);
  }

  /**
   * Flushes, then calls `listener` for everything written from now on. Returns the file size at that
   * moment: the reader serves bytes [0, size) from the file and the rest from the listener.
   */
  subscribe(listener: TaskLogListener): { size: number; unsubscribe: () => void } {
    this.flush();
    if (this.closedFlag) {
      queueMicrotask(() => listener.end());
      return { size: this.size, unsubscribe: () => undefined };
    }
    this.listeners.add(listener);
    return { size: this.size, unsubscribe: () => this.listeners.delete(listener) };
  }

  close(): void {
    if (this.closedFlag) return;
    this.flush();
    this.closedFlag = true;
    closeSync(this.fd);
    for (const listener of this.listeners) listener.end();
    this.listeners.clear();
  }
}

/**
 * The file name of a new log from the `jobtype_task_log_filename` template: `$YEAR $MONTH $DAY $HOUR
 * $MINUTE $SECOND` (UTC, zero-padded), `$JOB` (job id) and `$PROCESS` (the job type instance uuid without
 * dashes), longest name first so `$DAY_` reads as `$DAY` + `_`. Other `$NAME`/`${NAME}` come from `env`.
 */
export function taskLogFilename(
  template: string,
  values: { time: Date; job: number; process: string },
  env: NodeJS.ProcessEnv = {},
): string {
  const t = values.time;
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  const known: Record<string, string> = {
    YEAR: pad(t.getUTCFullYear(), 4),
    MONTH: pad(t.getUTCMonth() + 1),
    DAY: pad(t.getUTCDate()),
    HOUR: pad(t.getUTCHours()),
    MINUTE: pad(t.getUTCMinutes()),
    SECOND: pad(t.getUTCSeconds()),
    JOB: String(values.job),
    PROCESS: values.process.replace(/-/g, ''),
  };
  const names = Object.keys(known).sort((a, b) => b.length - a.length);
  const name = template.replace(
    /\$\{(\w+)\}|\$(\w+)/g,
    (whole, braced: string | undefined, bare: string | undefined) => {
      if (braced !== undefined) return known[braced] ?? env[braced] ?? whole;
      const word = bare ?? '';
      const hit = names.find((n) => word.startsWith(n));
      if (hit) return known[hit]! + word.slice(hit.length);
      return env[word] ?? whole;
    },
  );
  return name.replace(/[/\\]/g, '_');
}
