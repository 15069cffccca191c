/**
 * What a command may touch of the outside world. `main()` gets the real process streams; tests pass
 * in-memory ones and read what was written, so every command runs in-process under test.
 */
import type { Readable } from 'node:stream';

export interface OutputStream {
  write(chunk: string): unknown;
  /** True when a terminal is attached: colours, progress bars and pretty logs only then. */
  isTTY?: boolean;
}

export interface CliIO {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
  };
}

/**
 * Thrown by a command to end with a specific exit code after it has printed what it had to say.
 * `message`, when given, is printed to stderr as `drover: <message>`.
 */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    message = '',
  ) {
    super(message);
    this.name = 'CliExit';
  }
}
