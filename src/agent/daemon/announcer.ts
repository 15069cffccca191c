/**
 * Telling the master who we are and how we are (spec §4): the registration at start (with a fresh
 * `api_secret` each time), the periodic re-announce with `current_assignments` when the master has not
 * been in touch for `agent_reannounce_interval`, forced announces when work starts or ends, and the
 * offline notice at shutdown. Before an announce the journal is drained, so the master has heard how
 * every task ended before it reconciles `current_assignments`. While an announce is in flight
 * `/assign` answers 503 (the announce would not list the new tasks).
 */
import { randomBytes } from 'node:crypto';
import type { AgentAnnounce, AgentRegistration, AgentReportedState } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import {
  MasterRejectedError,
  MasterUnavailableError,
  withRetry,
  type MasterClient,
} from '../master-client/master-client.js';
import type { Outbox } from '../master-client/outbox.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import { collectHardware, freeRamMb, type Hardware } from '../system/hardware.js';
import type { AssignmentRegistry } from './assignments.js';

export interface Identity {
  agentId: string;
  hostname: string;
  systemid: number | undefined;
  version: string;
  port: number;
  timeOffset: number;
}

export interface AnnouncerOptions {
  settings: AgentSettings;
  client: MasterClient;
  outbox: Outbox;
  registry: AssignmentRegistry;
  logger: Logger;
  identity: Identity;
  hardware: Hardware;
  shuttingDown: () => boolean;
}

/** How long an announce waits for the journal to drain before going ahead anyway. */
const DRAIN_BEFORE_ANNOUNCE_MS = 10_000;
const HARDWARE_REFRESH_MS = 10 * 60_000;
/** How long a change between online and running waits before it is announced (see stateChanged). */
const STATE_DEBOUNCE_MS = 250;

