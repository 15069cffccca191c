/**
 * A process as a job type sees it (PyFarm's ProcessProtocol): which command it runs, which tasks it
 * stands for, its pid, and kill/terminate/interrupt.
 */
import type { AssignmentTask } from '../../api/agent-protocol/index.js';
import type { CommandData } from './command-data.js';
import type { ManagedProcess, ProcessExit } from './managed-process.js';

export class JobProcess {
  exit: ProcessExit | undefined;

  constructor(
    readonly command: CommandData,
    readonly tasks: readonly (AssignmentTask & { attempt: number })[],
    readonly managed: ManagedProcess,
  ) {}

  get id(): string {
    return this.managed.id;
  }

  get pid(): number | undefined {
    return this.managed.pid;
  }

  get running(): boolean {
    return this.managed.running;
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
