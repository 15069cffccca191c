/**
 * Watches the agents (leader only):
 * - every few seconds, agents silent for `agent_offline_timeout` are lost: OFFLINE, their unfinished tasks
 *   back in the queue (a disabled agent keeps its state but loses its tasks). Silence only counts while
 *   a leader watched: for `startGraceMs` after the monitor starts nobody is lost, because an agent that
 *   reported into a stopped master (kept its reports in its journal) was not silent, the master was deaf —
 *   it re-announces within its interval once the master is back;
 * - every `agent_poll_interval`, agents due by spec §3's windows (idle for `poll_idle_agents_interval`,
 *   busy for `poll_busy_agents_interval`, offline and not polled for `poll_offline_agents_interval`) are
 *   asked `GET /status` and `GET /tasks/`, and both sides are reconciled: tasks the record gives the agent
 *   and it has not got are sent again; tasks it runs that the record gives to another agent (or to none)
 *   are stopped there. An agent that cannot be reached after the retries is lost.
 */
import { AgentState, WorkState, type AgentStateValue } from '../../core/enums.js';
import {
  listAgentsToPoll,
  listSilentAgents,
  recordPoll,
  recordPollAttempt,
  type MonitoredAgent,
  type PollWindows,
} from '../../db/agents/agent-monitoring.repository.js';
import { listTaskStates } from '../../db/scheduling/scheduling-snapshot.repository.js';
import { listTasks } from '../../db/tasks/task.repository.js';
import type { Config } from '../../core/config/index.js';
import { AgentUnreachableError, type AgentAddress, type AgentClient } from '../dispatch/agent-client.js';
import type { Dispatcher } from '../dispatch/dispatcher.js';
import type { TaskStopper } from '../dispatch/task-stopper.js';
import { markAgentLost, type FarmWriter } from './agent-loss.service.js';

const { RUNNING, PAUSED } = WorkState.values;
const REPORTED_STATES: Readonly<Record<string, AgentStateValue>> = {
  online: AgentState.values.ONLINE,
  running: AgentState.values.RUNNING,
  offline: AgentState.values.OFFLINE,
};

export interface AgentMonitorOptions {
  ctx: FarmWriter & { config: Config };
  client: AgentClient;
  dispatcher: Dispatcher;
  stopper: TaskStopper;
  offlineTimeoutMs: number;
  /**
   * After start, how long before silence may make an agent lost (normally `offlineTimeoutMs`: the master
   * may have been down, and agents need one re-announce interval to find it again).
   */
  startGraceMs: number;
  /** Between checks for silent agents. */
  checkIntervalMs: number;
  /** Between poll rounds (`agent_poll_interval`); 0 disables polling. */
  pollIntervalMs: number;
  windows: PollWindows;
  pollRetries: number;
  pollRetryDelayMs: number;
  /** Agents polled at once. */
  pollConcurrency: number;
}

export class AgentMonitor {
  private timers: NodeJS.Timeout[] = [];
  private checking: Promise<void> | undefined;
  private polling: Promise<void> | undefined;
  private stopped = true;
  private startedAt = 0;

