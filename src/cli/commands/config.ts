/**
 * `drover config show [key] [--json]` prints the effective configuration (secrets as [redacted]), each
 * value not from the package defaults preceded by where it came from; `drover config check` validates it
 * and exits 0, or 2 with every problem on stderr.
 * The configuration module is imported when a command runs, not when the CLI starts: TypeBox's validator
 * costs ~0.3 s to load, which `drover nodeset` and friends should not pay.
 */
import type { Command } from 'commander';
import type { ConfigKey } from '../../core/config/index.js';
import { CliExit, type CliIO } from '../io.js';
import type { CommandModule } from '../program.js';

interface ShowOptions {
  json?: boolean;
  config?: string;
}

async function show(io: CliIO, key: string | undefined, options: ShowOptions): Promise<void> {
  const { CONFIG_KEYS, redactConfig, redactValue, unknownKeyMessage } =
    await import('../../core/config/index.js');
  const { loadCliConfig } = await import('../load-cli-config.js');
  const { stringify } = await import('yaml');
  const isConfigKey = (name: string): name is ConfigKey => (CONFIG_KEYS as readonly string[]).includes(name);
  if (key !== undefined && !isConfigKey(key)) throw new CliExit(2, `${key} ${unknownKeyMessage(key)}`);
  const { config, sources } = loadCliConfig(io, { config: options.config });
  if (key !== undefined) {
    const value = redactValue(key, config[key]);
    if (options.json) io.stdout.write(`${JSON.stringify(value)}\n`);
    else if (typeof value === 'string') io.stdout.write(value.endsWith('\n') ? value : `${value}\n`);
    else io.stdout.write(stringify(value));
    return;
  }
  const redacted = redactConfig(config);
  if (options.json) {
    io.stdout.write(`${JSON.stringify(redacted, null, 2)}\n`);
    return;
  }
  for (const name of CONFIG_KEYS) {
    if (sources[name] !== 'default') io.stdout.write(`# from ${sources[name]}\n`);
    io.stdout.write(stringify({ [name]: redacted[name] }, { lineWidth: 0 }));
  }
}

async function check(io: CliIO, options: { config?: string }): Promise<void> {
  const { loadCliConfig } = await import('../load-cli-config.js');
  const { warnings } = loadCliConfig(io, { config: options.config });
  const count = warnings.length;
  io.stdout.write(
    `configuration is valid${count > 0 ? ` (${count} warning${count === 1 ? '' : 's'})` : ''}\n`,
  );
}

export const configCommands: CommandModule = {
  register(program: Command, io: CliIO) {
    const config = program.command('config').description('show or check the effective configuration');
    config
      .command('show')
      .description('print the effective configuration (secrets are shown as [redacted])')
      .argument('[key]', 'print only this key')
      .option('--json', 'print JSON instead of YAML')
      .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)')
      .action((key: string | undefined, options: ShowOptions) => show(io, key, options));
    config
      .command('check')
      .description('validate the configuration: exit 0, or 2 with every problem on stderr')
      .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)')
      .action((options: { config?: string }) => check(io, options));
  },
};
