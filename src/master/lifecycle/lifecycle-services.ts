/**
 * The job lifecycle services the leader runs (spec §3 "Other tasks", §6), each on its scheduler.yml
 * interval and, where a user waits for the effect, also right after the event that calls for it:
 * - a job marked for deletion is deleted (after its tasks are stopped) — on `job.changed` and every
 *   `delete_job_interval`;
 * - a paused job's running tasks are stopped and queued again — on `job.changed` and every
 *   `delete_job_interval`;
 * - finished jobs get their completion mail `completionDelayMs` after they finished (PyFarm: 5 s), and
 *   a check every minute catches any missed one;
 * - DONE jobs past their `autodelete_time` are marked and deleted — every `autodelete_old_job_interval`;
 * - statistics: agent counts, task counts per queue, consolidation of task events (`enable_statistics`);
 * - task logs: orphans removed every `orphaned_log_cleanup_interval`, files gzipped every
 *   `compress_log_interval`.
 * Every periodic job runs at most once at a time; failures are logged and retried on the next tick.
 */
import { durationMs } from '../../core/config/duration.js';
import type { Config } from '../../core/config/index.js';
import { WorkState } from '../../core/enums.js';
import {
  listJobsDueForAutodelete,
  listJobsMarkedForDeletion,
  listLifecycleStates,
  listPausedJobsWithHeldTasks,
  listUnnotifiedFinishedJobs,
  markJobsForDeletion,
} from '../../db/scheduling/lifecycle.repository.js';
import type { FarmWriter } from '../agents-monitor/agent-loss.service.js';
import type { MasterContext } from '../context.js';
import type { FarmEvent } from '../events/farm-events.js';
import type { JobActions } from './job-actions.js';
import type { Notifier } from './notifier.js';
import { consolidateTaskEvents, countAgents, countTasks } from './statistics-collector.js';
import { cleanUpOrphanedTaskLogs, compressTaskLogs } from '../tasklogs/task-log-maintenance.js';
import { configuredTaskLogStore } from '../tasklogs/task-log-store.js';

const { PAUSED, DONE, FAILED } = WorkState.values;

export interface LifecycleOptions {
  ctx: FarmWriter & Pick<MasterContext, 'statistics'> & { config: Config };
  actions: JobActions;
  notifier: Notifier;
  /** Delay of the completion mail after a job finished. Default 5 s (PyFarm's). */
  completionDelayMs?: number;
  /** A log file is compressed once unchanged this long. Default 60 s. */
  logSettleMs?: number;
}

export class LifecycleServices {
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly pendingJobs = new Set<number>();
  private pendingTimer: NodeJS.Timeout | undefined;
  private readonly mailTimers = new Set<NodeJS.Timeout>();
  private unsubscribe: (() => void) | undefined;
  private stopped = true;