  constructor(private readonly options: AgentMonitorOptions) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.startedAt = this.options.ctx.clock.now();
    const { checkIntervalMs, pollIntervalMs } = this.options;
    this.timers.push(setInterval(() => void this.checkSilentAgents(), checkIntervalMs));
    if (pollIntervalMs > 0) this.timers.push(setInterval(() => void this.pollDueAgents(), pollIntervalMs));
    for (const timer of this.timers) timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all([this.checking, this.polling]);
  }

  /** Loses every agent silent past the timeout. Safe to call at any time (one check at a time). */
  checkSilentAgents(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => (this.checking = undefined));
    return this.checking;
  }

  /** Polls the agents that are due. */
  pollDueAgents(): Promise<void> {
    this.polling ??= this.runPolls().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async runCheck(): Promise<void> {
    const { ctx, offlineTimeoutMs, startGraceMs } = this.options;
    const now = ctx.clock.now();
    if (now - this.startedAt < startGraceMs) return;
    try {
      const silent = await listSilentAgents(ctx.db, now - offlineTimeoutMs);
      for (const agentId of silent) {
        if (this.stopped) return;
        await markAgentLost(ctx, agentId, { reason: 'silent for longer than agent_offline_timeout' });
      }
    } catch (err) {
      ctx.log.error({ err }, 'checking for silent agents failed');
    }
  }

  private async runPolls(): Promise<void> {
    const { ctx, windows, pollConcurrency } = this.options;
    try {
      const due = await listAgentsToPoll(ctx.db, ctx.clock.now(), windows);
      for (let i = 0; i < due.length && !this.stopped; i += pollConcurrency) {
        await Promise.all(due.slice(i, i + pollConcurrency).map((agent) => this.poll(agent)));
      }
    } catch (err) {
      ctx.log.error({ err }, 'polling agents failed');
    }
  }

  /** spec §3 poll_agent. */
  async poll(agent: MonitoredAgent): Promise<void> {
    const { ctx } = this.options;
    const address = addressOf(agent);
    const status = await this.call(address, '/status');
    if (status === undefined) {
      await recordPollAttempt(ctx.db, agent.id, ctx.clock.now());
      if (agent.state !== AgentState.values.OFFLINE) {
        await markAgentLost(ctx, agent.id, { reason: 'did not answer a poll' });
      }
      return;
    }
    const body = (status.body ?? {}) as {
      agent_id?: unknown;
      farm_name?: unknown;
      state?: unknown;
      free_ram?: unknown;
    };
    if (status.status !== 200 || body.agent_id !== agent.id) {
      ctx.log.warn(
        { agentId: agent.id, status: status.status },
        'a poll reached something else than this agent',
      );
      await recordPollAttempt(ctx.db, agent.id, ctx.clock.now());
      return;
    }
    const farmName = ctx.config.farm_name;
    if (typeof body.farm_name === 'string' && farmName && body.farm_name !== farmName) {
      ctx.log.error({ agentId: agent.id, farm: body.farm_name }, 'the agent belongs to another farm');
      await recordPollAttempt(ctx.db, agent.id, ctx.clock.now());
      return;
    }
    const tasks = await this.call(address, '/tasks/');
    if (tasks === undefined || tasks.status !== 200 || !Array.isArray(tasks.body)) {
      await recordPollAttempt(ctx.db, agent.id, ctx.clock.now());
      return;
    }
    const reported = typeof body.state === 'string' ? REPORTED_STATES[body.state] : undefined;
    await recordPoll(ctx.db, agent.id, {
      now: ctx.clock.now(),
      ...(reported !== undefined ? { state: reported } : {}),
      ...(Number.isInteger(body.free_ram) && (body.free_ram as number) >= 0
        ? { freeRam: body.free_ram as number }
        : {}),
    });
    ctx.events.emit({ type: 'agent.changed', agentId: agent.id });
    await this.reconcile(address, tasks.body as unknown[]);
  }

  private async reconcile(agent: AgentAddress, onAgent: unknown[]): Promise<void> {
    const { ctx, dispatcher, stopper } = this.options;
    const running = new Set(
      onAgent.flatMap((t) => {
        const id = (t as { id?: unknown } | null)?.id;
        return typeof id === 'number' && Number.isInteger(id) ? [id] : [];
      }),
    );
    const recorded = await listTasks(ctx.db, { agentId: agent.id, states: [null, RUNNING, PAUSED] });
    const missing = recorded.filter((t) => t.sentToAgent && !running.has(t.id));
    if (missing.length > 0) {
      ctx.log.info(
        { agentId: agent.id, tasks: missing.map((t) => t.id) },
        'agent lacks tasks it was sent; sending again',
      );
      await dispatcher.resend(agent.id, missing);
    }
    const rows = await listTaskStates(ctx.db, [...running]);
    const found = new Map(rows.map((row) => [row.id, row]));
    const foreign = [...running].filter((id) => {
      const row = found.get(id);
      return row === undefined || row.agentId !== agent.id;
    });
    if (foreign.length > 0) {
      ctx.log.info(
        { agentId: agent.id, tasks: foreign },
        'agent runs tasks that are not its own; stopping them',
      );
      await stopper.stop(agent, foreign);
    }
  }

  private async call(agent: AgentAddress, path: string) {
    const { client, pollRetries, pollRetryDelayMs } = this.options;
    for (let attempt = 0; attempt <= pollRetries && !this.stopped; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, pollRetryDelayMs * attempt));
      try {
        return await client.call(agent, 'GET', path);
      } catch (err) {
        if (!(err instanceof AgentUnreachableError)) throw err;
      }
    }
    return undefined;
  }
}

function addressOf(agent: MonitoredAgent): AgentAddress {
  return {
    id: agent.id,
    hostname: agent.hostname,
    remoteIp: agent.remoteIp,
    port: agent.port,
    useAddress: agent.useAddress as AgentAddress['useAddress'],
    apiSecret: agent.apiSecret,
  };
}
