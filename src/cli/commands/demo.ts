/** `drover demo blender`: a real render and a movie on the farm (see ../client/demo/blender-demo.ts). */
import type { Command } from 'commander';
import { withClientOptions } from '../client/client-options.js';
import type { CliIO } from '../io.js';
import { integerOption } from '../option-values.js';
import type { CommandModule } from '../program.js';

export const demoCommands: CommandModule = {
  register(program: Command, io: CliIO) {
    const demo = program.command('demo').description('run a demonstration on the farm');
    withClientOptions(
      demo
        .command('blender')
        .description('render the demo scene with Blender on the agents, then make a movie of it with FFmpeg')
        .option('--out <dir>', 'where the frames and the movie go', 'drover-demo')
        .option('--frames <frames>', 'the frames to render', '1-24')
        .option('--resolution <WxH>', 'image size', '320x240')
        .option(
          '--samples <n>',
          'Cycles samples per pixel',
          integerOption('--samples', { min: 1, max: 4096 }),
          16,
        )
        .option(
          '--fps <n>',
          'frames per second of the movie',
          integerOption('--fps', { min: 1, max: 240 }),
          12,
        )
        .option('--no-progress', 'no progress bars or lines'),
    ).action(async (options) => {
      const { runBlenderDemo } = await import('../client/demo/blender-demo.js');
      await runBlenderDemo(io, options);
    });
  },
};
