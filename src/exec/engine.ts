/**
 * The event loop of a task, on top of Node's own: it starts clients (one command on one node, or a
 * gateway channel) within the fanout, arms their command timeouts and the task's timers, delivers port
 * messages, and decides when a run is over.
 *
 * Invariants:
 * - a run ends when nothing that holds it remains: no pending or running client, armed timer or open
 *   port that is not `autoclose`; autoclose objects are then stopped, and every timer is invalidated;
 * - everything that reaches the task from outside (process output and exits, timers, port messages)
 *   goes through `dispatch`, so that `suspend()` can hold it back and a throwing handler aborts the run;
 * - at most `fanout` delayable clients run at once; non-delayable ones (gateway channels) always start.
 */
import { AlreadyRunningError, TaskTimeoutError } from './errors.js';
import type { Port, PortHost } from './port.js';
import type { Timer, TimerHost } from './timer.js';

export interface EngineClient {
  readonly autoclose: boolean;
  /** Counts against the fanout while it runs. */
  readonly delayable: boolean;
  /** Command timeout in seconds; none when undefined or not positive. */
  readonly timeout: number | undefined;
  /** Starts the client; it reports its end with `engine.clientDone(this)`, possibly synchronously. */
  start(): void;
  /** Stops a started client now (`timedOut`: its command timeout expired); `clientDone` follows. */
  stop(timedOut: boolean): void;
  /** Forgets a client that never started. */
  cancel(): void;
  pause(): void;
  resume(): void;
}

type State = 'idle' | 'running' | 'stopping';

export class Engine implements TimerHost, PortHost {
  private pending: EngineClient[] = [];
  private readonly unlimited: EngineClient[] = [];
  /** Pending clients dropped before they started (skipped when their turn comes). */
  private readonly cancelled = new Set<EngineClient>();
  private pendingHead = 0;
  private readonly active = new Set<EngineClient>();
  private readonly clientTimeouts = new Map<EngineClient, NodeJS.Timeout>();
  private readonly timers = new Set<Timer>();
  private readonly ports = new Set<Port>();
  private readonly startedPorts = new Set<Port>();
  /** Non-autoclose clients (pending or active), armed timers and open ports. */
  private holds = 0;
  private runningDelayable = 0;
  private state: State = 'idle';
  private suspended = false;
  private deferred: (() => void)[] = [];
  private failure: unknown;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private deadline: NodeJS.Timeout | undefined;
  private starting = false;

  constructor(private readonly fanout: () => number) {}

  get running(): boolean {
    return this.state !== 'idle';
  }

  get isSuspended(): boolean {
    return this.suspended;
  }

  /** Clients not finished yet (pending or running). */
  get clientCount(): number {
    return (
      this.pending.length - this.pendingHead - this.cancelled.size + this.unlimited.length + this.active.size
    );
  }

  /** Clients running now. */
  activeClients(): IterableIterator<EngineClient> {
    return this.active.values();
  }

  /** Clients waiting for a fanout slot. */
  pendingClients(): EngineClient[] {
    return [...this.unlimited, ...this.pending.slice(this.pendingHead).filter((c) => !this.cancelled.has(c))];
  }

  add(client: EngineClient): void {
    if (!client.autoclose) this.holds += 1;
    if (!client.delayable) {
      // Gateway channels are not subject to the fanout: they start with the run.
      this.unlimited.push(client);
      if (this.state === 'running') this.startUnlimited();
      return;
    }
    this.pending.push(client);
    if (this.state === 'running') this.startClients();
  }

  private startUnlimited(): void {
    for (const client of this.unlimited.splice(0)) this.launch(client);
  }