  constructor(private readonly options: LifecycleOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const { ctx, notifier } = this.options;
    const { config } = ctx;
    this.unsubscribe = ctx.events.on((event) => this.handle(event));
    this.every('deletion', durationMs(config.delete_job_interval), () => this.deleteAndStop());
    this.every('autodelete', durationMs(config.autodelete_old_job_interval), () => this.autodelete());
    if (notifier.enabled) this.every('completion mails', 60_000, () => this.mailFinishedJobs());
    if (config.enable_statistics) {
      const now = () => ctx.clock.now();
      this.every('agent counts', durationMs(config.agent_count_interval), () =>
        countAgents(ctx.db, ctx.statistics, now()),
      );
      this.every('task counts', durationMs(config.task_count_interval), () =>
        countTasks(ctx.db, ctx.statistics, now()),
      );
      this.every(
        'event consolidation',
        durationMs(config.task_event_count_consolidate_interval),
        async () => {
          await ctx.taskEvents.flush();
          await consolidateTaskEvents(ctx.statistics);
        },
      );
    }
    const store = configuredTaskLogStore(config);
    this.every('orphaned logs', durationMs(config.orphaned_log_cleanup_interval), async () => {
      await cleanUpOrphanedTaskLogs(ctx, store);
    });
    this.every('log compression', durationMs(config.compress_log_interval), async () => {
      await compressTaskLogs(ctx, store, { settleMs: this.options.logSettleMs ?? 60_000 });
    });
    // What accumulated while no master led.
    this.run('deletion', () => this.deleteAndStop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    clearTimeout(this.pendingTimer);
    for (const timer of this.mailTimers) clearTimeout(timer);
    this.mailTimers.clear();
    await Promise.all(this.running.values());
  }

  /** Runs one named job now (if it is not running already) and resolves when it is done. */
  run(name: string, job: () => Promise<unknown>): Promise<void> {
    let current = this.running.get(name);
    if (current) return current;
    current = job()
      .then(() => undefined)
      .catch((err: unknown) => this.options.ctx.log.error({ err, job: name }, 'lifecycle job failed'))
      .finally(() => this.running.delete(name));
    this.running.set(name, current);
    return current;
  }

  /** Deletes the jobs marked for deletion and stops the tasks of paused jobs. */
  async deleteAndStop(): Promise<void> {
    const { ctx, actions } = this.options;
    for (const jobId of await listJobsMarkedForDeletion(ctx.db)) {
      if (!this.stopped) await actions.deleteMarkedJob(jobId);
    }
    for (const jobId of await listPausedJobsWithHeldTasks(ctx.db)) {
      if (!this.stopped) await actions.stopPausedJob(jobId);
    }
  }

  async autodelete(): Promise<void> {
    const { ctx, actions } = this.options;
    const due = await listJobsDueForAutodelete(ctx.db, ctx.clock.now());
    await markJobsForDeletion(ctx.db, due);
    for (const jobId of due) if (!this.stopped) await actions.deleteMarkedJob(jobId);
  }

  async mailFinishedJobs(): Promise<void> {
    for (const jobId of await listUnnotifiedFinishedJobs(this.options.ctx.db)) {
      if (!this.stopped) await this.options.notifier.sendCompletion(jobId);
    }
  }

  private every(name: string, ms: number, job: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const timer = setInterval(() => void this.run(name, job), ms);
    timer.unref();
    this.timers.push(timer);
  }

  private handle(event: FarmEvent): void {
    if (this.stopped) return;
    if (event.type === 'job.deleted' && event.heldTasks.length > 0) {
      // Deleted through the API: the rows are gone, the agents still run the tasks.
      const held = event.heldTasks;
      void this.run(`stop deleted ${event.jobId}`, () => this.options.actions.stopHeldTasks(held));
      return;
    }
    if (event.type !== 'job.changed' && event.type !== 'task.changed') return;
    this.pendingJobs.add(event.jobId);
    this.pendingTimer ??= setTimeout(() => {
      this.pendingTimer = undefined;
      const jobs = [...this.pendingJobs];
      this.pendingJobs.clear();
      void this.run(`jobs ${jobs.join(',')}`, () => this.checkJobs(jobs));
    }, 20);
  }

  /** What the events call for, job by job. */
  private async checkJobs(ids: readonly number[]): Promise<void> {
    const { ctx, actions, notifier } = this.options;
    for (const job of await listLifecycleStates(ctx.db, ids)) {
      if (this.stopped) return;
      if (job.toBeDeleted) await actions.deleteMarkedJob(job.id);
      else if (job.state === PAUSED) await actions.stopPausedJob(job.id);
      else if (
        (job.state === DONE || job.state === FAILED) &&
        !job.completionNotifySent &&
        notifier.enabled
      ) {
        const timer = setTimeout(() => {
          this.mailTimers.delete(timer);
          void this.run(`mail ${job.id}`, () => notifier.sendCompletion(job.id));
        }, this.options.completionDelayMs ?? 5000);
        this.mailTimers.add(timer);
      }
    }
  }
}
