/** `drover logs <job> <frame> [-f]`: a task's log, followed live with -f (see ../client/logs/show-logs.ts). */
import type { Command } from 'commander';
import { withClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { integerOption, numberOption } from '../option-values.js';
import type { CommandModule } from '../program.js';

export const logsCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    withClientOptions(
      program
        .command('logs')
        .description("print the log of a job's task for a frame")
        .argument('<job>', 'a job id or title')
        .argument('<frame>', 'the frame', numberOption('frame'))
        .option('-f, --follow', 'follow the log while the task runs')
        .option(
          '--attempt <n>',
          'the log of this attempt (default: the latest)',
          integerOption('--attempt', { min: 0 }),
        )
        .option('--timestamps', 'show the time of each line'),
    ).action(async (job: string, frame: number, options) => {
      const { showLogs } = await import('../client/logs/show-logs.js');
      await showLogs(io, job, frame, options);
    });
  },
};