export class Announcer {
  apiSecret = '';
  /** The secret of the registration before, accepted for a minute so in-flight master calls still work. */
  previousSecret: { secret: string; until: number } | undefined;
  lastMasterContact: number | undefined;
  lastAnnounce: number | undefined;
  /** Resolves when the announce in flight has been answered; undefined when none is. */
  private inFlight: Promise<void> | undefined;
  registered = false;
  private timer: NodeJS.Timeout | undefined;
  private hardware: Hardware;
  private hardwareReadAt = Date.now();
  private announcedState: AgentReportedState | undefined;
  private stateTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: AnnouncerOptions) {
    this.hardware = o.hardware;
  }

  get reportedState(): AgentReportedState {
    if (this.o.settings.state === 'disabled') return 'disabled';
    return this.o.registry.size > 0 ? 'running' : 'online';
  }

  get cpus(): number {
    return this.o.settings.cpus === 'auto' ? this.hardware.cpus : this.o.settings.cpus;
  }

  get ramMb(): number {
    return this.o.settings.ram === 'auto' ? this.hardware.ramMb : this.o.settings.ram;
  }

  get hardwareFacts(): Hardware {
    return this.hardware;
  }

  get announcing(): boolean {
    return this.inFlight !== undefined;
  }

  /**
   * Waits (at most `timeoutMs`) for the announce in flight to be answered; true when none is in flight
   * any more. `/assign` holds a new assignment here instead of answering 503: the master marks tasks as
   * sent only once the agent accepted them, so it reconciles the announce before it knows of the new
   * tasks — and learns of them from the next announce.
   */
  async announceSettled(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight) {
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await Promise.race([this.inFlight, new Promise((r) => setTimeout(r, left).unref())]);
    }
    return true;
  }

  /** The master called us with its credentials: that counts as contact (spec §4 "Re-announce"). */
  masterContacted(): void {
    this.lastMasterContact = Date.now();
  }

  private newSecret(): void {
    if (this.apiSecret) this.previousSecret = { secret: this.apiSecret, until: Date.now() + 60_000 };
    this.apiSecret = randomBytes(32).toString('base64url');
  }

  registrationPayload(): AgentRegistration {
    const { settings, identity } = this.o;
    const h = this.hardware;
    return {
      id: identity.agentId,
      hostname: identity.hostname,
      version: identity.version.slice(0, 16),
      os_class: h.osClass,
      os_fullname: h.osFullname,
      cpu_name: h.cpuName,
      ram: Math.min(262144, Math.max(16, this.ramMb)),
      free_ram: h.freeRamMb,
      cpus: Math.min(256, Math.max(1, this.cpus)),
      port: identity.port,
      time_offset: identity.timeOffset,
      state: this.reportedState,
      mac_addresses: h.macAddresses,
      current_assignments: this.o.registry.snapshot(),
      disks: h.disks,
      gpus: h.gpus,
      ...(settings.ipRemote ? { remote_ip: settings.ipRemote } : {}),
      ...(settings.farmName ? { farm_name: settings.farmName } : {}),
      ...(settings.projects.length > 0 ? { projects: [...settings.projects] } : {}),
      ...(identity.systemid !== undefined ? { systemid: identity.systemid } : {}),
      api_secret: this.apiSecret,
    };
  }

  /**
   * Registers, retrying while the master is unreachable. A refusal (4xx) at the first registration is
   * fatal: the agent cannot work with a master that rejects it (wrong token, wrong farm).
   */
  async register(options: { fatalOnRefusal: boolean }): Promise<void> {
    this.newSecret();
    const { client, logger, settings } = this.o;
    const attempt = async () => {
      this.hardware = { ...this.hardware, freeRamMb: await freeRamMb().catch(() => this.hardware.freeRamMb) };
      try {
        return await client.register(this.registrationPayload());
      } catch (err) {
        // At start-up a refused token is a configuration error, not an outage.
        if (
          options.fatalOnRefusal &&
          err instanceof MasterUnavailableError &&
          (err.status === 401 || err.status === 403)
        ) {
          throw new MasterRejectedError(err.status, err.message, 'the agent token');
        }
        throw err;
      }
    };
    try {
      await withRetry(attempt, {
        baseDelayMs: settings.httpRetryDelayMs,
        cancelled: this.o.shuttingDown,
        onRetry: (err, delayMs, n) => {
          if (n === 1 || n % 10 === 0)
            logger.warn({ err: err.message, delayMs, attempt: n }, 'registration failed; retrying');
        },
      });
    } catch (err) {
      if (err instanceof MasterRejectedError && !options.fatalOnRefusal) {
        logger.error({ err: err.message }, 'the master refused the registration');
        return;
      }
      throw err;
    }
    this.registered = true;
    this.lastAnnounce = Date.now();
    this.announcedState = this.reportedState;
    logger.info({ agentId: this.o.identity.agentId, master: client.masterApi }, 'registered with the master');
  }

  /** Disks fill and empty: the full facts are read again (in a probe process) every ten minutes. */
  private refreshHardware(): void {
    if (Date.now() - this.hardwareReadAt < HARDWARE_REFRESH_MS) return;
    this.hardwareReadAt = Date.now();
    collectHardware()
      .then((h) => (this.hardware = h))
      .catch((err: Error) => this.o.logger.warn({ err: err.message }, 'hardware facts not refreshed'));
  }

  /** One announce (partial update); a 404 means the master lost our record: register again. */
  async announce(extra: AgentAnnounce = {}, options: { drain?: boolean } = {}): Promise<boolean> {
    const { client, logger, outbox, identity } = this.o;
    this.refreshHardware();
    if (options.drain !== false) await outbox.drain(Date.now() + DRAIN_BEFORE_ANNOUNCE_MS);
    let done!: () => void;
    this.inFlight = new Promise((resolve) => (done = resolve));
    const startedAt = Date.now();
    try {
      const free = await freeRamMb().catch(() => this.hardware.freeRamMb);
      this.hardware = { ...this.hardware, freeRamMb: free };
      const payload: AgentAnnounce = {
        state: this.reportedState,
        current_assignments: this.o.registry.snapshot(),
        free_ram: free,
        disks: this.hardware.disks,
        ...extra,
      };
      await client.announce(identity.agentId, payload);
      this.lastAnnounce = Date.now();
      this.announcedState = payload.state;
      return true;
    } catch (err) {
      if (err instanceof MasterRejectedError && err.status === 404) {
        logger.warn('the master does not know this agent any more; registering again');
        await this.register({ fatalOnRefusal: false });
        return true;
      }
      logger.warn({ err: (err as Error).message }, 'announce failed');
      return false;
    } finally {
      this.inFlight = undefined;
      done();
      // The state may have changed while this announce was on its way (a failed one is left to the
      // periodic re-announce, so an unreachable master is not asked four times a second).
      const sent = this.lastAnnounce !== undefined && this.lastAnnounce >= startedAt;
      if (sent && !this.o.shuttingDown() && this.reportedState !== this.announcedState) this.stateChanged();
    }
  }

  /**
   * Work started or ended (spec §4's forced announces). Debounced: finishing one assignment and starting
   * the next — the usual case on a busy farm — announces nothing, and a master that assigns right after a
   * "done" rarely meets the 503 of an announce in flight.
   */
  stateChanged(): void {
    if (this.stateTimer) return;
    this.stateTimer = setTimeout(() => {
      this.stateTimer = undefined;
      // An announce in flight reports a state computed before this change; its end re-checks (below).
      if (this.o.shuttingDown() || this.inFlight || this.reportedState === this.announcedState) return;
      void this.announce();
    }, STATE_DEBOUNCE_MS);
    this.stateTimer.unref();
  }

  /** A RAM report (free_ram only); failures are left to the next check. */
  async reportFreeRam(free: number): Promise<boolean> {
    try {
      await this.o.client.announce(this.o.identity.agentId, { free_ram: free });
      return true;
    } catch (err) {
      this.o.logger.debug({ err: (err as Error).message }, 'RAM report failed');
      return false;
    }
  }

  /** Checks a few times per interval whether the master has been silent for a whole interval. */
  startReannouncing(): void {
    const interval = this.o.settings.reannounceIntervalMs;
    if (interval <= 0) return;
    const tick = () => {
      if (this.o.shuttingDown()) return;
      const last = Math.max(this.lastMasterContact ?? 0, this.lastAnnounce ?? 0);
      const due = Date.now() - last >= interval;
      const next = () => {
        if (!this.o.shuttingDown()) this.timer = setTimeout(tick, Math.max(250, interval / 4)).unref();
      };
      if (due && !this.inFlight) void this.announce().finally(next);
      else next();
    };
    this.timer = setTimeout(tick, Math.max(250, interval / 4)).unref();
  }

  stopReannouncing(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.stateTimer) clearTimeout(this.stateTimer);
    this.timer = this.stateTimer = undefined;
  }

  /** The shutdown notice, retried until `deadline`. */
  async announceOffline(deadline: number): Promise<boolean> {
    const { client, identity, settings } = this.o;
    try {
      await withRetry(
        async () =>
          client.announce(identity.agentId, {
            state: 'offline',
            free_ram: await freeRamMb().catch(() => this.hardware.freeRamMb),
            current_assignments: this.o.registry.snapshot(),
          }),
        { baseDelayMs: Math.min(settings.httpRetryDelayMs, 1000), maxDelayMs: 2000, deadline },
      );
      return true;
    } catch (err) {
      this.o.logger.warn(
        { err: (err as Error).message },
        'could not tell the master this agent goes offline',
      );
      return false;
    }
  }
}
