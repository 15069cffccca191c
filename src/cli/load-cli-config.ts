/**
 * How a command loads the configuration: `--config FILE` (else DROVER_CONFIG), the CLI's environment and
 * working directory, and the command's flags as overrides. Warnings go to stderr; problems are thrown as
 * a ConfigError, which ./errors.ts prints as one multi-line message with exit code 2.
 */
import { loadConfig, type LoadedConfig } from '../core/config/index.js';
import type { CliIO } from './io.js';

export function loadCliConfig(
  io: CliIO,
  options: { config?: string; overrides?: Readonly<Record<string, unknown>> } = {},
): LoadedConfig {
  const loaded = loadConfig({ file: options.config, env: io.env, cwd: io.cwd, overrides: options.overrides });
  for (const warning of loaded.warnings) {
    io.stderr.write(`drover: warning: ${warning.key} ${warning.message} [${warning.source}]\n`);
  }
  return loaded;
}
