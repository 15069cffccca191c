/**
 * The log files under `tasklogs_dir`. Uploads are stored gzipped as `<identifier>.gz`; a plain
 * `<identifier>` (from PyFarm, or copied in by hand) is read first, as PyFarm did, until
 * `compressTaskLogs` turns it into its `.gz`. Writes go to a `.upload-*` temporary in the same directory and
 * are renamed into place, so a reader sees the old file or the new one, never half of one, and two
 * uploads of the same log end with one of them whole.
 *
 * Callers pass identifiers checked by `checkLogIdentifier`; the store checks again, because a path that
 * leaves the directory must be impossible whatever the caller.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, opendir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { checkLogIdentifier } from './log-identifier.js';

const TEMP_PREFIX = '.upload-';

/** Uncompressed bytes accepted per log upload (render logs are large, but not this large). */
export const TASK_LOG_MAX_BYTES = 1024 * 1024 * 1024;

/** The store of the configured `tasklogs_dir`. */
export function configuredTaskLogStore(config: { tasklogs_dir: string }): TaskLogStore {
  return new TaskLogStore(config.tasklogs_dir, TASK_LOG_MAX_BYTES);
}

/** An upload larger than the store accepts (HTTP 413). */
export class TaskLogTooLargeError extends Error {
  readonly statusCode = 413;
  constructor(readonly maxBytes: number) {
    super(`the log file is larger than ${maxBytes} bytes`);
    this.name = 'TaskLogTooLargeError';
  }
}

/** The client stopped sending before the end of the upload (HTTP 400). */
export class TaskLogUploadInterruptedError extends Error {
  readonly statusCode = 400;
  constructor(options?: { cause?: unknown }) {
    super('the log upload was interrupted', options);
    this.name = 'TaskLogUploadInterruptedError';
  }
}

/** A stored log opened for reading. */
export interface StoredLog {
  /** The bytes as stored: CSV when `encoding` is identity, gzip otherwise. */
  readonly stream: Readable;
  readonly encoding: 'identity' | 'gzip';
  /** Bytes as stored. */
  readonly size: number;
}

/** One file of the directory, as the maintenance services see it. */
export interface StoreEntry {
  readonly name: string;
  /** The log identifier the file belongs to; undefined for an upload's temporary. */
  readonly identifier: string | undefined;
  readonly compressed: boolean;
  readonly modifiedMs: number;
}

export class TaskLogStore {
  constructor(
    readonly dir: string,
    /** Uncompressed bytes accepted per upload. */
    readonly maxBytes: number,
  ) {}

  /** Stores `source` (CSV) gzipped as the log's file, replacing any earlier one. Returns the CSV bytes. */
  async write(identifier: string, source: Readable): Promise<number> {
    checkLogIdentifier(identifier);
    await mkdir(this.dir, { recursive: true });
    const temp = join(this.dir, `${TEMP_PREFIX}${randomUUID()}`);
    let bytes = 0;
    let sourceFailed = false;
    source.once('error', () => {
      sourceFailed = true;
    });
    const maxBytes = this.maxBytes;
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > maxBytes) callback(new TaskLogTooLargeError(maxBytes));
        else callback(null, chunk);
      },
    });
    try {
      await pipeline(source, counter, createGzip(), createWriteStream(temp, { flags: 'wx' }));
      await rename(temp, this.compressedPath(identifier));
      await rm(this.plainPath(identifier), { force: true });
      return bytes;
    } catch (err) {
      await rm(temp, { force: true });
      if (err instanceof TaskLogTooLargeError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (sourceFailed || code === 'ERR_STREAM_PREMATURE_CLOSE' || code === 'ECONNRESET') {
        throw new TaskLogUploadInterruptedError({ cause: err });
      }
      throw err;
    }
  }

  /** The log's file (the plain one first, as PyFarm); undefined when neither exists. */
  async open(identifier: string): Promise<StoredLog | undefined> {
    checkLogIdentifier(identifier);
    for (const [path, encoding] of [
      [this.plainPath(identifier), 'identity'],
      [this.compressedPath(identifier), 'gzip'],
    ] as const) {
      const handle = await open(path, 'r').catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'ENOTDIR') return undefined;
        throw err;
      });
      if (!handle) continue;
      const info = await handle.stat();
      if (!info.isFile()) {
        await handle.close();
        continue;
      }
      return { stream: handle.createReadStream(), encoding, size: info.size };
    }
    return undefined;
  }

  /** The log's CSV whatever its storage (for tests and tools; HTTP streams with `open`). */
  async read(identifier: string): Promise<Buffer | undefined> {
    const stored = await this.open(identifier);
    if (!stored) return undefined;
    const chunks: Buffer[] = [];
    const stream = stored.encoding === 'gzip' ? stored.stream.pipe(createGunzip()) : stored.stream;
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Every file of the directory (none when it does not exist yet). */
  async *entries(): AsyncGenerator<StoreEntry> {
    const dir = await opendir(this.dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
    if (!dir) return;
    for await (const dirent of dir) {
      if (!dirent.isFile()) continue;
      const info = await stat(join(this.dir, dirent.name)).catch(() => undefined);
      if (!info) continue; // removed meanwhile
      const name = dirent.name;
      const compressed = name.endsWith('.gz');
      yield {
        name,
        identifier: name.startsWith(TEMP_PREFIX) ? undefined : compressed ? name.slice(0, -3) : name,
        compressed,
        modifiedMs: info.mtimeMs,
      };
    }
  }

  /** Removes one file of the directory by its name (as listed by `entries`). */
  async removeEntry(name: string): Promise<void> {
    if (name.includes('/') || name.includes('\\') || name === '.' || name === '..') {
      throw new Error(`not a file name: ${JSON.stringify(name)}`);
    }
    await rm(join(this.dir, name), { force: true });
  }

  /** Gzips a plain log into its `.gz` (replacing it: the plain file is the one readers see) and removes it. */
  async compress(identifier: string): Promise<void> {
    checkLogIdentifier(identifier);
    const plain = this.plainPath(identifier);
    const temp = join(this.dir, `${TEMP_PREFIX}${randomUUID()}`);
    const handle = await open(plain, 'r');
    try {
      await pipeline(handle.createReadStream(), createGzip(), createWriteStream(temp, { flags: 'wx' }));
      // An upload that arrived meanwhile wrote the .gz and removed the plain file: it wins.
      if ((await stat(plain).catch(() => undefined)) === undefined) {
        await rm(temp, { force: true });
        return;
      }
      await rename(temp, this.compressedPath(identifier));
      await rm(plain, { force: true });
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private plainPath(identifier: string): string {
    return join(this.dir, identifier);
  }

  private compressedPath(identifier: string): string {
    return join(this.dir, `${identifier}.gz`);
  }
}
