/**
 * Entry point of the `drover` binary: `main(argv, io)` runs one command and resolves to its exit code.
 * Tests call it in-process with in-memory streams.
 */
import { agentCommands } from '../agent/cli/index.js';
import { exitCodeFor } from './errors.js';
import { CliExit, processIO, type CliIO } from './io.js';
import { buildProgram, type CommandModule } from './program.js';
import { version } from './version.js';

const modules: readonly CommandModule[] = [
  ...agentCommands({ version, exit: (code, message) => new CliExit(code, message) }),
];

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io, modules);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (err) {
    return exitCodeFor(err, io);
  }
}
