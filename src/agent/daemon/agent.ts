/**
 * The agent daemon: it wires identity, hardware facts, the master client, the journal, the job type
 * loader, the assignment registry and the HTTP API together, and owns the lifecycle (lifecycle.ts).
 * `start()` returns once the agent is registered and serving; `stopped` resolves when it has shut down
 * (after which the process should exit). Shutdown (SIGTERM/SIGINT, `/stop`, `/restart`, an update):
 * stop every job type (tasks handed back), tell the master the agent goes offline, deliver what the
 * journal holds, all within `agent_shutdown_timeout`; whatever is left stays in the journal.
 */
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { AssignmentSchema, compileCheck, type CheckSoftwareRequest } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import type { AgentControl, ApiAnswer, Caller, TaskLogLocation } from '../http/agent-control.js';
import { closeServer, createAgentServer, listen } from '../http/agent-server.js';
import { authenticate } from '../http/auth.js';
import type { NodeInfo } from '../jobtypes/jobtype-host.js';
import { JobTypeLoader } from '../jobtypes/jobtype-loader.js';
import type { ManagedProcess } from '../jobtypes/managed-process.js';
import { Journal } from '../master-client/journal.js';
import { MasterClient } from '../master-client/master-client.js';
import { Outbox } from '../master-client/outbox.js';
import type { AgentSettings } from '../settings/agent-settings.js';
import { collectHardware, freeRamMb } from '../system/hardware.js';
import { resolveHostname } from '../system/hostname.js';
import { loadOrCreateAgentId, resolveSystemId } from '../system/identity.js';
import { clockOffset } from '../system/sntp.js';
import { dropPrivileges } from '../system/users.js';
import { agentConfig, agentStatus, nodeInfo, type AgentFacts } from './agent-views.js';
import { Announcer } from './announcer.js';
import { AssignmentRunner } from './assignment-runner.js';
import { AssignmentRegistry, type HeldAssignment } from './assignments.js';
import { Lifecycle } from './lifecycle.js';
import { checkSoftware, downloadUpdate } from './maintenance.js';
import { PathMapCache } from './path-map-cache.js';
import { RamMonitor } from './ram-monitor.js';
import {
  ChildRegistry,
  claimPidfile,
  newControlSecret,
  releasePidfile,
  removeStateFile,
  setRunControl,
  writeStateFile,
} from './run-files.js';
import { startManhole } from './manhole.js';

const checkAssignment = compileCheck(AssignmentSchema);
/** How long `/assign` waits for an announce in flight before answering 503. */
const ANNOUNCE_WAIT_MS = 5000;

export interface AgentOptions {
  settings: AgentSettings;
  logger: Logger;
  version: string;
  /** argv prefix running this installation's CLI, for job types (`node()` → droverCommand). */
  droverCommand: readonly string[];
}

export class Agent implements AgentControl {
  readonly lifecycle = new Lifecycle();
  readonly registry = new AssignmentRegistry();
  readonly stopped: Promise<void>;
  readonly startedAt = Date.now();
  restartRequested = false;
  port = 0;
  agentId = '';
  private readonly settings: AgentSettings;
  private readonly logger: Logger;
  private readonly controlSecret = newControlSecret();
  private readonly children: ChildRegistry;
  private readonly runners = new Map<string, Promise<void>>();
  private readonly recentLogs = new Map<string, TaskLogLocation>();
  private readonly processes = new Set<ManagedProcess>();
  private client!: MasterClient;
  private journal!: Journal;
  private outbox!: Outbox;
  private loader!: JobTypeLoader;
  private announcer!: Announcer;
  private ramMonitor!: RamMonitor;
  private pathMaps!: PathMapCache;
  private server: Server | undefined;
  private manhole: { close(): Promise<void> } | undefined;
  private hostname = '';
  private systemid: number | undefined;
  private timeOffsetMs = 0;
  private resolveStopped!: () => void;
  private stopPromise: Promise<void> | undefined;

