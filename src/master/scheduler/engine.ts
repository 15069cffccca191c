/**
 * The scheduling engine: event-driven rounds over the in-memory index, the database as the record.
 *
 * A round (never two at once):
 * 1. brings the index up to date: a full rebuild (at start, by the periodic sweep, after an error), or
 *    re-reading just the rows named by the events since the last round;
 * 2. decides for the agents that may take work: every agent with room when work may have appeared, else
 *    only the agents whose situation changed (a finished task frees its agent);
 * 3. writes all assignments in one transaction (`claimTasks`, which re-checks each against the record
 *    and refuses stale ones), then announces them and hands them to the dispatcher.
 * Events that arrive during a round are gathered and handled by the next one, so a burst costs one
 * round, and an event is acted on within milliseconds. Rounds start at least `minRoundGapMs` apart (5 ms
 * by default): under a steady stream of reports and registrations (thousands a second) the events of a
 * few requests share one round instead of each paying for its own re-reads and decisions, while an
 * event on a quiet farm is still acted on at once. The sweep (`assign_tasks_interval`) only catches
 * what an event missed.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logging.js';
import type { Database } from '../../db/database.js';
import { listChildJobIds } from '../../db/scheduling/scheduling-snapshot.repository.js';
import {
  claimTasks,
  listJobsToStop,
  type TaskClaim,
} from '../../db/scheduling/task-assignment.repository.js';
import type { FarmEvent, FarmEvents } from '../events/farm-events.js';
import type { Decision } from './decide.js';
import type { FarmIndex, SchedulingPolicy } from './farm-index.js';
import { fillAgents, mayTakeWork } from './fill.js';
import { HELD } from './job-tasks.js';
import { loadFarmIndex, refreshTasks, reloadAgents, reloadJobs, reloadQueues } from './index-loader.js';
import { PendingChanges } from './pending-changes.js';

/** An assignment as committed: what the dispatcher sends to the agent. */
export interface CommittedAssignment {
  readonly agentId: string;
  readonly jobId: number;
  readonly tasks: readonly { id: number; frame: number; tile: number | null }[];
}

export interface RoundReport {
  readonly full: boolean;
  readonly candidates: number;
  readonly assigned: number;
  readonly refused: number;
  readonly refreshMs: number;
  readonly decideMs: number;
  readonly writeMs: number;
}

export interface SchedulerEngineOptions {
  db: Kysely<Database>;
  events: FarmEvents;
  clock: Clock;
  log: Logger;
  policy: SchedulingPolicy;
  /** The safety-net sweep (`assign_tasks_interval`); 0 disables it. */
  sweepIntervalMs: number;
  /** Checked inside every assignment transaction (the leadership fence). */
  fence?: (trx: Kysely<Database>) => Promise<void>;
  onAssigned?: (assignments: readonly CommittedAssignment[]) => void;
  onRound?: (report: RoundReport) => void;
  /** Least time between the starts of two rounds; events in between wait and share the next. Default 5 ms. */
  minRoundGapMs?: number;
}

const ERROR_BACKOFF_MS = 1000;
const DEFAULT_MIN_ROUND_GAP_MS = 5;

export class SchedulerEngine {
  private index: FarmIndex | undefined;
  private readonly pending = new PendingChanges();
  private looping = false;
  private stopped = true;
  /** Tasks this engine assigned and announced: their events are not news to it. */
  private readonly ownTaskEvents = new Set<number>();
  private unsubscribe: (() => void) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private cooldownTimer: NodeJS.Timeout | undefined;
  private idleWaiters: (() => void)[] = [];
  /** Agents that get no new work before the given time (kept across index rebuilds). */
  private readonly cooldowns = new Map<string, number>();
  private current: Promise<void> | undefined;
  /** performance.now() at the start of the last round. */
  private lastRoundAt = Number.NEGATIVE_INFINITY;
  /** Totals since start (metrics, diagnostics). */
  readonly totals = { rounds: 0, assigned: 0, refused: 0, refreshMs: 0, decideMs: 0, writeMs: 0 };

  constructor(private readonly options: SchedulerEngineOptions) {}

  /** Builds the index and starts reacting to events. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.unsubscribe = this.options.events.on((event) => this.handle(event));
    this.pending.full = true;
    if (this.options.sweepIntervalMs > 0) {
      this.sweepTimer = setInterval(() => {
        this.pending.full = true;
        this.kick();
      }, this.options.sweepIntervalMs);
      this.sweepTimer.unref();
    }
    this.kick();
  }

  /** Stops reacting; resolves when the round in progress (if any) has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.sweepTimer);
    clearTimeout(this.cooldownTimer);
    await this.current;
    this.index = undefined;
    this.releaseIdleWaiters();
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** The index as of the last round (read-only use: explanations, tests). */
  get snapshot(): FarmIndex | undefined {
    return this.index;
  }

