/**
 * Runs one held assignment from load to the last delivered report (spec §5 "JobType lifecycle"):
 *   1. load the job type class (cache or master); a failure fails every task with the error text;
 *   2. instantiate it with a host bound to this assignment; open the CSV log and register it for every
 *      task (journaled, so the registration reaches the master before any state of those tasks);
 *   3. `beforeStart()` → `start()` → wait for every process; an exception stops it with the tasks failed;
 *   4. a task still without a final state is failed; close and upload the log; remove temp dirs;
 *   5. wait until the master has every report of this assignment, then drop it.
 */
import type { AssignmentTask, ReportedTaskState } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import type { JobTypeHost, NodeInfo, TaskStateReport } from '../jobtypes/jobtype-host.js';
import type { JobTypeLoader } from '../jobtypes/jobtype-loader.js';
import type { JobType } from '../jobtypes/jobtype.js';
import type { ManagedProcess } from '../jobtypes/managed-process.js';
import type { PathMapper } from '../jobtypes/path-mapping.js';
import { TaskLog } from '../jobtypes/task-log.js';
import type { Outbox } from '../master-client/outbox.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import type { HeldAssignment } from './assignments.js';

export interface RunnerContext {
  settings: AgentSettings;
  logger: Logger;
  loader: JobTypeLoader;
  outbox: Outbox;
  agentId: () => string;
  now: () => number;
  node: () => NodeInfo;
  pathMapper: () => Promise<PathMapper>;
  shuttingDown: () => boolean;
  processStarted: (p: ManagedProcess) => void;
  processEnded: (p: ManagedProcess) => void;
  /** Called once processes are about to start (forced announce "running"; the log becomes servable). */
  started: (held: HeldAssignment, log: TaskLog) => void;
  /** Called when the assignment is dropped. */
  finished: (held: HeldAssignment) => void;
}

export class AssignmentRunner {
  private log: TaskLog | undefined;
  private lastSeq = 0;

  constructor(
    private readonly held: HeldAssignment,
    private readonly ctx: RunnerContext,
  ) {}

  async run(): Promise<void> {
    const { held, ctx } = this;
    const logger = ctx.logger.child({
      assignment: held.view.id,
      job: held.view.job.id,
      jobtype: held.view.jobtype.name,
    });
    let instance: JobType | undefined;
    try {
      const pathMapping = ctx.pathMapper();
      let cls;
      try {
        cls = await ctx.loader.load(held.view.jobtype.name, held.view.jobtype.version);
      } catch (err) {
        logger.error({ err: (err as Error).message }, 'job type could not be loaded');
        for (const task of held.view.tasks)
          this.report(task, { state: 'failed', error: (err as Error).message });
        return;
      }
      if (held.cancelled || ctx.shuttingDown()) {
        for (const task of held.view.tasks) this.report(task, { state: 'queued' });
        return;
      }
      const pathMapper = await pathMapping;
      const host = this.host(logger, pathMapper);
      try {
        instance = new cls(held.view, host);
      } catch (err) {
        for (const task of held.view.tasks)
          this.report(task, {
            state: 'failed',
            error: `the job type's constructor failed: ${(err as Error).message}`,
          });
        return;
      }
      held.instance = instance;
      // The log is named after the instance's uuid, which exists only once the instance does; nothing
      // reads host.taskLog before beforeStart().
      this.log = new TaskLog(instance.getCsvlogPath(instance.uuid), ctx.now);
      host.taskLog = this.log;
      for (const task of held.view.tasks) {
        this.enqueue({
          kind: 'log_register',
          job: held.view.job.id,
          task: task.id,
          attempt: task.attempt,
          body: { identifier: this.log.identifier, agent_id: ctx.agentId() },
        });
      }
      held.phase = 'running';
      ctx.started(held, this.log);
      try {
        await instance.beforeStart();
        if (!held.cancelled) await instance.start();
        await instance.waitForProcesses();
      } catch (err) {
        logger.warn({ err: (err as Error).message }, 'the job type failed');
        await instance.stop({ failed: true, error: err });
      }
      if (held.cancelled) await instance.stop();
      await new Promise((r) => setImmediate(r)); // let exit handlers of the last process settle states
      for (const task of held.view.tasks) {
        if (
          instance.getLocalTaskState(task.id) === null ||
          instance.getLocalTaskState(task.id) === 'running'
        ) {
          if (ctx.shuttingDown() || instance.stopping) instance.setTaskState(task, 'queued');
          else instance.setTaskState(task, 'failed', 'the job type ended without settling this task');
        }
      }
    } catch (err) {
      logger.error({ err }, 'assignment crashed');
      for (const task of held.view.tasks) {
        if (!instance || instance.getLocalTaskState(task.id) === null)
          this.report(task, { state: 'failed', error: `agent error: ${(err as Error).message}` });
      }
    } finally {
      await this.finish(instance, logger);
    }
  }

