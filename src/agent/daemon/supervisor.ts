/**
 * The supervisor (the seed's pyfarm-supervisor): keeps an agent running. It starts the agent as its child
 * and, whenever the agent has stopped, starts it again — after applying an update waiting in the drop
 * directory — as long as the run-control file says the agent should run. An agent stopped on purpose
 * (`drover agent stop`, `/stop`, SIGTERM to the agent) removes that file, and the supervisor then exits
 * (PyFarm only logged its absence). A crash loop backs off up to a minute. SIGTERM/SIGINT stop the agent
 * and the supervisor; SIGHUP restarts the agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../core/logging.js';
import { runningAgentPid } from './run-files.js';
import { applyUpdate, UPDATE_ARCHIVE } from './update-package.js';

export interface SupervisorOptions {
  /** argv running the CLI of this installation (used when no package dir is set). */
  droverCommand: readonly string[];
  agentArgs: readonly string[];
  agentPidfile: string;
  runControlFile: string;
  updatesDropDir: string;
  agentPackageDir: string | undefined;
  intervalMs: number;
  logger: Logger;
  env: NodeJS.ProcessEnv;
}

export class Supervisor {
  private child: ChildProcess | undefined;
  private stopping = false;
  private starts = 0;
  private failures = 0;
  private wake: (() => void) | undefined;

  constructor(private readonly o: SupervisorOptions) {}

  /** Runs until the agent is stopped on purpose or the supervisor is told to stop; resolves to an exit code. */
  async run(): Promise<number> {
    const handlers = (['SIGTERM', 'SIGINT', 'SIGHUP'] as const).map((sig) => {
      const h = () => this.signal(sig);
      process.on(sig, h);
      return [sig, h] as const;
    });
    try {
      while (!this.stopping) {
        const other = runningAgentPid(this.o.agentPidfile);
        if (other !== undefined) {
          await this.sleep(this.o.intervalMs);
          continue;
        }
        if (this.starts > 0 && !existsSync(this.o.runControlFile)) {
          this.o.logger.info('the agent was stopped on purpose; the supervisor stops too');
          return 0;
        }
        this.applyPendingUpdate();
        const startedAt = Date.now();
        const code = await this.startAgent();
        if (this.stopping) break;
        // A run that ends within a minute counts towards the crash back-off.
        this.failures = Date.now() - startedAt < 60_000 && code !== 0 ? this.failures + 1 : 0;
        const delay =
          this.failures === 0 ? this.o.intervalMs : Math.min(60_000, this.o.intervalMs * 2 ** this.failures);
        if (existsSync(this.o.runControlFile)) {
          this.o.logger.warn({ code, delayMs: delay }, 'the agent stopped; restarting it');
          await this.sleep(delay);
        }
      }
      return 0;
    } finally {
      for (const [sig, h] of handlers) process.off(sig, h);
    }
  }

  private applyPendingUpdate(): void {
    const archive = join(this.o.updatesDropDir, UPDATE_ARCHIVE);
    if (!existsSync(archive)) return;
    if (!this.o.agentPackageDir) {
      this.o.logger.warn(
        { archive },
        'an update is waiting but --agent-package-dir is not set; not applying it',
      );
      return;
    }
    try {
      const files = applyUpdate(archive, this.o.agentPackageDir);
      this.o.logger.info({ files, packageDir: this.o.agentPackageDir }, 'update applied');
    } catch (err) {
      this.o.logger.error(
        { err: (err as Error).message },
        'update could not be applied; starting the current agent',
      );
    }
  }

  /** The package directory's CLI once it holds one (after an update), else this installation's. */
  private command(): string[] {
    const bin = this.o.agentPackageDir ? join(this.o.agentPackageDir, 'bin', 'drover.js') : undefined;
    if (bin && existsSync(bin)) return [process.execPath, bin];
    return [...this.o.droverCommand];
  }

  private startAgent(): Promise<number> {
    const [node, ...prefix] = this.command();
    const args = [...prefix, 'agent', 'start', ...this.o.agentArgs, '--no-daemon'];
    this.starts++;
    this.o.logger.info({ args }, 'starting the agent');
    return new Promise((resolve) => {
      const child = spawn(node!, args, { stdio: ['ignore', 'inherit', 'inherit'], env: this.o.env });
      this.child = child;
      child.on('error', (err) => {
        this.o.logger.error({ err: err.message }, 'the agent could not be started');
        this.child = undefined;
        resolve(127);
      });
      child.on('exit', (code, signal) => {
        this.child = undefined;
        this.o.logger.info({ code, signal }, 'the agent exited');
        resolve(code ?? 128);
      });
    });
  }

  private signal(sig: NodeJS.Signals): void {
    this.o.logger.info({ signal: sig }, 'supervisor signal');
    if (sig === 'SIGHUP') {
      this.child?.kill('SIGHUP');
      return;
    }
    this.stopping = true;
    this.child?.kill('SIGTERM');
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
