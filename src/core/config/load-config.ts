/**
 * Loads the configuration once at start-up. Layers, lowest first:
 *   package defaults (./defaults/*.yml) → the user file (`file`, else DROVER_CONFIG) → environment
 *   (PYFARM_* aliases, then DROVER_<KEY>) → `overrides` (command-line flags).
 * Then variables are expanded (./expand.ts) and the result is validated against ./schema.ts. Every
 * problem from every layer is collected and thrown together as one ConfigError; nothing is read at import.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TSchema } from 'typebox';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { coerceString } from './coerce.js';
import { loadDefaults } from './defaults.js';
import { didYouMean } from './did-you-mean.js';
import {
  DROVER_ENV_PREFIX,
  IGNORED_PYFARM_ENV,
  PYFARM_ENV_KEYS,
  droverEnvName,
  isNonConfigEnv,
} from './env-names.js';
import { expandValues, homeDirectory, tempRoot } from './expand.js';
import { KEY_ALIASES, ignoredReason } from './ignored-keys.js';
import { CONFIG_KEYS, ConfigSchema, type Config, type ConfigKey } from './schema.js';
import { validateValues } from './validate.js';
import { FILE_PROBLEM_KEY, parseConfigYaml } from './yaml-source.js';

export interface LoadConfigOptions {
  /** A YAML file of overrides; relative to `cwd`. Defaults to `env.DROVER_CONFIG`. */
  file?: string;
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Values from command-line flags, by key; undefined values are skipped, strings are read as YAML. */
  overrides?: Readonly<Record<string, unknown>>;
  /** Defaults to `process.cwd()`. */
  cwd?: string;
}

/** Something accepted but worth telling: an ignored key, an old name, a shadowed variable. */
export interface ConfigWarning {
  key: string;
  message: string;
  /** A file path with line, `env:NAME`, `override` or `default`. */
  source: string;
}

export interface LoadedConfig {
  config: Config;
  warnings: ConfigWarning[];
  /** Where each effective value came from, in the same notation as ConfigWarning.source. */
  sources: Readonly<Record<ConfigKey, string>>;
}

/** Files are typed YAML; environment variables and flags are text, read as YAML scalars (./coerce.ts). */
type Layer = 'file' | 'env' | 'override';

const schemas = ConfigSchema.properties as Readonly<Record<string, TSchema>>;
const isKnown = (key: string): key is ConfigKey => Object.hasOwn(schemas, key);

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const defaults = loadDefaults();
  const problems: ConfigProblem[] = [...defaults.problems];
  const warnings: ConfigWarning[] = [];
  const values: Record<string, unknown> = { ...defaults.values };
  const sources: Record<string, string> = {};

  for (const key of Object.keys(defaults.values)) {
    if (!isKnown(key) && ignoredReason(key) === undefined) {
      problems.push({
        key,
        message: `is in ${defaults.files[key]} but neither typed nor ignored`,
        source: 'default',
      });
    }
  }

  /** The layer in which each key was set under its own name: there it beats its old name, in any order. */
  const setDirectly = new Map<string, Layer>();

  /** Applies one setting from a layer above the defaults. `nameOf` spells a key the way that layer does. */
  const set = (layer: Layer, key: string, value: unknown, source: string, nameOf = (k: string) => k) => {
    const renamed = KEY_ALIASES[key];
    if (renamed !== undefined) {
      warnings.push({ key, message: `is PyFarm's name for ${nameOf(renamed)}; use that instead`, source });
      if (setDirectly.get(renamed) === layer) return;
      key = renamed;
    } else {
      setDirectly.set(key, layer);
    }
    if (isKnown(key)) {
      const schema = schemas[key] as TSchema;
      values[key] = layer !== 'file' && typeof value === 'string' ? coerceString(value, schema) : value;
      sources[key] = source;
      return;
    }
    const reason = ignoredReason(key);
    if (reason !== undefined) {
      warnings.push({ key, message: `is ignored by Drover: ${reason}`, source });
      values[key] = value;
      return;
    }
    problems.push({ key, message: unknownKeyMessage(key, nameOf), source });
  };

  const file = options.file ?? (env.DROVER_CONFIG || undefined);
  if (file !== undefined) {
    const path = resolve(cwd, file);
    const text = readConfigFile(path, problems);
    if (text !== undefined) {
      const parsed = parseConfigYaml(text, path);
      problems.push(...parsed.problems);
      for (const entry of parsed.entries) set('file', entry.key, entry.value, entry.source);
    }
  }

  for (const [name, key] of Object.entries(PYFARM_ENV_KEYS)) {
    const raw = env[name];
    if (raw === undefined) continue;
    const preferred = droverEnvName(key);
    if (env[preferred] !== undefined) {
      warnings.push({
        key,
        message: `is set by both ${preferred} and ${name}; ${name} is not used`,
        source: `env:${name}`,
      });
    } else {
      set('env', key, raw, `env:${name}`);
    }
  }
  for (const [name, reason] of Object.entries(IGNORED_PYFARM_ENV)) {
    if (env[name] !== undefined) {
      warnings.push({ key: name, message: `is ignored by Drover: ${reason}`, source: `env:${name}` });
    }
  }
  for (const name of Object.keys(env).sort()) {
    const raw = env[name];
    if (!name.startsWith(DROVER_ENV_PREFIX) || isNonConfigEnv(name) || raw === undefined) continue;
    set('env', name.slice(DROVER_ENV_PREFIX.length).toLowerCase(), raw, `env:${name}`, droverEnvName);
  }

  for (const [key, value] of Object.entries(options.overrides ?? {})) {
    if (value !== undefined) set('override', key, value, 'override');
  }

  const expanded = expandValues(values, { env, home: homeDirectory(env), temp: tempRoot(env) });
  for (const cycle of expanded.cycles) {
    const key = cycle[0] as string;
    problems.push({
      key,
      message: `refers to itself through ${cycle.join(' -> ')}`,
      source: sources[key] ?? 'default',
    });
  }
  problems.push(...validateValues(expanded.values, sources));
  if (problems.length > 0) throw new ConfigError(problems);

  const config: Record<string, unknown> = {};
  const effectiveSources: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    config[key] = deepFreeze(structuredClone(expanded.values[key]));
    effectiveSources[key] = sources[key] ?? 'default';
  }
  return {
    config: Object.freeze(config) as Config,
    warnings,
    sources: Object.freeze(effectiveSources) as Record<ConfigKey, string>,
  };
}

/**
 * What to tell someone who named a key that is not in the configuration: why Drover ignores it, or the
 * nearest known key. `nameOf` spells the suggestion (e.g. as a DROVER_ variable).
 */
export function unknownKeyMessage(key: string, nameOf: (key: string) => string = (k) => k): string {
  const reason = ignoredReason(key);
  if (reason !== undefined) return `is ignored by Drover: ${reason}`;
  const renamed = KEY_ALIASES[key];
  if (renamed !== undefined) return `is PyFarm's name for ${nameOf(renamed)}`;
  const candidates = [...CONFIG_KEYS, ...Object.keys(KEY_ALIASES)];
  const suggestion = didYouMean(key, candidates);
  return suggestion === undefined
    ? 'is not a configuration key'
    : `is not a configuration key (did you mean ${nameOf(suggestion)}?)`;
}

function readConfigFile(path: string, problems: ConfigProblem[]): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (err as Error).message;
    problems.push({
      key: FILE_PROBLEM_KEY,
      message: `cannot read the configuration file: ${why}`,
      source: path,
    });
    return undefined;
  }
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
