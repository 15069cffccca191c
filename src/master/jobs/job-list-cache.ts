/**
 * Whole `GET /jobs/` responses, kept while the database has not changed (db/change-version.ts): UIs and
 * scripts polling a farm between two changes get the stored bytes (a 500-job list is ~150 KB and took
 * ~2 ms to render), and a client that sends the ETag back gets a 304 without a body.
 *
 * Invariants: an entry is stored under the change version read *before* its response was built, so a
 * change made while it was being built leaves it under an older version that no later request matches.
 * The response depends only on the query (not on who asks; the route's access check runs before), so
 * the validated query is the key. Versions start again when the master restarts: the ETag carries a
 * random prefix of this process. Only databases with a change version are cached (SQLite).
 */
import { randomBytes } from 'node:crypto';

export interface CachedJobList {
  readonly body: Buffer;
  /** The X-Total-Count of a paged list. */
  readonly total: number | undefined;
}

export interface JobListCacheLimits {
  readonly entries: number;
  readonly bytes: number;
  /** Larger responses are not kept (a list of every job of a big farm). */
  readonly entryBytes: number;
}

const DEFAULT_LIMITS: JobListCacheLimits = {
  entries: 64,
  bytes: 32 * 1024 * 1024,
  entryBytes: 4 * 1024 * 1024,
};

export class JobListCache {
  private readonly prefix = randomBytes(6).toString('base64url');
  /** In least-recently-used order (a Map iterates in insertion order; a hit moves its entry to the end). */
  private readonly entries = new Map<string, { version: string; list: CachedJobList }>();
  private bytes = 0;

  constructor(private readonly limits: JobListCacheLimits = DEFAULT_LIMITS) {}

  /** The entity tag of every list while the database is at `version`. */
  etag(version: string): string {
    return `"${this.prefix}.${version}"`;
  }

  get(key: string, version: string): CachedJobList | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.version !== version) {
      this.bytes -= entry.list.body.length;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.list;
  }

  set(key: string, version: string, list: CachedJobList): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.list.body.length;
    }
    if (list.body.length > this.limits.entryBytes) return;
    this.entries.set(key, { version, list });
    this.bytes += list.body.length;
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.limits.entries && this.bytes <= this.limits.bytes) break;
      this.entries.delete(oldest);
      this.bytes -= entry.list.body.length;
    }
  }

  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }
}
