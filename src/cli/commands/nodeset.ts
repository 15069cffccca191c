/**
 * `drover nodeset`: ClusterShell's nodeset command. Its options have operand-order semantics that
 * commander cannot express (options stop at the first node set, later `-x` words are operators), so
 * commander only routes the words here and src/cli/nodeset parses them as ClusterShell does.
 */
import { CliExit, type CliIO } from '../io.js';
import type { CommandModule } from '../program.js';

export const nodesetCommand: CommandModule = {
  register(program, io: CliIO) {
    program
      .command('nodeset')
      .description('fold, expand, count and operate on node sets (ClusterShell nodeset)')
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .argument('[args...]')
      .action(async (args: string[]) => {
        const { runNodeset } = await import('../nodeset/nodeset-command.js');
        const code = await runNodeset(args, io);
        if (code !== 0) throw new CliExit(code);
      });
  },
};
