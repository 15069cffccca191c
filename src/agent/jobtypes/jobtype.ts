/**
 * The base class of every job type (the seed's `pyfarm.jobtypes.core.jobtype.JobType`, camelCased). A job
 * type module imports it as `import { JobType, CommandData } from 'drover/jobtype'` and overrides hooks:
 *
 *   export class Hello extends JobType {
 *     getCommandData() {
 *       return new CommandData('echo', [`frame ${this.tasks[0].frame}`]);
 *     }
 *   }
 *
 * Lifecycle (driven by the agent): `beforeStart()` → `start()` (default: `getCommandData()` and one
 * process per CommandData, one after another unless `parallelProcesses`) → for each process
 * `beforeSpawnProcess()`, `processStarted()`, every output line through `preprocess…Line` → `format…Line`
 * → `log…Line` → `process…Line`, then `isSuccessful()` and `processStopped()`. Task states go to the master
 * through `setTaskState`/`setTaskProgress`; a task left without a final state when everything has ended
 * is failed. `stop()` ends the processes and hands unfinished tasks back (or fails them).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { AssignmentJob, AssignmentTask, ReportedTaskState } from '../../api/agent-protocol/index.js';
import { DroverError, ValidationError } from '../../core/errors.js';
import { resolveGid, resolveUid } from '../system/users.js';
import { CommandData } from './command-data.js';
import type { AssignmentView, JobTypeHost, NodeInfo } from './jobtype-host.js';
import { JobProcess } from './jobtype-process.js';
import { OutputTail } from './output-tail.js';
import { formatError, processEnvironment, processIds } from './process-setup.js';
import { ProgressThrottle } from './progress-throttle.js';
import { describeExit, type ProcessExit } from './managed-process.js';
import { expandvars } from './path-mapping.js';
import { taskLogFilename } from './task-log.js';

export type TaskRef = number | AssignmentTask;
export type TaskState = ReportedTaskState;

export interface StopOptions {
  /** KILL ends at once; TERM (the default) is followed by KILL after the kill delay; INT only interrupts. */
  signal?: 'KILL' | 'TERM' | 'INT';
  /** Fail the unfinished tasks (with `error`) instead of handing them back to the master. */
  failed?: boolean;
  /** Also ask the master never to give these tasks to this agent again. */
  avoidReassignment?: boolean;
  error?: unknown;
}

const SIGNALS = { KILL: 'SIGKILL', TERM: 'SIGTERM', INT: 'SIGINT' } as const;

export class JobType {
  /** This instance's id (the "jobtype id" of `current_assignments`, `$PROCESS` of log names). */
  readonly uuid: string = randomUUID();
  readonly finishedTasks = new Set<number>();
  readonly failedTasks = new Set<number>();
  /** Start all CommandData of `getCommandData()` at once instead of one after another. */
  parallelProcesses = false;

  private readonly localStates = new Map<number, TaskState>();
  private readonly processes = new Set<JobProcess>();
  private readonly tempdirs: string[] = [];
  private defaultTempdir: string | undefined;
  private environment: Record<string, string> | undefined;
  private readonly progress = new ProgressThrottle<AssignmentView['tasks'][number]>(
    (task, value) => this.host.reportTaskProgress(task, value),
    (task) => !this.isFinal(task.id),
  );
  private readonly tails = new OutputTail<JobProcess>();
  private stopPromise: Promise<void> | undefined;

  constructor(
    readonly assignment: AssignmentView,
    protected readonly host: JobTypeHost,
  ) {}

  get job(): AssignmentJob {
    return this.assignment.job;
  }

  get tasks(): AssignmentView['tasks'] {
    return this.assignment.tasks;
  }

  /** True once `stop()` was called: no new process starts and exits no longer decide task states. */
  get stopping(): boolean {
    return this.stopPromise !== undefined;
  }

  assignments(): AssignmentView['tasks'] {
    return this.tasks;
  }

  node(): NodeInfo {
    return this.host.node();
  }

  // ---- overridable hooks --------------------------------------------------------------------------

  /** The process(es) to run. Must be overridden unless `start()` is. */
  getCommandData(): CommandData | CommandData[] | Promise<CommandData | CommandData[]> {
    throw new JobTypeNotImplementedError(
      `${this.constructor.name} must override getCommandData() or start()`,
    );
  }

