/**
 * Drover's configuration: one flat set of keys (PyFarm's master, models, scheduler, agent and job type
 * settings plus Drover's own), loaded once at start-up.
 *
 *   const { config, warnings } = loadConfig({ file: opts.config, overrides: { agent_api_port: opts.port } });
 *   setInterval(sweep, durationMs(config.assign_tasks_interval));
 *
 * loadConfig throws a ConfigError listing every problem found; warnings are for the caller to log.
 */
export { loadConfig, unknownKeyMessage } from './load-config.js';
export type { ConfigWarning, LoadConfigOptions, LoadedConfig } from './load-config.js';
export { durationMs } from './duration.js';
export type { Duration } from './duration.js';
export { redactConfig, redactValue, REDACTED } from './redact.js';
export { CONFIG_KEYS } from './schema.js';
export type { Config, ConfigKey } from './schema.js';