  handle(event: FarmEvent): void {
    if (this.stopped) return;
    if (event.type === 'task.changed' && this.ownTaskEvents.delete(event.taskId)) return;
    this.pending.record(event);
    this.kick();
  }

  /** Rebuild the index at the next round. */
  requestFullSweep(): void {
    this.pending.full = true;
    this.kick();
  }

  /** No new assignment for the agent before `until` (after a refused or failed delivery). */
  coolDown(agentId: string, until: number): void {
    this.cooldowns.set(agentId, Math.max(this.cooldowns.get(agentId) ?? 0, until));
    const agent = this.index?.agents.get(agentId);
    if (agent) agent.cooldownUntil = this.cooldowns.get(agentId)!;
    this.scheduleCooldownEnd();
  }

  get idle(): boolean {
    return this.stopped || (!this.looping && this.pending.empty);
  }

  /** Resolves when no round is running or pending (tests and benchmarks). */
  whenIdle(): Promise<void> {
    if (this.stopped || (!this.looping && this.pending.empty)) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.stopped || this.looping) return;
    this.looping = true;
    setImmediate(() => {
      this.current = this.loop();
    });
  }

  private async loop(): Promise<void> {
    try {
      while (!this.stopped && !this.pending.empty) {
        const wait =
          this.lastRoundAt + (this.options.minRoundGapMs ?? DEFAULT_MIN_ROUND_GAP_MS) - performance.now();
        if (wait > 0) {
          await new Promise((resolve) => setTimeout(resolve, wait));
          if (this.stopped) break;
        }
        this.lastRoundAt = performance.now();
        const changes = this.pending.take();
        try {
          const report = await this.round(changes);
          const t = this.totals;
          t.rounds++;
          t.assigned += report.assigned;
          t.refused += report.refused;
          t.refreshMs += report.refreshMs;
          t.decideMs += report.decideMs;
          t.writeMs += report.writeMs;
          this.options.onRound?.(report);
        } catch (err) {
          if (this.stopped) break;
          this.options.log.error({ err }, 'scheduling round failed; the index is rebuilt');
          this.pending.full = true;
          await new Promise((resolve) => setTimeout(resolve, ERROR_BACKOFF_MS));
        }
      }
    } finally {
      this.looping = false;
      if (!this.stopped && !this.pending.empty) this.kick();
      else this.releaseIdleWaiters();
    }
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private async round(changes: PendingChanges): Promise<RoundReport> {
    const { db, clock, policy } = this.options;
    const started = performance.now();
    let workOpened = changes.workOpened;
    const touched = new Set(changes.touchedAgents);
    const full = changes.full || !this.index;
    if (full) {
      this.index = await loadFarmIndex(db, policy);
      this.ownTaskEvents.clear();
      workOpened = true;
    } else {
      workOpened = (await this.refresh(this.index!, changes, touched)) || workOpened;
    }
    const index = this.index!;
    const refreshed = performance.now();

    const now = clock.now();
    for (const [id, until] of this.cooldowns) {
      if (until <= now) this.cooldowns.delete(id);
      else {
        const agent = index.agents.get(id);
        if (agent) agent.cooldownUntil = until;
      }
    }
    const candidates = workOpened
      ? [...index.agents.values()].filter((agent) => mayTakeWork(index, agent, now))
      : [...touched].flatMap((id) => {
          const agent = index.agents.get(id);
          return agent && mayTakeWork(index, agent, now) ? [agent] : [];
        });
    const decisions = fillAgents(index, candidates, now);
    const decided = performance.now();

    let refused = 0;
    if (decisions.length > 0) refused = await this.commit(index, decisions, now);
    return {
      full,
      candidates: candidates.length,
      assigned: decisions.length - refused,
      refused,
      refreshMs: refreshed - started,
      decideMs: decided - refreshed,
      writeMs: performance.now() - decided,
    };
  }

  /** Re-reads what the events named. Returns whether new work may have appeared. */
  private async refresh(index: FarmIndex, changes: PendingChanges, touched: Set<string>): Promise<boolean> {
    const { db } = this.options;
    let workOpened = false;
    if (changes.queues) await reloadQueues(db, index);
    for (const id of changes.deletedAgents) index.removeAgent(id);
    if (changes.agents.size > 0) await reloadAgents(db, index, [...changes.agents]);

    const jobs = new Set(changes.jobs);
    for (const id of changes.deletedJobs) {
      for (const agentId of index.jobs.get(id)?.agents.keys() ?? []) touched.add(agentId);
      index.removeJob(id);
    }
    if (changes.tasks.size > 0) {
      const refresh = await refreshTasks(db, index, [...changes.tasks]);
      for (const id of refresh.reloadJobs) jobs.add(id);
      for (const agentId of refresh.formerHolders) touched.add(agentId);
      workOpened ||= refresh.requeued;
    }
    if (jobs.size > 0) {
      for (const id of jobs)
        for (const agentId of index.jobs.get(id)?.agents.keys() ?? []) touched.add(agentId);
      const removed = await reloadJobs(db, index, [...jobs]);
      workOpened ||= removed.length < jobs.size;
      // A finished job may unblock the jobs that wait for it.
      const children = (await listChildJobIds(db, [...removed, ...changes.deletedJobs])).filter(
        (id) => !jobs.has(id),
      );
      if (children.length > 0) {
        await reloadJobs(db, index, children);
        workOpened = true;
      }
    }
    return workOpened;
  }

  /** Writes the decisions; reverts (and re-reads next round) what the record refused. Returns the count refused. */
  private async commit(index: FarmIndex, decisions: readonly Decision[], now: number): Promise<number> {
    const claims: TaskClaim[] = decisions.map((d) => ({
      agentId: d.agent.id,
      jobId: d.job.id,
      taskIds: d.positions.map((pos) => d.job.tasks.ids[pos]!),
    }));
    let outcome;
    try {
      outcome = await claimTasks(this.options.db, claims, {
        now,
        ...(this.options.fence ? { fence: this.options.fence } : {}),
      });
    } catch (err) {
      // Nothing was written: the index holds decisions the record does not. Rebuild it.
      this.pending.full = true;
      throw err;
    }
    const byClaim = new Map(claims.map((claim, i) => [claim, decisions[i]!]));
    for (const { claim, reason } of outcome.refused) {
      const decision = byClaim.get(claim)!;
      for (const pos of decision.positions) {
        if (decision.job.tasks.statusAt(pos) === HELD && decision.job.tasks.holderAt(pos) === claim.agentId) {
          index.queueTask(decision.job, pos);
        }
      }
      this.options.log.debug(
        { agentId: claim.agentId, jobId: claim.jobId, reason },
        'assignment refused by the record',
      );
      this.pending.agents.add(claim.agentId);
      this.pending.jobs.add(claim.jobId);
      for (const id of claim.taskIds) this.pending.tasks.add(id);
    }
    const committed: CommittedAssignment[] = outcome.claimed.map((claim) => {
      const { job, positions } = byClaim.get(claim)!;
      return {
        agentId: claim.agentId,
        jobId: claim.jobId,
        tasks: positions.map((pos) => {
          const tile = job.tasks.tiles[pos]!;
          return { id: job.tasks.ids[pos]!, frame: job.tasks.frames[pos]!, tile: tile < 0 ? null : tile };
        }),
      };
    });
    for (const assignment of committed) {
      for (const task of assignment.tasks) {
        this.ownTaskEvents.add(task.id);
        this.options.events.emit({
          type: 'task.changed',
          jobId: assignment.jobId,
          taskId: task.id,
          agentId: null,
        });
      }
    }
    if (committed.length > 0) this.options.onAssigned?.(committed);
    // A job paused or marked for deletion while this round wrote (the jobs are not locked by it): announce
    // it again, so the lifecycle services stop what was just given out.
    if (committed.length > 0) {
      for (const jobId of await listJobsToStop(this.options.db, [
        ...new Set(committed.map((a) => a.jobId)),
      ])) {
        this.options.events.emit({ type: 'job.changed', jobId });
      }
    }
    return outcome.refused.length;
  }

  private scheduleCooldownEnd(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    let next = Infinity;
    for (const until of this.cooldowns.values()) if (until > now && until < next) next = until;
    clearTimeout(this.cooldownTimer);
    if (next === Infinity) return;
    this.cooldownTimer = setTimeout(() => {
      const at = this.options.clock.now();
      for (const [id, until] of this.cooldowns) {
        if (until > at) continue;
        this.cooldowns.delete(id);
        const agent = this.index?.agents.get(id);
        if (agent) agent.cooldownUntil = 0;
        this.pending.touchedAgents.add(id);
      }
      this.kick();
      this.scheduleCooldownEnd();
    }, next - now);
    this.cooldownTimer.unref();
  }
}