  beforeStart(): void | Promise<void> {}

  /** Called with each command before its process is spawned; changes to `command` apply. */
  beforeSpawnProcess(command: CommandData): void {
    this.logInternal(
      `starting ${[command.command, ...command.args].map(quoteArg).join(' ')} in ${command.cwd}`,
    );
  }

  /** Default: the process's tasks are running. */
  processStarted(process: JobProcess): void {
    for (const task of process.tasks) if (!this.isFinal(task.id)) this.setTaskState(task, 'running');
  }

  /** Default: the process's unfinished tasks are done when it succeeded, failed otherwise. */
  processStopped(process: JobProcess, exit: ProcessExit): void {
    if (this.stopping) return;
    const ok = this.isSuccessful(process, exit);
    const error = ok ? undefined : this.describeFailure(process, exit);
    for (const task of process.tasks) {
      if (this.isFinal(task.id)) continue;
      if (ok) this.setTaskState(task, 'done');
      else this.setTaskState(task, 'failed', error);
    }
  }

  isSuccessful(_process: JobProcess, exit: ProcessExit): boolean {
    return exit.exitCode === 0 && exit.signal === null && !exit.startError && !exit.killedFor;
  }

  /** Return false to drop the line, a string to replace it, nothing to keep it. */
  preprocessStdoutLine(_process: JobProcess, _line: string): string | false | void {}
  preprocessStderrLine(_process: JobProcess, _line: string): string | false | void {}
  formatStdoutLine(_process: JobProcess, line: string): string {
    return line;
  }
  formatStderrLine(_process: JobProcess, line: string): string {
    return line;
  }
  logStdoutLine(process: JobProcess, line: string): void {
    this.host.taskLog.write(0, process.pid ?? null, line);
    if (this.host.settings.captureProcessOutput)
      this.host.logger.info({ pid: process.pid, stream: 'stdout' }, line);
  }
  logStderrLine(process: JobProcess, line: string): void {
    this.host.taskLog.write(1, process.pid ?? null, line);
    if (this.host.settings.captureProcessOutput)
      this.host.logger.info({ pid: process.pid, stream: 'stderr' }, line);
  }
  processStdoutLine(_process: JobProcess, _line: string): void {}
  processStderrLine(process: JobProcess, line: string): void {
    this.processStdoutLine(process, line);
  }

  handleStdoutLine(process: JobProcess, line: string): void {
    const pre = this.preprocessStdoutLine(process, line);
    if (pre === false) return;
    const formatted = this.formatStdoutLine(process, typeof pre === 'string' ? pre : line);
    this.tails.add(process, formatted);
    this.logStdoutLine(process, formatted);
    this.processStdoutLine(process, formatted);
  }

  handleStderrLine(process: JobProcess, line: string): void {
    const pre = this.preprocessStderrLine(process, line);
    if (pre === false) return;
    const formatted = this.formatStderrLine(process, typeof pre === 'string' ? pre : line);
    this.tails.add(process, formatted);
    this.logStderrLine(process, formatted);
    this.processStderrLine(process, formatted);
  }

  // ---- running ------------------------------------------------------------------------------------

  /** Default: run the CommandData of `getCommandData()` (sequentially unless `parallelProcesses`). */
  async start(): Promise<void> {
    const data = await this.getCommandData();
    const commands = Array.isArray(data) ? data : [data];
    if (commands.length === 0) return;
    if (this.parallelProcesses) {
      await Promise.all(commands.map((c) => this.spawnProcess(c).ended));
      return;
    }
    for (const command of commands) {
      if (this.stopping) return;
      await this.spawnProcess(command).ended;
    }
  }

