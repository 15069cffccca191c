/**
 * Pushes committed assignments to agents (`POST <agent api>/assign`) and handles the answers as PyFarm's
 * send_tasks_to_agent did (spec §3):
 * - 200/201/202: the tasks are marked sent;
 * - 400 (the agent cannot run them: RAM, CPUs, a bad body): every task is taken back, attempt undone;
 * - 409: the `rejected_task_ids` are taken back (all when absent), the rest marked sent;
 * - 503, another 5xx, a timeout or no connection: retried with backoff and jitter; after the last retry
 *   the agent is lost (OFFLINE, its tasks back in the queue) — unless it registered again meanwhile (a
 *   restart: the registration re-sends what it lacks);
 * - any other answer (401/403: the agent does not accept our secret; 404: no such API) also loses it, so
 *   the scheduler does not feed it again before it re-announces.
 * A refusal (400/409) also cools the agent down briefly so it is not handed the same work in a loop.
 *
 * Deliveries to one agent go one after the other (its answers depend on what it already holds); agents
 * are served concurrently up to `concurrency`. Passive agents are never contacted: they fetch their
 * assignments (./assignments.routes.ts).
 */
import { UseAgentAddress, AgentState } from '../../core/enums.js';
import type { Logger } from '../../core/logging.js';
import {
  listAgentAddresses,
  listAssignmentJobFacts,
  listTaskAttempts,
} from '../../db/scheduling/assignment-payload.repository.js';
import { markTasksSent } from '../../db/scheduling/task-assignment.repository.js';
import { markAgentLost, releaseUndelivered, type FarmWriter } from '../agents-monitor/agent-loss.service.js';
import type { CommittedAssignment } from '../scheduler/engine.js';
import type { AgentClient } from './agent-client.js';
import { AgentUnreachableError, type AgentAddress } from './agent-client.js';
import { assignmentMessage, type AssignmentMessage } from './assignment-message.js';

export interface DispatcherOptions {
  client: AgentClient;
  /** Retries after the first attempt, and the delay before the first retry (doubled each time, ±50% jitter). */
  retries: number;
  retryDelayMs: number;
  concurrency: number;
  /** How long a refusing agent gets no new work. */
  refusalCooldownMs: number;
  coolDown(agentId: string, until: number): void;
}

interface Delivery {
  readonly agent: AgentAddress;
  readonly assignment: CommittedAssignment;
  readonly message: AssignmentMessage;
}

export class Dispatcher {
  private readonly lanes = new Map<string, Delivery[]>();
  private readonly active = new Set<string>();
  private readonly waiting: string[] = [];
  private stopped = false;
  private readonly stopping = new AbortController();
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private readonly log: Logger;

  constructor(
    private readonly ctx: FarmWriter,
    private readonly options: DispatcherOptions,
  ) {
    this.log = ctx.log.child({ component: 'dispatcher' });
  }

  /** Queues committed assignments for delivery; the payload facts are read here, in a few queries. */
  async enqueue(assignments: readonly CommittedAssignment[]): Promise<void> {
    if (this.stopped || assignments.length === 0) return;
    this.inFlight++;
    try {
      const agents = await listAgentAddresses(this.ctx.db, [...new Set(assignments.map((a) => a.agentId))]);
      const jobs = await listAssignmentJobFacts(this.ctx.db, [...new Set(assignments.map((a) => a.jobId))]);
      const attempts = await listTaskAttempts(
        this.ctx.db,
        assignments.flatMap((a) => a.tasks.map((t) => t.id)),
      );
      for (const assignment of assignments) {
        const agent = agents.get(assignment.agentId);
        const job = jobs.get(assignment.jobId);
        // Passive agents fetch their work; a vanished agent or job has nothing left to deliver.
        if (!agent || !job || agent.useAddress === UseAgentAddress.values.PASSIVE) continue;
        const address: AgentAddress = {
          ...agent,
          useAddress: agent.useAddress as AgentAddress['useAddress'],
        };
        const message = assignmentMessage(job, assignment.tasks, attempts);
        this.push({ agent: address, assignment, message });
      }
    } catch (err) {
      this.log.error({ err }, 'could not prepare deliveries; the agents get the tasks on reconciliation');
    } finally {
      this.inFlight--;
      this.maybeIdle();
    }
  }

  /** Sends tasks the record gives an agent again, one message per job (reconciliation). */
  async resend(
    agentId: string,
    tasks: readonly { id: number; jobId: number; frame: number; tile: number | null }[],
  ): Promise<void> {
    const byJob = new Map<number, { id: number; frame: number; tile: number | null }[]>();
    for (const task of tasks) {
      const list = byJob.get(task.jobId) ?? [];
      list.push({ id: task.id, frame: task.frame, tile: task.tile });
      byJob.set(task.jobId, list);
    }
    await this.enqueue([...byJob].map(([jobId, list]) => ({ agentId, jobId, tasks: list })));
  }

