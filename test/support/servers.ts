/**
 * Private, loopback-only PostgreSQL 15 and MariaDB servers for one test run, started by the integration
 * project's global setup and stopped in its teardown. Each lives in a run directory under
 * `<tmp>/drover-test-servers/` that records the owning process; a run that died without its teardown is
 * cleaned up by the next one (its servers are killed by pid, after checking the pid still is that server).
 *
 * `DROVER_TEST_SKIP_DATABASES=postgres,mysql` skips servers explicitly. Otherwise a server that cannot
 * start fails the whole run, with the tail of its log.
 */
import { execFile, spawn } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { chmod, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import pg from 'pg';

const run = promisify(execFile);

export type ServerDialect = 'postgres' | 'mysql';

/** What test files receive: an admin URL per running server, and the servers skipped on purpose. */
export interface DatabaseServersInfo {
  postgres?: { adminUrl: string; host: string; port: number };
  mysql?: { adminUrl: string; host: string; port: number };
  skipped: ServerDialect[];
}

interface RunningServer {
  info: { adminUrl: string; host: string; port: number };
  stop(): Promise<void>;
}

const ROOT = join(tmpdir(), 'drover-test-servers');
const PG_BIN = '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_MS = 30_000;

/** Creates database `name` on a PostgreSQL test server; returns its URL. */
export async function createPostgresDatabase(
  server: { adminUrl: string; host: string; port: number },
  name: string,
): Promise<string> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  return `postgresql://postgres@${server.host}:${server.port}/${name}`;
}

export function skippedServers(env: NodeJS.ProcessEnv): ServerDialect[] {
  const names = (env.DROVER_TEST_SKIP_DATABASES ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const unknown = names.filter((n) => n !== 'postgres' && n !== 'mysql');
  if (unknown.length > 0) {
    throw new Error(
      `DROVER_TEST_SKIP_DATABASES: unknown server(s) ${unknown.join(', ')} (use postgres, mysql)`,
    );
  }
  return names as ServerDialect[];
}

export async function startTestServers(env: NodeJS.ProcessEnv): Promise<{
  info: DatabaseServersInfo;
  stop(): Promise<void>;
}> {
  const skipped = skippedServers(env);
  mkdirSync(ROOT, { recursive: true, mode: 0o755 });
  await chmod(ROOT, 0o755);
  await cleanUpDeadRuns();
  const runDir = mkdtempSync(join(ROOT, 'run-'));
  await chmod(runDir, 0o755);
  await writeFile(join(runDir, 'owner.pid'), String(process.pid));

  const wanted = (['postgres', 'mysql'] as const).filter((d) => !skipped.includes(d));
  const results = await Promise.allSettled(
    wanted.map((dialect) => (dialect === 'postgres' ? startPostgres(runDir) : startMariadb(runDir))),
  );
  const started: RunningServer[] = [];
  const failures: string[] = [];
  const info: DatabaseServersInfo = { skipped };
  results.forEach((result, i) => {
    const dialect = wanted[i]!;
    if (result.status === 'fulfilled') {
      started.push(result.value);
      info[dialect] = result.value.info;
    } else {
      failures.push(`${dialect}: ${(result.reason as Error).message}`);
    }
  });
  const stop = async (): Promise<void> => {
    await Promise.allSettled(started.map((s) => s.stop()));
    rmSync(runDir, { recursive: true, force: true });
  };
  if (failures.length > 0) {
    await stop();
    throw new Error(
      `could not start the test database server(s):\n${failures.join('\n')}\n` +
        'Install them (see README, Testing) or skip explicitly with DROVER_TEST_SKIP_DATABASES=postgres,mysql',
    );
  }
  return { info, stop };
}

// --- PostgreSQL -----------------------------------------------------------------------------------

async function startPostgres(runDir: string): Promise<RunningServer> {
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(`${PG_BIN}/initdb not found (apt install postgresql-15)`);
  const dir = join(runDir, 'postgres');
  mkdirSync(dir, { mode: 0o755 });
  const { uid, gid } = await userIds('postgres');
  chownSync(dir, uid, gid);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const asPostgres = (command: string, args: string[]) =>
    run('runuser', ['-u', 'postgres', '--', join(PG_BIN, command), ...args], { timeout: START_TIMEOUT_MS });
  try {
    await asPostgres('initdb', [
      '-D',
      data,
      '-U',
      'postgres',
      '-A',
      'trust',
      '--no-sync',
      '-E',
      'UTF8',
      '--no-locale',
    ]);
  } catch (err) {
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`, {
      cause: err,
    });
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const options = [
      '-c listen_addresses=127.0.0.1',
      `-p ${port}`,
      `-k ${dir}`,
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    try {
      await asPostgres('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', 'start', '-o', options]);
    } catch (err) {
      if (attempt < 3 && /could not bind|in use/i.test(tail(log))) continue;
      throw new Error(`pg_ctl start failed: ${(err as Error).message}\n${tail(log)}`, { cause: err });
    }
    const host = '127.0.0.1';
    return {
      info: { adminUrl: `postgresql://postgres@${host}:${port}/postgres`, host, port },
      async stop() {
        await asPostgres('pg_ctl', ['-D', data, '-m', 'immediate', 'stop']).catch(() => undefined);
      },
    };
  }
}

