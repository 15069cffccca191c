/**
 * `drover exec`: run a command on node sets in parallel, as ClusterShell's clush does. Its options follow
 * optparse rules (options stop at the command, `-c` lets them follow files) that commander cannot
 * express, so commander only routes the words here and src/cli/exec parses them as clush does.
 */
import { CliExit, type CliIO } from '../io.js';
import type { CommandModule } from '../program.js';

export const execCommand: CommandModule = {
  register(program, io: CliIO) {
    program
      .command('exec')
      .description(
        'run a command on nodes in parallel (ClusterShell clush): ssh, local exec or Drover agents',
      )
      .helpOption(false)
      .allowUnknownOption()
      .allowExcessArguments()
      .passThroughOptions()
      .argument('[args...]')
      .action(async (args: string[]) => {
        const { runExec } = await import('../exec/exec-command.js');
        const code = await runExec(args, io);
        if (code !== 0) throw new CliExit(code);
      });
  },
};
