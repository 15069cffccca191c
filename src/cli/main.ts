/**
 * Entry point of the `drover` binary: `main(argv, io)` runs one command and resolves to its exit code.
 * Tests call it in-process with in-memory streams.
 *
 * Command modules register their options at start-up and import their implementation only when they run:
 * the agent daemon's idle memory budget (60 MB) and `drover nodeset`'s start-up time depend on it.
 */
import { agentCommands } from '../agent/cli/index.js';
import { configCommands } from './commands/config.js';
import { masterCommand } from './commands/master.js';
import { nodesetCommand } from './commands/nodeset.js';
import { tablesCommand } from './commands/tables.js';
import { exitCodeFor } from './errors.js';
import { CliExit, processIO, type CliIO } from './io.js';
import { execCommand } from './commands/exec.js';
import { buildProgram, type CommandModule } from './program.js';
import { version } from './version.js';

// One command module per line (merge-friendly), in the order `drover --help` lists them.
// prettier-ignore
const modules: readonly CommandModule[] = [
  masterCommand,
  ...agentCommands({ version, exit: (code, message) => new CliExit(code, message) }),
  tablesCommand,
  configCommands,
  nodesetCommand,
  execCommand,
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
