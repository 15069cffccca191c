/**
 * Variable expansion, as PyFarm's Configuration documented it (seed 000, `_expandvars`): in every
 * top-level string value, `$name` and `${name}` are replaced from, in this order,
 *   1. the environment,
 *   2. the built-in `temp` (Drover's temporary directory, see `tempRoot`),
 *   3. other configuration keys, themselves expanded first (`${table_prefix}software`),
 * and a leading `~` (alone or before a path separator) becomes the home directory.
 * `$$` is a literal `$`. A name found nowhere, or naming a key whose value is null, a list or a map, is
 * left exactly as written: the agent fills some in later (RUNTIME_NAMES), and a visible `$master` in
 * master_api says more than an empty string would. Values nested in lists and maps are not expanded.
 */
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Names the agent substitutes when it uses a value (task log file names, job type temp dirs); expanding
 * them at load time from an unrelated environment variable would break those templates.
 */
export const RUNTIME_NAMES: ReadonlySet<string> = new Set([
  'YEAR',
  'MONTH',
  'DAY',
  'HOUR',
  'MINUTE',
  'SECOND',
  'JOB',
  'PROCESS',
  'JOBTYPE_UUID',
]);

const REFERENCE = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

export interface ExpansionContext {
  env: NodeJS.ProcessEnv;
  /** Replaces a leading `~`. */
  home: string;
  /** The value of `$temp`. */
  temp: string;
}

/** A chain of keys that refer back to the first one, e.g. `['a', 'b', 'a']`. */
export type ReferenceCycle = readonly string[];

/** PyFarm's `temp` was its data root plus the application name; Drover's processes share one root. */
export function tempRoot(env: NodeJS.ProcessEnv): string {
  return join(env.TMPDIR || env.TMP || env.TEMP || tmpdir(), 'drover');
}

export function homeDirectory(env: NodeJS.ProcessEnv): string {
  return env.HOME || env.USERPROFILE || homedir();
}

/**
 * Returns a copy of `values` with every top-level string expanded, and every reference cycle found.
 * References inside a cycle stay unexpanded.
 */
export function expandValues(
  values: Readonly<Record<string, unknown>>,
  context: ExpansionContext,
): { values: Record<string, unknown>; cycles: ReferenceCycle[] } {
  const expanded = new Map<string, string>();
  const visiting: string[] = [];
  const cycles: ReferenceCycle[] = [];
  const cycleKeys = new Set<string>();

  const lookup = (name: string): string | undefined => {
    if (RUNTIME_NAMES.has(name)) return undefined;
    const fromEnv = context.env[name];
    if (fromEnv !== undefined) return fromEnv;
    if (name === 'temp') return context.temp;
    const value = values[name];
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    if (typeof value !== 'string') return undefined;
    const start = visiting.indexOf(name);
    if (start >= 0) {
      const cycle = [...visiting.slice(start), name];
      const id = [...new Set(cycle)].sort().join('\0');
      if (!cycleKeys.has(id)) {
        cycleKeys.add(id);
        cycles.push(cycle);
      }
      return undefined;
    }
    return expandKey(name, value);
  };

  const expandKey = (key: string, raw: string): string => {
    const done = expanded.get(key);
    if (done !== undefined) return done;
    visiting.push(key);
    try {
      const result = expandString(raw, lookup, context.home);
      expanded.set(key, result);
      return result;
    } finally {
      visiting.pop();
    }
  };

  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    out[key] = typeof value === 'string' ? expandKey(key, value) : value;
  }
  return { values: out, cycles };
}

function expandString(raw: string, lookup: (name: string) => string | undefined, home: string): string {
  const withHome = raw === '~' || raw.startsWith('~/') || raw.startsWith('~\\') ? home + raw.slice(1) : raw;
  return withHome.replace(REFERENCE, (match, dollar: string | undefined, braced?: string, bare?: string) => {
    if (dollar) return '$';
    return lookup((braced ?? bare) as string) ?? match;
  });
}
