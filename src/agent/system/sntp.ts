/**
 * A minimal SNTP client (RFC 4330) over UDP: one request, one answer, the clock offset in seconds.
 * The agent reports `time_offset` to the master; a farm without network time must still start, so every
 * failure (no DNS, no route, no answer within the timeout, a malformed or unsynchronised answer) is a
 * `TimeSyncError` the caller logs and tolerates.
 */
import { createSocket } from 'node:dgram';
import { DroverError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';

export class TimeSyncError extends DroverError {
  readonly code = 'time_sync';
}

export interface SntpQuery {
  /** `host` or `host:port` (port 123 by default). */
  server: string;
  /** NTP version number sent in the request (PyFarm used 2). */
  version?: number;
  timeoutMs?: number;
  /** The local clock, injectable for tests. */
  now?: () => number;
}

/** Seconds between 1900-01-01 (NTP epoch) and 1970-01-01 (Unix epoch). */
const NTP_UNIX_OFFSET = 2_208_988_800;

export function parseServer(server: string): { host: string; port: number } {
  const m = /^\[?([^\]]+?)\]?(?::(\d+))?$/.exec(server.trim());
  if (!m?.[1]) throw new TimeSyncError(`invalid NTP server ${JSON.stringify(server)}`);
  const port = m[2] ? Number(m[2]) : 123;
  if (port < 1 || port > 65535) throw new TimeSyncError(`invalid NTP port in ${JSON.stringify(server)}`);
  return { host: m[1], port };
}

/** Reads a 64-bit NTP timestamp at `offset` as Unix milliseconds. */
export function readNtpTime(buf: Buffer, offset: number): number {
  const seconds = buf.readUInt32BE(offset);
  const fraction = buf.readUInt32BE(offset + 4);
  return (seconds - NTP_UNIX_OFFSET) * 1000 + (fraction / 2 ** 32) * 1000;
}

export function writeNtpTime(buf: Buffer, offset: number, unixMs: number): void {
  const seconds = Math.floor(unixMs / 1000) + NTP_UNIX_OFFSET;
  const fraction = Math.round(((unixMs % 1000) / 1000) * 2 ** 32) >>> 0;
  buf.writeUInt32BE(seconds >>> 0, offset);
  buf.writeUInt32BE(fraction, offset + 4);
}

/**
 * The offset θ = ((T2 − T1) + (T3 − T4)) / 2 in seconds: positive when the local clock is behind. T1 is
 * our transmit time (echoed by the server as "originate"), T2/T3 the server's receive/transmit times, T4
 * our receive time.
 */
export async function queryNtpOffset(query: SntpQuery): Promise<number> {
  const { host, port } = parseServer(query.server);
  const now = query.now ?? Date.now;
  const version = query.version ?? 4;
  const request = Buffer.alloc(48);
  request[0] = (0 << 6) | (version << 3) | 3; // LI 0, VN, mode 3 (client)
  const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
  try {
    return await new Promise<number>((resolvePromise, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new TimeSyncError(
              `no answer from NTP server ${query.server} within ${query.timeoutMs ?? 2000} ms`,
            ),
          ),
        query.timeoutMs ?? 2000,
      );
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(new TimeSyncError(`NTP query to ${query.server} failed: ${err.message}`, { cause: err }));
      };
      socket.once('error', fail);
      let t1 = 0;
      socket.on('message', (msg) => {
        const t4 = now();
        if (msg.length < 48) return;
        const mode = msg[0]! & 0x7;
        const stratum = msg[1]!;
        // Only a server answer to *this* request counts: the originate timestamp echoes our transmit time.
        if ((mode !== 4 && mode !== 5) || Math.abs(readNtpTime(msg, 24) - t1) > 1) return;
        clearTimeout(timer);
        if (stratum === 0) {
          reject(new TimeSyncError(`NTP server ${query.server} is not synchronised (kiss-o'-death)`));
          return;
        }
        const t2 = readNtpTime(msg, 32);
        const t3 = readNtpTime(msg, 40);
        resolvePromise((t2 - t1 + (t3 - t4)) / 2 / 1000);
      });
      t1 = now();
      writeNtpTime(request, 40, t1);
      socket.send(request, port, host, (err) => {
        if (err) fail(err);
      });
    });
  } finally {
    socket.close();
  }
}

/**
 * The clock offset the agent reports and applies to log timestamps: `--time-offset` when given, else one
 * SNTP query (2 s), else 0 — a farm without network time still starts.
 */
export async function clockOffset(
  settings: { timeOffset: number | 'auto'; ntpServer: string; ntpServerVersion: number },
  logger: Logger,
): Promise<number> {
  if (settings.timeOffset !== 'auto') return settings.timeOffset;
  if (!settings.ntpServer) return 0;
  try {
    const offset = await queryNtpOffset({
      server: settings.ntpServer,
      version: settings.ntpServerVersion,
      timeoutMs: 2000,
    });
    logger.info({ offsetSeconds: offset }, 'clock offset measured');
    return offset;
  } catch (err) {
    logger.warn({ err: (err as Error).message }, 'no network time; assuming the clock is right');
    return 0;
  }
}
