/**
 * Process trees of the renders an agent starts: who descends from whom, how much memory a tree holds,
 * and signalling all of it. Renderers fork helpers (and some start their own process groups), so the
 * tree is walked by parent pid rather than trusting the process group alone. Linux reads /proc; other
 * systems ask `ps`.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessEntry {
  pid: number;
  ppid: number;
  pgid: number;
  /** Kernel start time (clock ticks since boot on Linux): with the pid, identifies one process. */
  startTime: string;
}

/** Parses one /proc/<pid>/stat line; the command name may itself contain spaces and parentheses. */
export function parseProcStat(line: string): ProcessEntry | undefined {
  const close = line.lastIndexOf(')');
  if (close < 0) return undefined;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  const fields = line.slice(close + 2).split(' ');
  // fields[0] is the state (field 3); ppid is field 4, pgrp 5, starttime 22.
  const ppid = Number(fields[1]);
  const pgid = Number(fields[2]);
  const startTime = fields[19];
  if (!Number.isInteger(pid) || !Number.isInteger(ppid) || startTime === undefined) return undefined;
  return { pid, ppid, pgid, startTime };
}

export function listProcesses(): ProcessEntry[] {
  if (process.platform !== 'linux') return listWithPs();
  const out: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const entry = parseProcStat(readFileSync(`/proc/${name}/stat`, 'utf8'));
      if (entry) out.push(entry);
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function listWithPs(): ProcessEntry[] {
  const text = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,lstart='], { encoding: 'utf8' });
  return text
    .split('\n')
    .map((l) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), pgid: Number(m[3]), startTime: m[4]!.trim() }));
}

/** Every process below `root` (not `root` itself), parents before children. */
export function descendantsOf(
  root: number,
  processes: readonly ProcessEntry[] = listProcesses(),
): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const p of processes) {
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  const out: ProcessEntry[] = [];
  const queue = [root];
  const seen = new Set<number>([root]);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

export function processStartTime(pid: number): string | undefined {
  try {
    if (process.platform === 'linux')
      return parseProcStat(readFileSync(`/proc/${pid}/stat`, 'utf8'))?.startTime;
    return listWithPs().find((p) => p.pid === pid)?.startTime;
  } catch {
    return undefined;
  }
}

/** Resident memory of one process in MB (0 when it is gone). */
export function processRssMb(pid: number): number {
  try {
    if (process.platform === 'linux') {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : 0;
    }
    const out = execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return out ? Number(out) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a process and all its descendants in MB. */
export function treeRssMb(root: number, processes?: readonly ProcessEntry[]): number {
  let total = processRssMb(root);
  for (const p of descendantsOf(root, processes)) total += processRssMb(p.pid);
  return total;
}

function trySignal(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

/**
 * Signals a whole tree: the process group of `root` (renders are spawned as group leaders), then every
 * descendant found by parent pid (those that made their own group or session). Returns the pids signalled.
 */
export function signalTree(root: number, signal: NodeJS.Signals): number[] {
  const found = descendantsOf(root);
  const signalled: number[] = [];
  if (process.platform !== 'win32') trySignal(-root, signal);
  if (trySignal(root, signal)) signalled.push(root);
  for (const p of found) if (trySignal(p.pid, signal)) signalled.push(p.pid);
  return signalled;
}

/** True while the process exists and is not a zombie waiting for a parent that may never reap it. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return false;
  }
}