  /** Starts one process for `command` and wires its output and exit into the hooks. */
  spawnProcess(command: CommandData): JobProcess {
    if (!(command instanceof CommandData)) throw new ValidationError('spawnProcess() needs a CommandData');
    if (this.stopping) throw new ValidationError('the job type is stopping; no new process may start');
    command.setDefaultEnvironment(this.getEnvironment());
    command.validate(this.host.defaultCwd);
    const ids = this.idsFor(command);
    this.beforeSpawnProcess(command);
    const tasks = this.tasks.filter((t) => ids.has(t.id));
    const process = JobProcess.start(
      command,
      tasks,
      processIds(command, this.host.settings, (u, g) => this.getUidGid(u, g)),
      {
        stdout: (p, line) => this.handleStdoutLine(p, line),
        stderr: (p, line) => this.handleStderrLine(p, line),
      },
      this.host.settings.killDelayMs,
    );
    const managed = process.managed;
    this.processes.add(process);
    if (managed.pid !== undefined) {
      this.host.processStarted(managed);
      managed.watchRam({
        warningMb: this.job.ram_warning,
        maxMb: this.job.ram_max,
        onWarning: (mb) =>
          this.logInternal(
            `process tree uses ${Math.round(mb)} MB, above the job's ram_warning of ${this.job.ram_warning} MB`,
          ),
        onExceeded: (mb) =>
          this.logInternal(
            `process tree uses ${Math.round(mb)} MB, above the job's ram_max of ${this.job.ram_max} MB: killing it`,
          ),
      });
      this.processStarted(process);
    }
    void process.ended.then((exit) => {
      this.host.processEnded(managed);
      this.logInternal(describeExit(command.command, managed.pid, exit));
      try {
        this.processStopped(process, exit);
      } catch (err) {
        this.host.logger.error({ err, jobtype: this.assignment.jobtype.name }, 'processStopped failed');
        for (const task of process.tasks)
          if (!this.isFinal(task.id)) this.setTaskState(task, 'failed', this.formatError(err));
      }
    });
    return process;
  }

  /**
   * Ends the processes (TERM, then KILL after the delay) and settles the unfinished tasks: handed back to
   * the master (`queued`, no agent) unless `failed`. Calling it again returns the first call's promise.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopPromise ??= (async () => {
      const signal = SIGNALS[options.signal ?? 'TERM'];
      await Promise.all(
        [...this.processes]
          .filter((p) => p.running)
          .map((p) => {
            if (signal === 'SIGINT') {
              p.interrupt();
              return p.ended;
            }
            return p.managed.stop(signal);
          }),
      );
      const error =
        options.error === undefined ? 'the assignment was stopped' : this.formatError(options.error);
      for (const task of this.tasks) {
        if (this.isFinal(task.id)) continue;
        if (options.failed && !this.host.shuttingDown()) this.setTaskState(task, 'failed', error);
        else this.setTaskState(task, 'queued');
      }
      if (options.avoidReassignment) for (const task of this.tasks) this.host.reportFailedOnAgent(task);
    })();
    return this.stopPromise;
  }

  /** Waits for every process started so far (including ones a custom `start()` did not await). */
  async waitForProcesses(): Promise<void> {
    for (;;) {
      const running = [...this.processes].filter((p) => p.running);
      if (running.length === 0) return;
      await Promise.all(running.map((p) => p.ended));
    }
  }

  // ---- task state ---------------------------------------------------------------------------------

  setTaskState(ref: TaskRef, state: TaskState, error?: unknown): void {
    const task = this.task(ref);
    if (!['running', 'done', 'failed', 'queued'].includes(state)) {
      throw new ValidationError(`unknown task state ${JSON.stringify(state)}`, {
        field: 'state',
        value: state,
      });
    }
    if (error !== undefined && state !== 'failed') {
      throw new ValidationError('an error may only be given with the state "failed"', {
        field: 'error',
        value: error,
      });
    }
    if (this.localStates.get(task.id) === state) return;
    // While the agent shuts down its tasks are handed back, never failed (spec §4).
    if (state === 'failed' && this.host.shuttingDown()) return;
    this.localStates.set(task.id, state);
    if (state === 'done') {
      this.finishedTasks.add(task.id);
      this.failedTasks.delete(task.id);
    } else if (state === 'failed') {
      this.failedTasks.add(task.id);
      this.finishedTasks.delete(task.id);
    }
    if (state !== 'running') this.progress.cancel(task);
    const message = error === undefined ? undefined : this.formatError(error);
    this.logInternal(`task ${task.id} (frame ${task.frame}) is now ${state}${message ? `: ${message}` : ''}`);
    this.host.reportTaskState(task, {
      state,
      ...(message !== undefined ? { error: message } : {}),
      ...(state === 'running' ? { startedAt: this.host.now() } : {}),
    });
  }

  setStates(tasks: readonly TaskRef[], state: TaskState, error?: unknown): void {
    for (const task of tasks) this.setTaskState(task, state, error);
  }

