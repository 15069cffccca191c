/**
 * Prints, as one JSON line, the configuration values a user has set (from the file given as argv[2] or
 * $DROVER_CONFIG, and from DROVER_/PYFARM_ variables) — values still at their package default are left out —
 * plus the warnings; or the problems when the configuration is invalid.
 *
 * The agent runs this in a short-lived child process: loading and validating the configuration costs
 * ~35 MB of resident memory (TypeBox), which an idle agent (budget: 60 MB) cannot carry for its lifetime.
 */
import { ConfigError } from '../errors.js';
import { loadConfig } from './load-config.js';

try {
  const file = process.argv[2] || undefined;
  const { config, warnings, sources } = loadConfig({ ...(file ? { file } : {}) });
  const values: Record<string, unknown> = {};
  for (const [key, source] of Object.entries(sources)) {
    if (source !== 'default') values[key] = (config as Record<string, unknown>)[key];
  }
  process.stdout.write(`${JSON.stringify({ ok: true, values, warnings })}\n`);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stdout.write(`${JSON.stringify({ ok: false, problems: err.problems })}\n`);
}
