/**
 * `drover up`: a complete farm on this machine (see ../up/run-up.ts). It is the first command a new user
 * runs, so its defaults need no flags: data in ./drover-data, port 5000 on loopback, one local agent.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import type { CliIO } from '../io.js';
import { integerOption } from '../option-values.js';
import type { CommandModule } from '../program.js';
import type { UpOptions } from '../up/run-up.js';

export const upCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    program
      .command('up')
      .description('start a whole farm here: master, web UI and local agents (Ctrl-C stops it)')
      .option('--data <dir>', 'where the farm keeps its data', 'drover-data')
      .option(
        '--port <port>',
        'port of the master (web UI and API); 0 = any free port',
        integerOption('--port', { min: 0, max: 65535 }),
        5000,
      )
      .option('--host <address>', 'address to listen on (0.0.0.0 to let other machines in)', '127.0.0.1')
      .option(
        '--agents <n>',
        'how many local agents to start',
        integerOption('--agents', { min: 0, max: 64 }),
        1,
      )
      .option('--no-login', "do not log this user's drover CLI in to the farm")
      .option('--config <file>', 'configuration file (default: $DROVER_CONFIG)')
      .addOption(
        new Option('--log-level <level>', 'master log level')
          .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
          .default('warn'),
      )
      .action(async (options: UpOptions) => {
        const { runUp } = await import('../up/run-up.js');
        const stop = new Promise<NodeJS.Signals>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await runUp(io, options, stop);
      });
  },
};
