/**
 * The agent's local journal: every report for the master (task state and progress, task log
 * registrations, states and uploads, blacklistings) is appended here before delivery, as one JSON line,
 * and delivered in order. A cursor file records the last delivered sequence number. After a crash or a
 * master outage the undelivered tail is replayed, so nothing is lost; an entry may be delivered twice
 * (crash between delivery and cursor update), which the master treats as a no-op. When everything is
 * delivered the file is truncated; sequence numbers keep growing through the cursor.
 *
 * Writes go to the page cache (no fsync): the journal survives the agent being killed, not a power cut.
 */
import { closeSync, ftruncateSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type {
  FailedOnAgent,
  TaskLogRegistration,
  TaskLogState,
  TaskReport,
} from '../../api/agent-protocol/index.js';
import { writeFileAtomic } from '../system/identity.js';

export type JournalRecord =
  | { kind: 'task_report'; job: number; task: number; body: TaskReport }
  | { kind: 'log_register'; job: number; task: number; attempt: number; body: TaskLogRegistration }
  | { kind: 'log_state'; job: number; task: number; attempt: number; identifier: string; body: TaskLogState }
  | { kind: 'log_upload'; job: number; task: number; attempt: number; identifier: string; path: string }
  | { kind: 'failed_on_agent'; job: number; task: number; body: FailedOnAgent };

export type JournalEntry = JournalRecord & { seq: number; at: string };

export class Journal {
  private readonly fd: number;
  private readonly entries: JournalEntry[] = [];
  private lastSeq: number;
  private delivered: number;

  private constructor(
    private readonly file: string,
    private readonly cursorFile: string,
  ) {
    this.delivered = readCursor(cursorFile);
    this.lastSeq = this.delivered;
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // A torn last line (the agent died mid-write) is dropped so the next append starts a clean line.
    const complete = text.endsWith('\n') ? text : text.slice(0, text.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) {
      if (!line) continue;
      try {
        const entry = JSON.parse(line) as JournalEntry;
        if (typeof entry.seq !== 'number') continue;
        this.lastSeq = Math.max(this.lastSeq, entry.seq);
        if (entry.seq > this.delivered) this.entries.push(entry);
      } catch {
        // a corrupt line cannot be delivered; skip it
      }
    }
    this.fd = openSync(file, 'a');
    if (complete.length !== text.length) ftruncateSync(this.fd, Buffer.byteLength(complete));
  }

  static open(dir: string): Journal {
    mkdirSync(dir, { recursive: true });
    return new Journal(join(dir, 'journal.jsonl'), join(dir, 'journal.cursor'));
  }

  append(record: JournalRecord, at = new Date()): JournalEntry {
    const entry = { ...record, seq: ++this.lastSeq, at: at.toISOString() } as JournalEntry;
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    let offset = 0;
    while (offset < line.length) offset += writeSync(this.fd, line, offset);
    this.entries.push(entry);
    return entry;
  }

  /** Undelivered entries, oldest first. */
  pending(): readonly JournalEntry[] {
    return this.entries;
  }

  get deliveredSeq(): number {
    return this.delivered;
  }

  get appendedSeq(): number {
    return this.lastSeq;
  }

  /** Marks the oldest pending entry delivered (delivery is strictly in order). */
  markHeadDelivered(): void {
    const head = this.entries.shift();
    if (!head) return;
    this.delivered = head.seq;
    writeFileAtomic(this.cursorFile, `${this.delivered}\n`);
    if (this.entries.length === 0) ftruncateSync(this.fd, 0);
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readCursor(file: string): number {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(n) && n >= 0 ? n : 0;
  } catch {
    return 0;
  }
}
