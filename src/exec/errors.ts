/**
 * Errors of the parallel shell. They mirror ClusterShell's exceptions (Task.py, Worker.py, Topology.py,
 * Propagation.py) so that `drover exec` can report them with clush's wording, and each carries the data
 * a caller needs (the faulty template part, the node, the topology file).
 */
import { DroverError } from '../core/errors.js';

export abstract class ExecError extends DroverError {}

/**
 * A command or copy path template uses `%` wrongly (`%x`, a lone `%`). The message is clush's:
 * `'x' is not a valid pattern, use '%%' to escape '%'`.
 */
export class CommandTemplateError extends ExecError {
  readonly code = 'command_template';

  constructor(
    readonly template: string,
    /** What Python's string.Template reports: the unknown name quoted, or the invalid position. */
    readonly detail: string,
  ) {
    super(`${detail} is not a valid pattern, use '%%' to escape '%'`);
  }
}

/** A worker was misused: scheduled twice, queried before being scheduled, bad constructor input. */
export class WorkerError extends ExecError {
  readonly code = 'worker';
}

/** A task-level misuse, e.g. tree mode forced without a topology. */
export class TaskError extends ExecError {
  readonly code: string = 'task';
}

/** `run()`/`resume()` was called while the task was already running. */
export class AlreadyRunningError extends TaskError {
  override readonly code = 'task_already_running';

  constructor() {
    super('task is already running');
  }
}

/** The hard time limit given to `run({ timeout })` was reached; every command still running was killed. */
export class TaskTimeoutError extends TaskError {
  override readonly code = 'task_timeout';

  constructor(readonly seconds: number) {
    super(`task timed out after ${seconds} s`);
  }
}

/** A buffer was read from a message tree that the task was told not to keep (`stdout_msgtree: false`). */
export class MsgTreeDisabledError extends TaskError {
  override readonly code = 'msgtree_disabled';

  constructor(readonly stream: string) {
    super(`${stream}_msgtree not set`);
  }
}

/** A transport could not start or carry a command (the ssh binary is missing, an agent refused, ...). */
export class TransportError extends ExecError {
  readonly code = 'transport';

  constructor(
    readonly transport: string,
    readonly node: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The topology file is invalid (syntax, loops, convergent paths, unknown root). */
export class TopologyError extends ExecError {
  readonly code = 'topology';
}

/** No route leads from this host to a node through the topology. */
export class RouteResolvingError extends ExecError {
  readonly code = 'route';
}
