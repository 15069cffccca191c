/**
 * Where `drover up` keeps a farm: everything under one data directory, so that a second run resumes
 * with all data and deleting the directory starts from scratch.
 *
 *   drover-data/
 *     drover.sqlite, statistics.sqlite   the master's databases
 *     task_logs/, updates/               task logs and agent update packages
 *     admin-password                     the generated admin password (0600)
 *     admin-token                        an API token of the admin, for scripts (0600)
 *     agent-token                        the local agents' token (0600)
 *     agents/agent-N/                    each local agent's data directory (output.log: its output)
 *     up.pid                             the running `drover up` (one per directory)
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CliExit } from '../io.js';

export interface FarmLayout {
  readonly root: string;
  readonly database: string;
  readonly statistics: string;
  readonly taskLogs: string;
  readonly updates: string;
  readonly adminPassword: string;
  readonly adminToken: string;
  readonly agentToken: string;
  readonly agents: string;
  readonly pidFile: string;
  agentDir(index: number): string;
}

export function farmLayout(cwd: string, dataDir: string): FarmLayout {
  const root = resolve(cwd, dataDir);
  return {
    root,
    database: join(root, 'drover.sqlite'),
    statistics: join(root, 'statistics.sqlite'),
    taskLogs: join(root, 'task_logs'),
    updates: join(root, 'updates'),
    adminPassword: join(root, 'admin-password'),
    adminToken: join(root, 'admin-token'),
    agentToken: join(root, 'agent-token'),
    agents: join(root, 'agents'),
    pidFile: join(root, 'up.pid'),
    agentDir: (index) => join(root, 'agents', `agent-${index}`),
  };
}

/** `sqlite:////abs/path` (four slashes: the SQLAlchemy form of an absolute path). */
export function sqliteUrl(path: string): string {
  return `sqlite:///${path}`;
}

export function createFarmDirectories(layout: FarmLayout): void {
  try {
    mkdirSync(layout.root, { recursive: true, mode: 0o700 });
    for (const dir of [layout.taskLogs, layout.updates, layout.agents]) mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CliExit(1, `cannot create ${layout.root}: ${(err as Error).message}`);
  }
}

/** A secret file readable by its owner only, replaced atomically. */
export function writeSecretFile(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

export function readSecretFile(path: string): string | undefined {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text === '' ? undefined : text;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Claims the directory for this process: two farms on one SQLite file would step on each other. The pid
 * file is created exclusively, so of two `drover up` started at once only one wins; a pid file left by a
 * process that no longer runs (a crash, a kill -9) is taken over.
 */
export function claimFarmDirectory(layout: FarmLayout): () => void {
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(layout.pidFile, `${process.pid}\n`, { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const pid = Number(readSecretFile(layout.pidFile));
    if (Number.isInteger(pid) && pid !== process.pid && processAlive(pid)) {
      throw new CliExit(
        1,
        `a farm is already running from ${layout.root} (pid ${pid}); stop it with Ctrl-C first`,
      );
    }
    rmSync(layout.pidFile, { force: true });
  }
  return () => {
    if (existsSync(layout.pidFile) && readSecretFile(layout.pidFile) === String(process.pid)) {
      rmSync(layout.pidFile, { force: true });
    }
  };
}
