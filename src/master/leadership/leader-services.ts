/**
 * The services only the scheduling leader runs: the scheduling engine, the dispatcher that pushes its
 * assignments to agents, the agent monitor and the job lifecycle services. Started when this master wins
 * the leadership, stopped when it loses it or shuts down; every master builds them, one runs them.
 */
import type { Kysely } from 'kysely';
import { durationMs } from '../../core/config/duration.js';
import type { Database } from '../../db/database.js';
import type { MasterContext } from '../context.js';
import { listUndeliveredAssignments } from '../../db/scheduling/assignment-payload.repository.js';
import { AgentClient } from '../dispatch/agent-client.js';
import { Dispatcher } from '../dispatch/dispatcher.js';
import { TaskStopper } from '../dispatch/task-stopper.js';
import { AgentMonitor } from '../agents-monitor/agent-monitor.js';
import { JobActions } from '../lifecycle/job-actions.js';
import { LifecycleServices } from '../lifecycle/lifecycle-services.js';
import { Notifier } from '../lifecycle/notifier.js';
import { SchedulerEngine, type RoundReport } from '../scheduler/engine.js';
import { schedulingPolicy } from '../scheduler/farm-index.js';

/** Knobs tests turn down; production uses the defaults. */
export interface LeaderTimings {
  /** Delivery retries after the first attempt. Default 3. */
  dispatchRetries?: number;
  /** Delay before the first delivery retry (doubled each time, with jitter). Default 500 ms. */
  dispatchRetryDelayMs?: number;
  /** How long an agent that refused work gets none. Default 10 s. */
  refusalCooldownMs?: number;
  /** Concurrent deliveries (to different agents). Default 64. */
  dispatchConcurrency?: number;
  /** Between checks for silent agents. Default: a quarter of agent_offline_timeout, at most 5 s. */
  offlineCheckMs?: number;
  /** After the leader starts, how long before a silent agent may be lost. Default: agent_offline_timeout. */
  offlineGraceMs?: number;
  /** Retries of a poll request, and the delay before the first. Default 2 and 1 s. */
  pollRetries?: number;
  pollRetryDelayMs?: number;
  /** Delay of a completion mail after the job finished. Default 5 s. */
  completionMailDelayMs?: number;
}

export interface LeaderServicesOptions {
  ctx: MasterContext;
  timings?: LeaderTimings;
  /** The leadership fence checked in every assignment transaction. */
  fence?: (trx: Kysely<Database>) => Promise<void>;
  onRound?: (report: RoundReport) => void;
}

export class LeaderServices {
  readonly engine: SchedulerEngine;
  readonly dispatcher: Dispatcher;
  readonly client: AgentClient;
  readonly stopper: TaskStopper;
  readonly monitor: AgentMonitor;
  readonly notifier: Notifier;
  readonly jobs: JobActions;
  readonly lifecycle: LifecycleServices;
  private started = false;
  private readonly ctx: MasterContext;

  constructor(options: LeaderServicesOptions) {
    const { ctx, timings = {} } = options;
    this.ctx = ctx;
    const { config } = ctx;
    this.client = new AgentClient({
      urlTemplate: config.agent_api_url_template,
      userAgent: config.master_user_agent,
      timeoutMs: durationMs(config.agent_request_timeout),
    });
    this.engine = new SchedulerEngine({
      db: ctx.db,
      events: ctx.events,
      clock: ctx.clock,
      log: ctx.log.child({ component: 'scheduler' }),
      policy: schedulingPolicy(config),
      sweepIntervalMs: durationMs(config.assign_tasks_interval),
      ...(options.fence ? { fence: options.fence } : {}),
      onAssigned: (assignments) => void this.dispatcher.enqueue(assignments),
      ...(options.onRound ? { onRound: options.onRound } : {}),
    });
    this.dispatcher = new Dispatcher(ctx, {
      client: this.client,
      retries: timings.dispatchRetries ?? 3,
      retryDelayMs: timings.dispatchRetryDelayMs ?? 500,
      concurrency: timings.dispatchConcurrency ?? 64,
      refusalCooldownMs: timings.refusalCooldownMs ?? 10_000,
      coolDown: (agentId, until) => this.engine.coolDown(agentId, until),
    });
    this.stopper = new TaskStopper({
      client: this.client,
      log: ctx.log.child({ component: 'task-stopper' }),
      retries: timings.pollRetries ?? 2,
      retryDelayMs: timings.pollRetryDelayMs ?? 1000,
    });
    const offlineTimeoutMs = durationMs(config.agent_offline_timeout);
    this.monitor = new AgentMonitor({
      ctx,
      client: this.client,
      dispatcher: this.dispatcher,
      stopper: this.stopper,
      offlineTimeoutMs,
      startGraceMs: timings.offlineGraceMs ?? offlineTimeoutMs,
      checkIntervalMs: timings.offlineCheckMs ?? Math.min(5000, Math.max(250, offlineTimeoutMs / 4)),
      pollIntervalMs: durationMs(config.agent_poll_interval),
      windows: {
        idleMs: durationMs(config.poll_idle_agents_interval),
        busyMs: durationMs(config.poll_busy_agents_interval),
        offlineMs: durationMs(config.poll_offline_agents_interval),
      },
      pollRetries: timings.pollRetries ?? 2,
      pollRetryDelayMs: timings.pollRetryDelayMs ?? 1000,
      pollConcurrency: 16,
    });
    this.notifier = new Notifier(ctx);
    this.jobs = new JobActions(ctx, this.stopper, this.notifier);
    this.lifecycle = new LifecycleServices({
      ctx,
      actions: this.jobs,
      notifier: this.notifier,
      ...(timings.completionMailDelayMs !== undefined
        ? { completionDelayMs: timings.completionMailDelayMs }
        : {}),
    });
  }

  get running(): boolean {
    return this.started;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.engine.start();
    this.monitor.start();
    this.lifecycle.start();
    // A previous leader may have died between writing assignments and delivering them.
    void listUndeliveredAssignments(this.ctx.db)
      .then((assignments) => this.dispatcher.enqueue(assignments))
      .catch((err: unknown) => this.ctx.log.error({ err }, 'could not resume deliveries'));
  }

  async stop(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await this.lifecycle.stop();
    await this.monitor.stop();
    await this.engine.stop();
    await this.dispatcher.stop();
  }

  /** Resolves when the engine has no round to run and the dispatcher nothing to deliver. */
  async whenIdle(): Promise<void> {
    for (;;) {
      await this.engine.whenIdle();
      await this.dispatcher.whenIdle();
      // Events are delivered on later ticks: give them the chance to start new work.
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (this.engine.idle && this.dispatcher.idle) return;
    }
  }

  async close(): Promise<void> {
    await this.stop();
    await this.client.close();
    this.notifier.close();
  }
}