  constructor(private readonly options: AgentOptions) {
    this.settings = options.settings;
    this.logger = options.logger;
    this.children = new ChildRegistry(options.settings.dataRoot);
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  get prettyJson(): boolean {
    return this.settings.prettyJson;
  }

  get staticFiles(): string | undefined {
    return this.settings.staticFiles;
  }

  get remoteExec(): boolean {
    return this.settings.remoteExec;
  }

  get basicAuthEnabled(): boolean {
    return this.settings.apiPassword !== undefined;
  }

  /** NTP-corrected time in Unix ms. */
  now = (): number => Date.now() + this.timeOffsetMs;

  async start(): Promise<void> {
    const s = this.settings;
    if (s.chdir) process.chdir(s.chdir);
    for (const dir of [s.dataRoot, s.lockDir, s.logsRoot, s.jobtypes.taskLogDir])
      mkdirSync(dir, { recursive: true });
    claimPidfile(s.pidfile);
    const orphans = this.children.reapOrphans();
    if (orphans.length > 0)
      this.logger.warn({ pids: orphans }, 'ended processes a previous run of this agent left behind');

    this.agentId = loadOrCreateAgentId(s.agentIdFile, s.agentId);
    const [hardware, hostname, offset] = await Promise.all([
      collectHardware(),
      s.hostname ? Promise.resolve(s.hostname) : resolveHostname(),
      clockOffset(s, this.logger),
    ]);
    this.hostname = hostname;
    this.timeOffsetMs = offset * 1000;
    this.systemid = resolveSystemId(s.systemid, s.systemidCache, hardware.macAddresses);

    this.client = new MasterClient({ masterApi: s.masterApi, token: s.token, version: this.options.version });
    this.journal = Journal.open(s.journalDir);
    this.outbox = new Outbox({
      journal: this.journal,
      client: this.client,
      logger: this.logger,
      baseDelayMs: s.httpRetryDelayMs,
      // Back off to at most 30 s (20 × the base delay when that is shorter) so delivery resumes soon.
      maxDelayMs: Math.min(30_000, Math.max(1000, s.httpRetryDelayMs * 20)),
    });
    this.loader = new JobTypeLoader({
      cacheDirectory: s.jobtypes.cacheDirectory,
      enableCache: s.jobtypes.enableCache,
      requireBaseClass: s.jobtypes.requireBaseClass,
      refuseModuleRootCode: s.jobtypes.refuseModuleRootCode,
      source: this.client,
      logger: this.logger,
    });
    this.pathMaps = new PathMapCache(this.client, () => this.agentId, hardware.osClass, this.logger);

    this.server = createAgentServer(this, this.logger);
    this.port = await listen(this.server, s.port, s.bind);
    dropPrivileges(s.uid, s.gid);
    writeStateFile(s.stateFile, {
      pid: process.pid,
      port: this.port,
      bind: s.bind,
      agentId: this.agentId,
      controlSecret: this.controlSecret,
      startedAt: new Date(this.startedAt).toISOString(),
    });
    setRunControl(s.runControlFile, true);
    if (s.manhole.enabled) this.manhole = await startManhole(s.manhole, { agent: this }, this.logger);

    this.announcer = new Announcer({
      settings: s,
      client: this.client,
      outbox: this.outbox,
      registry: this.registry,
      logger: this.logger,
      identity: {
        agentId: this.agentId,
        hostname,
        systemid: this.systemid,
        version: this.options.version,
        port: this.port,
        timeOffset: Math.round(offset),
      },
      hardware,
      shuttingDown: () => this.lifecycle.shuttingDown,
    });
    this.ramMonitor = new RamMonitor({
      checkIntervalMs: s.ramCheckIntervalMs,
      maxReportFrequencyMs: s.ramMaxReportFrequencyMs,
      reportDeltaMb: s.ramReportDeltaMb,
      readFreeRamMb: freeRamMb,
      report: (free) => this.announcer.reportFreeRam(free),
    });
    this.logger.info(
      { agentId: this.agentId, port: this.port, agentHostname: hostname, master: s.masterApi },
      'agent listening',
    );

    // Deliver what a previous run left in the journal before registering: the master must learn how
    // those tasks ended before it reconciles our (empty) current_assignments.
    this.outbox.start();
    if (this.outbox.backlog > 0) {
      this.logger.info({ backlog: this.outbox.backlog }, 'delivering the journal of a previous run');
      while (this.outbox.backlog > 0 && !this.lifecycle.shuttingDown)
        await this.outbox.drain(Date.now() + 1000);
    }
    if (this.lifecycle.shuttingDown) return;
    this.lifecycle.moveTo('registering');
    await this.announcer.register({ fatalOnRefusal: true });
    if (this.lifecycle.shuttingDown) return;
    this.lifecycle.moveTo('serving');
    this.ramMonitor.reported(this.announcer.hardwareFacts.freeRamMb);
    this.ramMonitor.start();
    this.announcer.startReannouncing();
  }

  // ---- AgentControl -------------------------------------------------------------------------------

  authenticate(header: string | undefined): Caller | undefined {
    const previous = this.announcer?.previousSecret;
    return authenticate(header, {
      masterSecrets: () => [
        this.announcer?.apiSecret ?? '',
        previous && previous.until > Date.now() ? previous.secret : '',
      ],
      controlSecret: this.controlSecret,
      username: this.settings.apiUsername,
      password: this.settings.apiPassword,
    });
  }

  masterContacted(): void {
    this.announcer?.masterContacted();
  }

  async assign(body: unknown): Promise<ApiAnswer> {
    const check = checkAssignment(body);
    if (!check.ok)
      return {
        status: 400,
        body: { error: `Failed to validate the request data against the schema: ${check.message}` },
      };
    const assignment = check.value;
    if (assignment.agent_id !== undefined && assignment.agent_id.toLowerCase() !== this.agentId) {
      return { status: 400, body: { error: `This is agent ${this.agentId}, not ${assignment.agent_id}` } };
    }
    if (this.announcer?.announcing && !(await this.announcer.announceSettled(ANNOUNCE_WAIT_MS))) {
      return { status: 503, body: { error: 'Agent is re-announcing itself to the master; try again' } };
    }
    if (this.lifecycle.shuttingDown) return { status: 503, body: { error: 'Agent is shutting down' } };
    if (this.restartRequested)
      return {
        status: 503,
        body: { error: 'Agent cannot accept assignments because of a pending restart.' },
      };
    if (this.lifecycle.state !== 'serving')
      return { status: 503, body: { error: 'agent_id has not been set in the config' } };
    const admission = this.registry.admit(assignment, {
      freeRamMb: this.announcer.hardwareFacts.freeRamMb,
      cpus: this.announcer.cpus,
      allowSharing: this.settings.allowSharing,
    });
    if (admission.status === 202 && admission.created) this.run(admission.created);
    return { status: admission.status, body: admission.body };
  }

  private run(held: HeldAssignment): void {
    const runner = new AssignmentRunner(held, {
      settings: this.settings,
      logger: this.logger,
      loader: this.loader,
      outbox: this.outbox,
      agentId: () => this.agentId,
      now: this.now,
      node: () => this.node(),
      pathMapper: () => this.pathMaps.get(),
      shuttingDown: () => this.lifecycle.shuttingDown,
      processStarted: (p) => {
        this.processes.add(p);
        if (p.pid !== undefined) this.children.add(p.pid);
        void this.ramMonitor.check();
      },
      processEnded: (p) => {
        this.processes.delete(p);
        if (p.pid !== undefined) this.children.remove(p.pid);
        void this.ramMonitor.check();
      },
      started: (_h, log) => {
        this.rememberLog({ path: log.path, live: log });
        this.announcer.stateChanged();
      },
      finished: (h) => {
        this.registry.remove(h.view.id);
        if (this.registry.size === 0 && !this.lifecycle.shuttingDown) {
          this.announcer.stateChanged();
          if (this.restartRequested) void this.stop({ keepRunControl: true, reason: 'restart' });
        }
      },
    });
    const promise = runner.run().finally(() => this.runners.delete(held.view.id));
    this.runners.set(held.view.id, promise);
  }

  private rememberLog(log: TaskLogLocation): void {
    this.recentLogs.set(log.live!.identifier, log);
    // Finished logs stay findable (served from disk); keep the index bounded.
    if (this.recentLogs.size > 1000) this.recentLogs.delete(this.recentLogs.keys().next().value!);
  }

  deleteTask(taskId: number): ApiAnswer {
    const held = this.registry.findByTask(taskId);
    if (!held) return { status: 204 };
    held.cancelled = true;
    void held.instance?.stop();
    return { status: 202 };
  }

  findTaskLog(identifier: string): TaskLogLocation | undefined {
    const known = this.recentLogs.get(identifier);
    if (known) return known;
    // A log of an earlier run of this agent, still on disk (the identifier has no path separators).
    const path = join(this.settings.jobtypes.taskLogDir, identifier);
    try {
      return statSync(path).isFile() ? { path, live: undefined } : undefined;
    } catch {
      return undefined;
    }
  }

  tasks(): unknown[] {
    return this.registry.tasks();
  }

  config(): Record<string, unknown> {
    return agentConfig(this.facts());
  }

  status(): Record<string, unknown> {
    return agentStatus(this.facts());
  }

  node(): NodeInfo {
    return nodeInfo(this.facts());
  }

  private facts(): AgentFacts {
    return {
      settings: this.settings,
      agentId: this.agentId,
      hostname: this.hostname,
      port: this.port,
      version: this.options.version,
      systemid: this.systemid,
      timeOffsetMs: this.timeOffsetMs,
      startedAt: this.startedAt,
      restartRequested: this.restartRequested,
      lifecycle: this.lifecycle,
      announcer: this.announcer,
      registry: this.registry,
      outbox: this.outbox,
      childPids: [...this.processes].map((p) => p.pid).filter((p): p is number => p !== undefined),
      droverCommand: this.options.droverCommand,
    };
  }

  stop(options: { wait?: boolean; keepRunControl?: boolean; reason?: string } = {}): Promise<void> {
    if (!options.keepRunControl) setRunControl(this.settings.runControlFile, false);
    this.stopPromise ??= this.shutdown(options.reason ?? 'stop');
    return this.stopPromise;
  }

  restart(options: { immediately: boolean }): void {
    setRunControl(this.settings.runControlFile, true);
    if (options.immediately || this.registry.size === 0)
      void this.stop({ keepRunControl: true, reason: 'restart' });
    else this.restartRequested = true;
  }

  update(version: string): void {
    void downloadUpdate({
      client: this.client,
      version,
      dropDir: this.settings.updatesDropDir,
      retryDelayMs: this.settings.httpRetryDelayMs,
      cancelled: () => this.lifecycle.shuttingDown,
      logger: this.logger,
    })
      .then(() => this.restart({ immediately: false }))
      .catch((err: Error) => this.logger.error({ err: err.message, version }, 'update failed'));
  }

  checkSoftware(request: CheckSoftwareRequest): void {
    void checkSoftware({
      client: this.client,
      agentId: this.agentId,
      software: request.software,
      version: request.version,
      cacheDirectory: this.settings.jobtypes.cacheDirectory,
      refuseModuleRootCode: this.settings.jobtypes.refuseModuleRootCode,
      logger: this.logger,
    }).catch((err: Error) => this.logger.error({ err: err.message, ...request }, 'software check failed'));
  }

  private async shutdown(reason: string): Promise<void> {
    if (!this.lifecycle.canMoveTo('stopping')) return;
    this.lifecycle.moveTo('stopping');
    const deadline = Date.now() + this.settings.shutdownTimeoutMs;
    this.logger.info({ reason, assignments: this.registry.size }, 'agent stopping');
    this.announcer?.stopReannouncing();
    this.ramMonitor?.stop();
    for (const held of this.registry.all()) {
      held.cancelled = true;
      void held.instance?.stop();
    }
    await Promise.race([Promise.all(this.runners.values()), sleep(Math.max(0, deadline - Date.now()) / 2)]);
    if (this.announcer?.registered)
      await this.announcer.announceOffline(Math.min(deadline, Date.now() + (deadline - Date.now()) / 2));
    if (this.outbox) {
      const empty = await this.outbox.drain(deadline);
      if (!empty)
        this.logger.warn({ backlog: this.outbox.backlog }, 'reports left in the journal for the next start');
      this.outbox.stop();
      this.journal.close();
    }
    await this.manhole?.close();
    releasePidfile(this.settings.pidfile);
    removeStateFile(this.settings.stateFile);
    this.lifecycle.moveTo('stopped');
    this.logger.info('agent stopped');
    // The HTTP server closes a moment later, so a `/stop {"wait": true}` can still answer "stopped".
    setTimeout(() => {
      const closing = this.server ? closeServer(this.server) : Promise.resolve();
      void closing.then(() => this.resolveStopped());
    }, 100);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
