/**
 * Who the agent is: a UUID generated once and kept in the id file (the master keys agents by it), and
 * PyFarm's older MAC-derived system id, still reported for information.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigError } from '../../core/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Writes through a temporary file and a rename, so a crash never leaves half a file behind. */
export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}

function readTrimmed(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * `--agent-id` wins; otherwise the id file's UUID, created on first start. A corrupt id file is a
 * configuration error rather than a silent new identity (which would orphan the agent's record).
 */
export function loadOrCreateAgentId(file: string, override: string | undefined): string {
  if (override) return override.toLowerCase();
  const stored = readTrimmed(file);
  if (stored !== undefined) {
    if (!UUID.test(stored)) {
      throw new ConfigError([
        { key: 'agent_id_file', message: `${file} does not hold a UUID`, source: file },
      ]);
    }
    return stored.toLowerCase();
  }
  const id = randomUUID();
  writeFileAtomic(file, `${id}\n`);
  return id;
}

export const SYSTEMID_MAX = 0xffffffffffff;

/** "aa:bb:cc:dd:ee:ff" → 48-bit integer; undefined for anything else. */
export function macToInteger(mac: string): number | undefined {
  if (!/^([0-9a-f]{2}[:-]){5}[0-9a-f]{2}$/i.test(mac)) return undefined;
  return parseInt(mac.replace(/[:-]/g, ''), 16);
}

/**
 * PyFarm's system identifier: every non-zero MAC address as an integer, XORed together (0 < id ≤ 2^48-1).
 * XOR on 48 bits is done in two halves because JavaScript bitwise operators are 32-bit.
 */
export function macSystemId(macs: readonly string[]): number | undefined {
  let high = 0;
  let low = 0;
  let any = false;
  for (const mac of macs) {
    const n = macToInteger(mac);
    if (n === undefined || n === 0) continue;
    high ^= Math.floor(n / 2 ** 24);
    low ^= n % 2 ** 24;
    any = true;
  }
  const id = high * 2 ** 24 + low;
  return any && id > 0 ? id : undefined;
}

/**
 * `--systemid N` is used as is; `auto` reads the cache or computes the id from the MACs and caches it, so
 * the id stays the same when network cards change.
 */
export function resolveSystemId(
  setting: number | 'auto',
  cachePath: string,
  macs: readonly string[],
): number | undefined {
  if (setting !== 'auto') return setting;
  const cached = readTrimmed(cachePath);
  if (cached !== undefined && /^\d+$/.test(cached)) {
    const n = Number(cached);
    if (n > 0 && n <= SYSTEMID_MAX) return n;
  }
  const id = macSystemId(macs);
  if (id !== undefined) writeFileAtomic(cachePath, `${id}\n`);
  return id;
}
