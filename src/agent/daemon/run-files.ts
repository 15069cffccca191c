/**
 * The files through which a running agent is found and controlled on its machine, all under its own data
 * directory so several agents can share a machine:
 *   - the pidfile (`--pidfile`): refuses a second start while the recorded process is a live agent;
 *   - the state file (lock dir/agent.json, mode 0600): pid, port and the local control secret that
 *     `drover agent stop|status` present to the agent's API;
 *   - the run-control file (lock dir/should_be_running): present while the agent is meant to run; the
 *     supervisor restarts the agent only then;
 *   - the children file (data dir/children.json): render processes still running, so an agent that was
 *     killed can end its orphans when it starts again.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DroverError } from '../../core/errors.js';
import { writeFileAtomic } from '../system/identity.js';
import { isAlive, processStartTime, signalTree } from '../system/process-tree.js';

export class AlreadyRunningError extends DroverError {
  readonly code = 'agent_already_running';

  constructor(
    readonly pid: number,
    pidfile: string,
  ) {
    super(`an agent is already running (pid ${pid}, pidfile ${pidfile})`);
  }
}

export interface AgentStateFile {
  pid: number;
  port: number;
  bind: string;
  agentId: string;
  controlSecret: string;
  startedAt: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The pid in `pidfile` when that process is alive and looks like a Drover agent. */
export function runningAgentPid(pidfile: string): number | undefined {
  const pid = Number(readText(pidfile)?.trim());
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || !isAlive(pid)) return undefined;
  const cmdline = readText(`/proc/${pid}/cmdline`);
  // Where /proc exists, make sure the pid was not reused by an unrelated program.
  if (cmdline !== undefined && !/drover|agent/.test(cmdline)) return undefined;
  return pid;
}

export function claimPidfile(pidfile: string): void {
  const other = runningAgentPid(pidfile);
  if (other !== undefined) throw new AlreadyRunningError(other, pidfile);
  writeFileAtomic(pidfile, `${process.pid}\n`);
}

export function releasePidfile(pidfile: string): void {
  if (Number(readText(pidfile)?.trim()) === process.pid) rmSync(pidfile, { force: true });
}

export function newControlSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function writeStateFile(path: string, state: AgentStateFile): void {
  writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
}

export function readStateFile(path: string): AgentStateFile | undefined {
  const text = readText(path);
  if (!text) return undefined;
  try {
    return JSON.parse(text) as AgentStateFile;
  } catch {
    return undefined;
  }
}

export function removeStateFile(path: string): void {
  const state = readStateFile(path);
  if (state?.pid === process.pid) rmSync(path, { force: true });
}

export function setRunControl(path: string, shouldRun: boolean): void {
  if (shouldRun) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${new Date().toISOString()}\n`);
  } else rmSync(path, { force: true });
}

/** Render processes of this agent, persisted so a restarted agent can end what a killed one left behind. */
export class ChildRegistry {
  private readonly children = new Map<number, string>();
  private readonly file: string;

  constructor(dataRoot: string) {
    this.file = join(dataRoot, 'children.json');
  }

  /** Kills processes a previous run of this agent left running; returns their pids. */
  reapOrphans(): number[] {
    const previous = parseChildren(readText(this.file));
    const killed: number[] = [];
    for (const [pidText, startTime] of Object.entries(previous)) {
      const pid = Number(pidText);
      if (processStartTime(pid) === startTime) {
        signalTree(pid, 'SIGKILL');
        killed.push(pid);
      }
    }
    this.save();
    return killed;
  }

  add(pid: number): void {
    const start = processStartTime(pid);
    if (start === undefined) return;
    this.children.set(pid, start);
    this.save();
  }

  remove(pid: number): void {
    if (this.children.delete(pid)) this.save();
  }

  pids(): number[] {
    return [...this.children.keys()];
  }

  private save(): void {
    writeFileAtomic(this.file, JSON.stringify(Object.fromEntries(this.children)));
  }
}

function parseChildren(text: string | undefined): Record<string, string> {
  try {
    const parsed = JSON.parse(text ?? '{}') as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, string>) : {};
  } catch {
    return {};
  }
}
