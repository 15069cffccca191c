/**
 * Reads typed values from the flat configuration map, one per key, recording a problem (and returning a
 * harmless value) when a value is wrong, so that every problem can be reported at once. Paths are expanded:
 * `$temp` is <system temp dir>/drover, `$name`/`${name}` another key's expanded value, `~` the home
 * directory; unknown names stay as they are.
 */
import { homedir, tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { ConfigProblem } from '../../core/errors.js';

export function parseBoolean(raw: string): boolean | undefined {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  return undefined;
}

const DURATION_UNITS: Readonly<Record<string, number>> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
};

export class ValueReader {
  private readonly expanded = new Map<string, string>();

  constructor(
    private readonly values: Record<string, unknown>,
    private readonly problems: ConfigProblem[],
    private readonly cwd: string,
  ) {}

  private fail(key: string, message: string): void {
    this.problems.push({ key, message });
  }

  string(key: string): string {
    const v = this.values[key];
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    this.fail(key, `must be a string, not ${JSON.stringify(v)}`);
    return '';
  }

  optionalString(key: string): string | undefined {
    const v = this.values[key];
    if (v === null || v === undefined || v === '') return undefined;
    return this.string(key);
  }

  optionalUuid(key: string): string | undefined {
    const v = this.optionalString(key);
    if (v !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) {
      this.fail(key, `${JSON.stringify(v)} is not a UUID`);
      return undefined;
    }
    return v?.toLowerCase();
  }

  boolean(key: string): boolean {
    const v = this.values[key];
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && parseBoolean(v) !== undefined) return parseBoolean(v) as boolean;
    this.fail(key, `must be true or false, not ${JSON.stringify(v)}`);
    return false;
  }

  integer(key: string, min: number, max: number): number {
    const v = this.values[key];
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max) return n;
    this.fail(key, `must be an integer from ${min} to ${max}, not ${JSON.stringify(v)}`);
    return min;
  }

  optionalInteger(key: string, min: number): number | undefined {
    const v = this.values[key];
    if (v === null || v === undefined || v === '') return undefined;
    return this.integer(key, min, Number.MAX_SAFE_INTEGER);
  }

  autoOrInteger(key: string, min: number, max: number): number | 'auto' {
    const v = this.values[key];
    if (v === 'auto' || v === null || v === undefined) return 'auto';
    return this.integer(key, min, max);
  }

  stringList(key: string): string[] {
    const v = this.values[key];
    if (Array.isArray(v) && v.every((s) => typeof s === 'string' && s.length > 0)) return v as string[];
    if (v === null || v === undefined) return [];
    this.fail(key, `must be a list of names, not ${JSON.stringify(v)}`);
    return [];
  }

  environment(key: string): Record<string, string> {
    const v = this.values[key];
    if (v === null || v === undefined) return {};
    if (typeof v === 'object' && !Array.isArray(v)) {
      const out: Record<string, string> = {};
      for (const [name, value] of Object.entries(v)) {
        if (value === null || typeof value === 'object') this.fail(key, `${name}: must be a string`);
        else out[name] = String(value);
      }
      return out;
    }
    this.fail(key, 'must be a mapping of variable names to values');
    return {};
  }

  /** A number of seconds, or PyFarm's timedelta keywords ({minutes: 1, seconds: 30}). */
  durationMs(key: string): number {
    const v = this.values[key];
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n) && n >= 0) return Math.round(n * 1000);
    if (n !== null && typeof n === 'object' && !Array.isArray(n)) {
      let total = 0;
      for (const [unit, amount] of Object.entries(n)) {
        const factor = DURATION_UNITS[unit];
        if (factor === undefined || typeof amount !== 'number' || amount < 0) {
          this.fail(key, `${unit}: not a duration unit with a non-negative number`);
          return 0;
        }
        total += factor * amount;
      }
      return Math.round(total);
    }
    this.fail(key, `must be a number of seconds, not ${JSON.stringify(v)}`);
    return 0;
  }

  path(key: string): string {
    return resolve(this.cwd, this.expand(key, this.string(key)));
  }

  optionalPath(key: string): string | undefined {
    const v = this.optionalString(key);
    return v === undefined ? undefined : resolve(this.cwd, this.expand(key, v));
  }

  /**
   * `$temp` is <system temp dir>/drover; `$name` / `${name}` is another key's (expanded) value; `~` is
   * the home directory. Unknown names stay as they are ($JOBTYPE_UUID is filled in later).
   */
  private expand(key: string, raw: string, depth = 0): string {
    const cached = this.expanded.get(key);
    if (cached !== undefined) return cached;
    if (depth > 10) {
      this.fail(key, 'variables refer to each other in a loop');
      return raw;
    }
    let out = raw.replace(/^~(?=$|\/)/, homedir());
    out = out.replace(
      /\$\{(\w+)\}|\$(\w+)/g,
      (whole, braced: string | undefined, bare: string | undefined) => {
        const name = braced ?? bare ?? '';
        if (name === 'temp') return join(tmpdir(), 'drover');
        const value = this.values[name];
        if (name !== key && (typeof value === 'string' || typeof value === 'number')) {
          return this.expand(name, String(value), depth + 1);
        }
        return whole;
      },
    );
    if (!isAbsolute(out) && !/^\w+:\/\//.test(out)) out = resolve(this.cwd, out);
    this.expanded.set(key, out);
    return out;
  }
}
