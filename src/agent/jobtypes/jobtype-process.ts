/**
 * A process as a job type sees it (PyFarm's ProcessProtocol): which command it runs, which tasks it
 * stands for, its pid, kill/terminate/interrupt — and the plumbing from raw output chunks to whole lines.
 */
import type { AssignmentTask } from '../../api/agent-protocol/index.js';
import type { CommandData } from './command-data.js';
import { LineSplitter } from './line-splitter.js';
import { ManagedProcess, type ProcessExit } from './managed-process.js';

export interface LineHandlers {
  stdout(process: JobProcess, line: string): void;
  stderr(process: JobProcess, line: string): void;
}

export class JobProcess {
  exit: ProcessExit | undefined;
  /** Resolves once the process ended and its last output line was handled. */
  readonly ended: Promise<ProcessExit>;
  readonly managed: ManagedProcess;

  private constructor(
    readonly command: CommandData,
    readonly tasks: readonly (AssignmentTask & { attempt: number })[],
    ids: { uid?: number; gid?: number },
    handlers: LineHandlers,
    killDelayMs: number,
  ) {
    const stdout = new LineSplitter((line) => handlers.stdout(this, line));
    const stderr = new LineSplitter((line) => handlers.stderr(this, line));
    this.managed = new ManagedProcess(
      { command: command.command, args: command.args, env: command.env ?? {}, cwd: command.cwd!, ...ids },
      { stdout: (chunk) => stdout.push(chunk), stderr: (chunk) => stderr.push(chunk) },
      killDelayMs,
    );
    this.ended = this.managed.exited.then((exit) => {
      stdout.end();
      stderr.end();
      this.exit = exit;
      return exit;
    });
  }

  /** Starts a validated command. */
  static start(
    command: CommandData,
    tasks: readonly (AssignmentTask & { attempt: number })[],
    ids: { uid?: number; gid?: number },
    handlers: LineHandlers,
    killDelayMs: number,
  ): JobProcess {
    return new JobProcess(command, tasks, ids, handlers, killDelayMs);
  }

  get id(): string {
    return this.managed.id;
  }

  get pid(): number | undefined {
    return this.managed.pid;
  }

  /** True until the process ended and its output was handled. */
  get running(): boolean {
    return this.exit === undefined;
  }

  kill(): Promise<ProcessExit> {
    return this.managed.stop('SIGKILL');
  }

  terminate(): Promise<ProcessExit> {
    return this.managed.stop('SIGTERM');
  }

  interrupt(): void {
    this.managed.interrupt();
  }
}
