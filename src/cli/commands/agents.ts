/** `drover agents`: the farm's agents. */
import type { Command } from 'commander';
import { withClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { collect, collectChoice } from '../option-values.js';
import type { CommandModule } from '../program.js';

export const agentsCommand: CommandModule = {
  register(program: Command, io: CliIO) {
    withClientOptions(
      program
        .command('agents')
        .description('list the agents')
        .option(
          '--state <state>',
          'only agents in this state: online, running, offline, disabled (repeatable)',
          collectChoice('--state', ['online', 'running', 'offline', 'disabled']),
        )
        .option('--tag <tag>', 'only agents with this tag (repeatable)', collect)
        .option('--search <text>', 'only agents whose host name contains this'),
    ).action(async (options) => {
      const { listAgents } = await import('../client/agents-actions.js');
      await listAgents(io, options);
    });
  },
};
