/**
 * WAL checkpoints off the event loop, for a long-running SQLite writer (the master).
 *
 * By default SQLite checkpoints inside the commit that leaves more than 1,000 pages in the WAL: on the
 * master's only thread, with the fsyncs that `synchronous=NORMAL` saves for checkpoints. The task report
 * or registration whose commit crosses the mark waits for the whole checkpoint (~40 ms for a few thousand
 * commits' pages on the CI machine), and amortised over every commit they tripled its cost (a one-row
 * transaction: 81 µs with automatic checkpoints, 25 µs without). So the master turns them off on its
 * connection and a worker thread with a connection of its own runs PASSIVE checkpoints a few times a
 * second: WAL lets them copy committed pages into the database file while the master goes on writing, and
 * a PASSIVE checkpoint never waits for a lock or blocks anyone. Should the worker die, automatic
 * checkpoints are turned back on, so the WAL never grows without bound.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import type { Logger } from '../../core/logging.js';

/** SQLite's default `wal_autocheckpoint`, restored when the worker is gone. */
const AUTOCHECKPOINT_PAGES = 1000;
const DEFAULT_INTERVAL_MS = 250;
/** How long `stop` waits for the worker's last checkpoint before ending it. */
const STOP_TIMEOUT_MS = 5_000;

// Evaluated as CommonJS in the worker (no module file to find in both src/ and dist/). The driver is
// required by absolute path: the worker resolves modules from the process's working directory.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { timeout: workerData.busyTimeoutMs });
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (err) {
    parentPort.postMessage(String(err && err.message));
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface SqliteCheckpointer {
  /** Ends the worker after a last checkpoint; automatic checkpoints are restored. Safe to call twice. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** The database file (the same the connection has open). */
  path: string;
  busyTimeoutMs: number;
  intervalMs?: number;
  logger?: Logger;
}

/** Starts checkpointing `connection`'s database from a worker and turns its automatic checkpoints off. */
export function startSqliteCheckpointer(
  connection: BetterSqlite3.Database,
  options: CheckpointerOptions,
): SqliteCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      path: options.path,
      busyTimeoutMs: options.busyTimeoutMs,
      intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
    },
  });
  // The worker must not keep a process alive that forgot to close its database.
  worker.unref();
  connection.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const exited = new Promise<void>((resolve) => {
    worker.once('exit', (code) => {
      if (connection.open) connection.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
      if (!stopping) {
        options.logger?.warn(
          { database: options.path, code },
          'the WAL checkpoint worker stopped; SQLite checkpoints in commits again',
        );
      }
      resolve();
    });
  });
  worker.on('error', (err) => {
    options.logger?.warn({ err, database: options.path }, 'the WAL checkpoint worker failed');
  });
  // The worker's only message: a checkpoint failed (e.g. the disk is full); the next one tries again.
  worker.on('message', (error: string) => {
    options.logger?.warn({ database: options.path, error }, 'a background WAL checkpoint failed');
  });
  return {
    async stop() {
      if (!stopping) {
        stopping = true;
        // Waited for now: an unreferenced worker would let the process end (code 13) in the middle.
        worker.ref();
        worker.postMessage('stop');
        const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS).unref();
        void exited.then(() => clearTimeout(timeout));
      }
      await exited;
    },
  };
}