  /** Progress 0..1, sent at most once a second per task (the last value always arrives). */
  setTaskProgress(ref: TaskRef, progress: number): void {
    const task = this.task(ref);
    if (!Number.isFinite(progress)) return;
    const value = Math.min(1, Math.max(0, progress));
    if (this.isFinal(task.id)) return;
    this.progress.set(task, value);
  }

  /** The state this assignment last gave the task, or null if it has not changed it. */
  getLocalTaskState(taskId: number): TaskState | null {
    return this.localStates.get(taskId) ?? null;
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /** A path written for any OS, mapped for this agent (the master's path maps), then expanded. */
  mapPath(path: string): string {
    return this.expandvars(this.host.pathMapper.map(path));
  }

  expandvars(value: string, environment?: Readonly<Record<string, string>>, expand?: boolean): string {
    if (!(expand ?? this.host.settings.expandvars)) return value;
    return expandvars(value, environment ?? this.getEnvironment());
  }

  /** The environment of new processes (see process-setup.ts); the job's `environ` applies. */
  getEnvironment(): Record<string, string> {
    this.environment ??= processEnvironment(this.host.settings, this.job, {
      assignment: this.assignment.id,
      jobtypeUuid: this.uuid,
    });
    return { ...this.environment };
  }

  getUidGid(
    user: string | number | undefined,
    group: string | number | undefined,
  ): { uid?: number; gid?: number } {
    return {
      ...(user !== undefined ? { uid: resolveUid(user) } : {}),
      ...(group !== undefined ? { gid: resolveGid(group) } : {}),
    };
  }

  getCommandList(list: readonly (string | number)[]): readonly string[] {
    return Object.freeze(list.map((v) => String(v)));
  }

  getCsvlogPath(processUuid: string, createTime = new Date(this.host.now())): string {
    const settings = this.host.settings;
    return join(
      settings.taskLogDir,
      taskLogFilename(settings.taskLogFilename, { time: createTime, job: this.job.id, process: processUuid }),
    );
  }

  /**
   * A temporary directory under `jobtype_tempdir_root`; the same one on every call unless `new`.
   * Removed when the assignment ends unless `removeOnFinish` is false.
   */
  tempdir(options: { new?: boolean; removeOnFinish?: boolean } = {}): string {
    if (!options.new && this.defaultTempdir) return this.defaultTempdir;
    const root = this.host.settings.tempdirRoot.replace(/\$\{?JOBTYPE_UUID\}?/g, this.uuid);
    mkdirSync(root, { recursive: true });
    const dir = mkdtempSync(join(root, 'tmp-'));
    if (options.removeOnFinish ?? true) this.tempdirs.push(dir);
    if (!options.new) this.defaultTempdir = dir;
    return dir;
  }

  /** A line from the job type itself in the task log (stream "jobtype"). */
  log(message: string): void {
    this.host.taskLog.write('jobtype', null, message);
  }

  formatError(error: unknown): string {
    return formatError(error);
  }

  /** Removes the temporary directories; called by the agent when the assignment is over. */
  cleanup(): void {
    this.progress.clear();
    for (const dir of this.tempdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }

  protected logInternal(message: string): void {
    this.host.taskLog.write('internal', null, message);
  }

  private isFinal(taskId: number): boolean {
    return (
      this.finishedTasks.has(taskId) ||
      this.failedTasks.has(taskId) ||
      this.localStates.get(taskId) === 'queued'
    );
  }

  private task(ref: TaskRef): AssignmentView['tasks'][number] {
    const id = typeof ref === 'number' ? ref : ref.id;
    const task = this.tasks.find((t) => t.id === id);
    if (!task)
      throw new ValidationError(`task ${id} is not part of this assignment`, { field: 'task', value: id });
    return task;
  }

  private idsFor(command: CommandData): Set<number> {
    if (!command.tasks) return new Set(this.tasks.map((t) => t.id));
    for (const id of command.tasks) this.task(id);
    return new Set(command.tasks);
  }

  private describeFailure(process: JobProcess, exit: ProcessExit): string {
    const tail = this.tails.get(process);
    const head = describeExit(process.command.command, process.pid, exit);
    return tail.length > 0 ? `${head}; last output:\n${tail.join('\n')}` : head;
  }
}

class JobTypeNotImplementedError extends DroverError {
  readonly code = 'jobtype_not_implemented';
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