  /** Resolves when nothing is queued or being delivered. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    this.lanes.clear();
    this.waiting.length = 0;
    await this.whenIdle();
  }

  private push(delivery: Delivery): void {
    const id = delivery.agent.id;
    const lane = this.lanes.get(id);
    if (lane) {
      lane.push(delivery);
      return;
    }
    this.lanes.set(id, [delivery]);
    this.waiting.push(id);
    this.pump();
  }

  private pump(): void {
    while (!this.stopped && this.active.size < this.options.concurrency && this.waiting.length > 0) {
      const id = this.waiting.shift()!;
      this.active.add(id);
      void this.drain(id);
    }
  }

  private async drain(agentId: string): Promise<void> {
    try {
      for (;;) {
        const lane = this.lanes.get(agentId);
        const next = lane?.shift();
        if (!next) {
          this.lanes.delete(agentId);
          break;
        }
        try {
          await this.deliver(next);
        } catch (err) {
          // The database failed us: the reconciliation re-sends what was not marked sent.
          this.log.error({ err, agentId }, 'delivery bookkeeping failed');
        }
      }
    } finally {
      this.active.delete(agentId);
      this.pump();
      this.maybeIdle();
    }
  }

  private async deliver({ agent, assignment, message }: Delivery): Promise<void> {
    const taskIds = assignment.tasks.map((t) => t.id);
    const log = this.log.child({ agentId: agent.id, jobId: assignment.jobId });
    let lastProblem = '';
    for (let attempt = 0; attempt <= this.options.retries && !this.stopped; attempt++) {
      if (attempt > 0) await this.backoff(attempt);
      let status: number;
      let body: unknown;
      try {
        ({ status, body } = await this.options.client.call(agent, 'POST', '/assign', message));
      } catch (err) {
        if (!(err instanceof AgentUnreachableError)) throw err;
        lastProblem = err.message;
        continue;
      }
      if (status >= 200 && status < 300) {
        await markTasksSent(this.ctx.db, agent.id, taskIds, this.ctx.clock.now());
        return;
      }
      if (status === 409) {
        const rejected = rejectedIds(body, taskIds);
        log.info({ status, rejected }, 'agent refused tasks');
        // Cool down first: the released tasks must not go straight back to this agent.
        this.coolDown(agent.id);
        await releaseUndelivered(this.ctx, agent.id, rejected);
        const accepted = taskIds.filter((id) => !rejected.includes(id));
        if (accepted.length > 0) await markTasksSent(this.ctx.db, agent.id, accepted, this.ctx.clock.now());
        return;
      }
      if (status === 400) {
        log.info({ status, body }, 'agent cannot take the assignment');
        this.coolDown(agent.id);
        await this.learnFreeRam(agent.id, body);
        await releaseUndelivered(this.ctx, agent.id, taskIds);
        return;
      }
      if (status >= 500) {
        lastProblem = `answered ${status}`;
        continue;
      }
      lastProblem = `answered ${status}`;
      break;
    }
    if (this.stopped) return;
    if (await this.registeredAgainSince(agent)) {
      // A restart: the process this was addressed to is gone, and the agent's new registration (new
      // address, new secret) has reconciled what it holds, so the tasks of this delivery, still unsent,
      // are on their way to the new address. Losing the agent now would mark a live agent offline.
      log.info(
        { problem: lastProblem },
        'delivery to a previous run of the agent failed; it registered again',
      );
      return;
    }
    log.warn({ problem: lastProblem }, 'could not deliver an assignment');
    await markAgentLost(this.ctx, agent.id, {
      undelivered: taskIds,
      reason: `delivery failed: ${lastProblem}`,
    });
  }

  private async registeredAgainSince(agent: AgentAddress): Promise<boolean> {
    const now = (await listAgentAddresses(this.ctx.db, [agent.id])).get(agent.id);
    return now !== undefined && now.apiSecret !== agent.apiSecret;
  }

  /** A 400 "Not enough ram" carries the agent's free RAM: store it so the next decision respects it. */
  private async learnFreeRam(agentId: string, body: unknown): Promise<void> {
    const ram = (body as { agent_ram?: unknown } | null)?.agent_ram;
    if (typeof ram !== 'number' || !Number.isInteger(ram) || ram < 0) return;
    await this.ctx.db
      .updateTable('agents')
      .set({ free_ram: ram })
      .where('id', '=', agentId)
      .where('state', '<>', AgentState.values.DISABLED)
      .execute();
    this.ctx.events.emit({ type: 'agent.changed', agentId });
  }

  private coolDown(agentId: string): void {
    this.options.coolDown(agentId, this.ctx.clock.now() + this.options.refusalCooldownMs);
  }

  private backoff(attempt: number): Promise<void> {
    const base = this.options.retryDelayMs * 2 ** (attempt - 1);
    const delay = base * (0.5 + Math.random());
    return new Promise((resolve) => {
      const signal = this.stopping.signal;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, delay);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  get idle(): boolean {
    return this.isIdle();
  }

  private isIdle(): boolean {
    return this.inFlight === 0 && this.active.size === 0 && this.waiting.length === 0;
  }

  private maybeIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

function rejectedIds(body: unknown, all: readonly number[]): number[] {
  const ids = (body as { rejected_task_ids?: unknown } | null)?.rejected_task_ids;
  if (!Array.isArray(ids)) return [...all];
  return all.filter((id) => ids.includes(id));
}
