/**
 * The `drover` command tree. Each component contributes its commands through a `CommandModule`
 * (a name and a `register` function); the table below is the composition root of the CLI.
 */
import { Command } from 'commander';
import type { CliIO } from './io.js';
import { version } from './version.js';

export interface CommandModule {
  register(program: Command, io: CliIO): void;
}

export function buildProgram(io: CliIO, modules: readonly CommandModule[]): Command {
  const program = new Command('drover')
    .description('Drover render farm manager')
    .version(version, '-V, --version')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(s.startsWith('error:') ? `drover: ${s}` : s),
    });
  for (const module of modules) module.register(program, io);
  return program;
}
