/**
 * What the agent's commands need from the `drover` CLI, handed in by the composition root (src/cli): the
 * agent never imports the CLI package (dependency rule), so the streams, the version and the way to end a
 * command with an exit code arrive through these interfaces.
 */
import type { Readable } from 'node:stream';
import type { Command } from 'commander';

export interface CommandIO {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface CliPorts {
  version: string;
  /** An error that ends the command with `code`, printing `message` (if any) as `drover: <message>`. */
  exit(code: number, message?: string): Error;
}

export interface AgentCommandModule {
  register(program: Command, io: CommandIO): void;
}