// --- MariaDB --------------------------------------------------------------------------------------

async function startMariadb(runDir: string): Promise<RunningServer> {
  const dir = join(runDir, 'mysql');
  mkdirSync(dir);
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pidFile = join(dir, 'mariadbd.pid');
  try {
    await run(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--user=root',
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
      ],
      { timeout: START_TIMEOUT_MS },
    );
  } catch (err) {
    const reason =
      (err as { code?: string }).code === 'ENOENT' ? 'not installed (apt install mariadb-server)' : '';
    throw new Error(
      `mariadb-install-db failed ${reason}: ${(err as { stderr?: string }).stderr ?? (err as Error).message}`,
      { cause: err },
    );
  }
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const out = openSync(log, 'a');
    const child = spawn(
      'mariadbd',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--user=root',
        '--bind-address=127.0.0.1',
        `--port=${port}`,
        `--socket=${join(dir, 'mariadbd.sock')}`,
        `--pid-file=${pidFile}`,
        '--skip-log-bin',
        '--skip-name-resolve',
        '--innodb-flush-log-at-trx-commit=0',
        '--innodb-doublewrite=0',
        // Throwaway data: never wait for the disk.
        '--innodb-flush-method=nosync',
        '--skip-sync-frm',
        '--innodb-buffer-pool-size=128M',
        '--max-connections=300',
        '--character-set-server=utf8mb4',
        '--collation-server=utf8mb4_bin',
      ],
      { detached: true, stdio: ['ignore', out, out] },
    );
    child.unref();
    let exited = false;
    child.on('exit', () => (exited = true));
    child.on('error', () => (exited = true));
    const host = '127.0.0.1';
    const deadline = Date.now() + START_TIMEOUT_MS;
    let ready = false;
    while (!exited && Date.now() < deadline) {
      try {
        const connection = await mysql.createConnection({ host, port, user: 'root' });
        await connection.end();
        ready = true;
        break;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    if (!ready) {
      if (child.pid !== undefined && !exited) process.kill(child.pid, 'SIGKILL');
      if (attempt < 3 && /in use|bind/i.test(tail(log))) continue;
      throw new Error(`mariadbd did not start within ${START_TIMEOUT_MS / 1000} s\n${tail(log)}`);
    }
    return {
      info: { adminUrl: `mysql://root@${host}:${port}/mysql`, host, port },
      async stop() {
        if (child.pid === undefined || exited) return;
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        // The data is thrown away, so there is nothing to flush.
        process.kill(child.pid, 'SIGKILL');
        await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 5_000))]);
      },
    };
  }
}

// --- helpers --------------------------------------------------------------------------------------

/** Kills the servers of runs whose owner process is gone, then removes their directories. */
async function cleanUpDeadRuns(): Promise<void> {
  for (const name of readdirSync(ROOT)) {
    const dir = join(ROOT, name);
    const owner = Number(readText(join(dir, 'owner.pid')));
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) continue;
    const pgPid = Number(readText(join(dir, 'postgres', 'data', 'postmaster.pid')).split('\n')[0]);
    killIfServer(pgPid, 'postgres', dir);
    killIfServer(Number(readText(join(dir, 'mysql', 'mariadbd.pid'))), 'mariadbd', dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

function killIfServer(pid: number, program: string, dir: string): void {
  if (!Number.isInteger(pid) || pid <= 0) return;
  // Guard against pid reuse: only a server started from this very directory is killed.
  const commandLine = readText(`/proc/${pid}/cmdline`).replace(/\0/g, ' ');
  if (!commandLine.includes(program) || !commandLine.includes(dir)) return;
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function tail(path: string, lines = 20): string {
  return readText(path).split('\n').slice(-lines).join('\n');
}

async function userIds(user: string): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', user]),
    run('id', ['-g', user]),
  ]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}