  /** Runs until nothing holds the loop; `timeoutSeconds` is a hard limit (TaskTimeoutError). */
  run(timeoutSeconds?: number): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new AlreadyRunningError());
    this.state = 'running';
    this.failure = undefined;
    const done = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
      this.deadline = setTimeout(
        () => this.dispatch(() => this.stopAll(true, new TaskTimeoutError(timeoutSeconds))),
        timeoutSeconds * 1000,
      );
    }
    this.invoke(() => {
      for (const port of this.ports) this.startPort(port);
      for (const timer of this.timers) this.arm(timer);
      for (const port of this.ports) this.deliverPort(port);
      this.startUnlimited();
      this.startClients();
    });
    return done;
  }

  /** Runs `action` on a client; a handler error it triggers fails the run instead of escaping. */
  private guarded(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (this.failure === undefined) this.failure = error;
    }
  }

  /** Stops every client; the current run (if any) then ends, rejecting with `failure` when given. */
  stopAll(timedOut: boolean, failure?: unknown): void {
    if (failure !== undefined && this.failure === undefined) this.failure = failure;
    if (this.state === 'running') this.state = 'stopping';
    for (const client of this.pending.splice(this.pendingHead)) {
      if (this.cancelled.delete(client)) continue;
      if (!client.autoclose) this.holds -= 1;
      this.guarded(() => client.cancel());
    }
    this.pending = [];
    this.pendingHead = 0;
    for (const client of this.unlimited.splice(0)) {
      if (!client.autoclose) this.holds -= 1;
      this.guarded(() => client.cancel());
    }
    for (const client of [...this.active]) this.guarded(() => client.stop(timedOut));
    this.check();
  }

  suspend(): boolean {
    if (this.state === 'idle' || this.suspended) return false;
    this.suspended = true;
    for (const client of this.active) client.pause();
    return true;
  }

  unsuspend(): void {
    if (!this.suspended) return;
    this.suspended = false;
    for (const client of this.active) client.resume();
    while (this.deferred.length > 0 && !this.suspended) this.invoke(this.deferred.shift()!);
    if (!this.suspended) {
      this.startClients();
      this.check();
    }
  }

  /** Delivers an event from outside the task: held while suspended, handler errors abort the run. */
  dispatch(event: () => void): void {
    if (this.suspended) this.deferred.push(event);
    else this.invoke(event);
  }

  /** Drops a client that has not started; a started one must be stopped instead. */
  cancelClient(client: EngineClient): void {
    if (this.active.has(client) || this.cancelled.has(client)) return;
    const unlimited = this.unlimited.indexOf(client);
    if (unlimited >= 0) this.unlimited.splice(unlimited, 1);
    else this.cancelled.add(client);
    if (!client.autoclose) this.holds -= 1;
    client.cancel();
    this.check();
  }

  /** Stops a running client, or drops it if it has not started. */
  stopOrCancel(client: EngineClient): void {
    if (this.active.has(client)) client.stop(false);
    else this.cancelClient(client);
  }

  clientDone(client: EngineClient): void {
    if (!this.active.delete(client)) return;
    const timeout = this.clientTimeouts.get(client);
    if (timeout) clearTimeout(timeout);
    this.clientTimeouts.delete(client);
    if (client.delayable) this.runningDelayable -= 1;
    if (!client.autoclose) this.holds -= 1;
    this.startClients();
    this.check();
  }

  // ---- timers -------------------------------------------------------------------------------------

  addTimer(timer: Timer): void {
    timer.bind(this);
    this.timers.add(timer);
    if (!timer.autoclose) this.holds += 1;
    if (this.state === 'running') this.arm(timer);
  }

  armTimer(timer: Timer): void {
    if (this.state === 'running') this.arm(timer);
  }

  disarmTimer(timer: Timer): void {
    if (timer.handle) clearTimeout(timer.handle);
    timer.handle = undefined;
    if (!timer.isValid() && this.timers.delete(timer)) {
      if (!timer.autoclose) this.holds -= 1;
      this.check();
    }
  }

  private arm(timer: Timer): void {
    if (timer.handle || !timer.isValid()) return;
    timer.handle = setTimeout(() => {
      timer.handle = undefined;
      this.dispatch(() => {
        if (!timer.isValid() || timer.handle) return;
        if (timer.fired() && !timer.handle) this.arm(timer);
        else if (!timer.handle && timer.isValid() && timer.interval <= 0) timer.invalidate();
      });
    }, timer.nextDelayMs());
  }

  // ---- ports --------------------------------------------------------------------------------------

  addPort(port: Port): void {
    this.ports.add(port);
    if (!port.autoclose) this.holds += 1;
    port.bind(this);
    if (this.state === 'running') this.startPort(port);
  }

  portReady(port: Port): void {
    if (this.state !== 'running') return;
    setImmediate(() => this.dispatch(() => this.deliverPort(port)));
  }

  portClosed(port: Port): void {
    if (!this.ports.delete(port)) return;
    this.startedPorts.delete(port);
    if (!port.autoclose) this.holds -= 1;
    this.check();
  }

  private startPort(port: Port): void {
    if (this.startedPorts.has(port)) return;
    this.startedPorts.add(port);
    port.handler?.portStart?.(port);
  }

  private deliverPort(port: Port): void {
    while (this.state === 'running' && !this.suspended && port.deliverNext()) {
      // Each message is one event; keep going while messages wait.
    }
  }

  // ---- the loop -------------------------------------------------------------------------------------

  private invoke(event: () => void): void {
    try {
      event();
    } catch (error) {
      this.stopAll(false, error);
      return;
    }
    this.check();
  }

  private startClients(): void {
    if (this.starting || this.state !== 'running' || this.suspended) return;
    this.starting = true;
    try {
      while (this.pendingHead < this.pending.length && this.state === 'running' && !this.suspended) {
        if (this.runningDelayable >= Math.max(1, this.fanout())) break;
        const client = this.pending[this.pendingHead]!;
        this.pendingHead += 1;
        if (this.cancelled.delete(client)) continue;
        this.launch(client);
      }
      if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
        this.pending = this.pending.slice(this.pendingHead);
        this.pendingHead = 0;
      }
    } finally {
      this.starting = false;
    }
  }

  private launch(client: EngineClient): void {
    this.active.add(client);
    if (client.delayable) this.runningDelayable += 1;
    if (client.timeout !== undefined && client.timeout > 0) {
      this.clientTimeouts.set(
        client,
        setTimeout(() => this.dispatch(() => client.stop(true)), client.timeout * 1000),
      );
    }
    try {
      client.start();
    } catch (error) {
      this.stopAll(false, error);
    }
  }

  private check(): void {
    if (this.state === 'running' && this.holds <= 0) this.finishing();
    if (this.state === 'stopping' && this.active.size === 0) this.finish();
  }

  /** Nothing holds the loop any more: stop what only lived alongside (autoclose objects). */
  private finishing(): void {
    this.state = 'stopping';
    for (const port of [...this.ports]) if (port.autoclose) port.close();
    // Only autoclose clients can be left at this point.
    for (const client of [...this.pending.splice(this.pendingHead), ...this.unlimited.splice(0)]) {
      if (!this.cancelled.delete(client)) this.guarded(() => client.cancel());
    }
    this.pending = [];
    this.pendingHead = 0;
    for (const client of [...this.active]) this.guarded(() => client.stop(false));
  }

  private finish(): void {
    this.state = 'idle';
    if (this.deadline) clearTimeout(this.deadline);
    this.deadline = undefined;
    for (const timer of [...this.timers]) timer.invalidate();
    this.startedPorts.clear();
    this.suspended = false;
    this.deferred = [];
    const settle = this.settle;
    this.settle = undefined;
    if (this.failure !== undefined) settle?.reject(this.failure);
    else settle?.resolve();
  }
}
