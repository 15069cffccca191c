/**
 * One render process started by a job type. It runs as the leader of its own process group so that
 * stopping it reaches the whole tree (TERM, then KILL after the delay); output arrives as raw chunks for
 * the job type's line handling; the exit code or signal is always recorded and the child always reaped.
 * `ram_max` is enforced on the tree's resident memory (a tree over it is killed and the exit says why);
 * crossing `ram_warning` is reported once.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import { isAlive, signalTree, treeRssMb } from '../system/process-tree.js';

export interface ProcessSpec {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  uid?: number;
  gid?: number;
}

export interface ProcessExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** The process could not be started (ENOENT, EACCES, ...). */
  startError?: Error;
  /** Why the agent killed it, when it did: "stopped", "ram_max". */
  killedFor?: 'stopped' | 'ram_max';
  /** Peak resident memory of the tree in MB, as sampled. */
  peakRamMb: number;
}

export interface ProcessHandlers {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export interface RamLimits {
  warningMb?: number | null;
  maxMb?: number | null;
  intervalMs?: number;
  onWarning?: (rssMb: number) => void;
  onExceeded?: (rssMb: number) => void;
}

/** How long a finished process's pipes may stay open (held by leftover descendants) before they are killed. */
const CLOSE_GRACE_MS = 2000;

export class ManagedProcess {
  readonly id = randomUUID();
  readonly pid: number | undefined;
  readonly exited: Promise<ProcessExit>;
  readonly startedAt = Date.now();
  private readonly child: ChildProcessByStdio<null, Readable, Readable>;
  private killedFor: ProcessExit['killedFor'];
  private peakRamMb = 0;
  private ramTimer: NodeJS.Timeout | undefined;
  private done = false;

  constructor(
    readonly spec: ProcessSpec,
    handlers: ProcessHandlers,
    private readonly killDelayMs = 5000,
  ) {
    this.child = spawn(spec.command, [...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(spec.uid !== undefined ? { uid: spec.uid } : {}),
      ...(spec.gid !== undefined ? { gid: spec.gid } : {}),
      windowsHide: true,
    });
    this.pid = this.child.pid;
    this.child.stdout.on('data', handlers.stdout);
    this.child.stderr.on('data', handlers.stderr);
    this.exited = new Promise<ProcessExit>((resolve) => {
      const finish = (exit: Omit<ProcessExit, 'peakRamMb' | 'killedFor'>) => {
        if (this.done) return;
        this.done = true;
        if (this.ramTimer) clearInterval(this.ramTimer);
        resolve({
          ...exit,
          peakRamMb: Math.round(this.peakRamMb),
          ...(this.killedFor ? { killedFor: this.killedFor } : {}),
        });
      };
      this.child.once('error', (err) => {
        // Spawn failures come with no exit event; other errors (kill of a gone process) are irrelevant.
        if (this.pid === undefined) finish({ exitCode: null, signal: null, startError: err });
      });
      this.child.once('exit', (code, signal) => {
        const closeTimer = setTimeout(() => {
          // The process is gone but descendants keep its pipes open: they belong to a finished task.
          if (this.pid !== undefined) signalTree(this.pid, 'SIGKILL');
          this.child.stdout.destroy();
          this.child.stderr.destroy();
          finish({ exitCode: code, signal });
        }, CLOSE_GRACE_MS);
        this.child.once('close', () => {
          clearTimeout(closeTimer);
          finish({ exitCode: code, signal });
        });
      });
    });
  }

  get running(): boolean {
    return !this.done;
  }

  /** Samples the tree's memory every `intervalMs`; kills the tree when it exceeds `maxMb`. */
  watchRam(limits: RamLimits): void {
    if (this.pid === undefined || this.done) return;
    const pid = this.pid;
    let warned = false;
    const sample = () => {
      if (this.done) return;
      const rss = treeRssMb(pid);
      this.peakRamMb = Math.max(this.peakRamMb, rss);
      if (limits.warningMb && !warned && rss > limits.warningMb) {
        warned = true;
        limits.onWarning?.(rss);
      }
      if (limits.maxMb && rss > limits.maxMb && !this.killedFor) {
        this.killedFor = 'ram_max';
        limits.onExceeded?.(rss);
        signalTree(pid, 'SIGKILL');
      }
    };
    this.ramTimer = setInterval(sample, limits.intervalMs ?? 1000);
    this.ramTimer.unref();
  }

  /** TERM (or `signal`) to the whole tree, KILL after the delay if anything is still alive. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<ProcessExit> {
    if (this.pid === undefined || this.done) return this.exited;
    this.killedFor ??= 'stopped';
    const pid = this.pid;
    const signalled = signalTree(pid, signal);
    if (signal !== 'SIGKILL') {
      const timer = setTimeout(() => {
        signalTree(pid, 'SIGKILL');
        for (const p of signalled) if (isAlive(p)) signalTree(p, 'SIGKILL');
      }, this.killDelayMs);
      timer.unref();
      void this.exited.then(() => clearTimeout(timer));
    }
    return this.exited;
  }

  /** SIGINT to the process only (PyFarm's `interrupt()`). */
  interrupt(): void {
    if (this.pid !== undefined && !this.done) signalTree(this.pid, 'SIGINT');
  }
}

/** A human sentence for an exit, used as the task's `last_error`. */
export function describeExit(command: string, pid: number | undefined, exit: ProcessExit): string {
  const who = `${command}${pid !== undefined ? ` (pid ${pid})` : ''}`;
  if (exit.startError) return `could not start ${command}: ${exit.startError.message}`;
  if (exit.killedFor === 'ram_max') return `${who} was killed: its process tree exceeded the job's ram_max`;
  if (exit.signal) return `${who} was killed by ${exit.signal}`;
  return `${who} exited with code ${exit.exitCode}`;
}