  private async finish(instance: JobType | undefined, logger: Logger): Promise<void> {
    const { held, ctx } = this;
    held.phase = 'finishing';
    if (this.log) {
      this.log.close();
      const first = held.view.tasks[0]!;
      this.enqueue({
        kind: 'log_upload',
        job: held.view.job.id,
        task: first.id,
        attempt: first.attempt,
        identifier: this.log.identifier,
        path: this.log.path,
      });
    }
    try {
      instance?.cleanup();
    } catch (err) {
      logger.warn({ err }, 'cleanup failed');
    }
    if (!ctx.shuttingDown()) await ctx.outbox.whenDelivered(this.lastSeq);
    ctx.finished(held);
  }

  private enqueue(record: Parameters<Outbox['enqueue']>[0]): void {
    this.lastSeq = this.ctx.outbox.enqueue(record);
  }

  private report(task: AssignmentTask & { attempt: number }, report: TaskStateReport): void {
    const { held } = this;
    const body = {
      state: report.state,
      attempt: task.attempt,
      ...(report.error !== undefined ? { last_error: report.error } : {}),
      ...(report.state === 'queued' ? { agent_id: null } : {}),
      ...(report.startedAt !== undefined ? { time_started: new Date(report.startedAt).toISOString() } : {}),
    };
    this.enqueue({ kind: 'task_report', job: held.view.job.id, task: task.id, body });
    if (this.log) {
      this.enqueue({
        kind: 'log_state',
        job: held.view.job.id,
        task: task.id,
        attempt: task.attempt,
        identifier: this.log.identifier,
        body: { state: report.state as ReportedTaskState },
      });
    }
  }

  private host(logger: Logger, pathMapper: PathMapper): JobTypeHost & { taskLog: TaskLog } {
    const { ctx, held } = this;
    const attemptOf = (task: AssignmentTask) =>
      held.view.tasks.find((t) => t.id === task.id)?.attempt ?? task.attempt ?? 0;
    return {
      settings: ctx.settings.jobtypes,
      logger,
      pathMapper,
      taskLog: undefined as unknown as TaskLog,
      defaultCwd: ctx.settings.chdir ?? process.cwd(),
      now: ctx.now,
      node: ctx.node,
      shuttingDown: ctx.shuttingDown,
      reportTaskState: (task, report) => this.report({ ...task, attempt: attemptOf(task) }, report),
      reportTaskProgress: (task, progress) =>
        this.enqueue({
          kind: 'task_report',
          job: held.view.job.id,
          task: task.id,
          body: { progress, attempt: attemptOf(task) },
        }),
      reportFailedOnAgent: (task) =>
        this.enqueue({
          kind: 'failed_on_agent',
          job: held.view.job.id,
          task: task.id,
          body: { id: ctx.agentId() },
        }),
      processStarted: ctx.processStarted,
      processEnded: ctx.processEnded,
    };
  }
}
