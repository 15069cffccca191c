/**
 * A real `drover master` process (the built CLI) on loopback, on a SQLite file of its own, that a test can
 * kill, stop and start again on the same database and the same port (agents keep the URL they were given).
 * `prepare` makes the database first, in this process: tables, built-in job types, an admin API token
 * and an agent token.
 *
 * The port is chosen once by the OS (bound on port 0, then released) because `drover master --port` needs a
 * real port and a restarted master must come back where its agents look for it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../../src/core/config/index.js';
import { silentLogger } from '../../../src/core/logging.js';
import { createAccountWithPassword, createApiToken } from '../../../src/master/auth/auth.service.js';
import { createMaster } from '../../../src/master/master.js';
import { unusedPort } from '../../helpers/ports.js';
import { ROOT } from '../../support/build-once.js';

export interface MasterServerOptions {
  /** drover.yml/scheduler.yml keys for the master. */
  config?: Record<string, unknown>;
}

export class MasterServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  /** The tail of the master's stderr (its log), for failure messages. */
  log = '';
  /** Log lines of the master saying it lost an agent (marked it offline), over every run. */
  agentsLost = 0;
  private partialLine = '';

  private constructor(
    readonly dir: string,
    readonly configFile: string,
    readonly port: number,
    readonly adminToken: string,
    readonly agentToken: string,
  ) {}

  static async prepare(options: MasterServerOptions = {}): Promise<MasterServer> {
    const dir = mkdtempSync(join(tmpdir(), 'drover-farm-e2e-'));
    const database = `sqlite:///${join(dir, 'drover.sqlite')}`;
    const settings = {
      database,
      statistics_database: database,
      tasklogs_dir: join(dir, 'task_logs'),
      agent_updates_dir: join(dir, 'updates'),
      smtp_server: null,
      farm_name: 'e2e',
      allow_agents_from_loopback: true,
      log_level: 'warn',
      ...options.config,
    };
    const configFile = join(dir, 'drover.yml');
    writeFileSync(configFile, stringify(settings));
    const { config } = loadConfig({ env: {}, cwd: dir, file: configFile });
    const master = await createMaster({ config, logger: silentLogger(), version: 'e2e' });
    try {
      await createAccountWithPassword(master.context, { username: 'admin', roles: ['admin'] });
      await createAccountWithPassword(master.context, { username: 'farm-agents', roles: ['agent'] });
      const admin = await createApiToken(master.context, { username: 'admin', name: 'e2e', kind: 'api' });
      const agent = await createApiToken(master.context, {
        username: 'farm-agents',
        name: 'e2e agents',
        kind: 'agent',
      });
      return new MasterServer(dir, configFile, await unusedPort(), admin.token, agent.token);
    } finally {
      await master.close();
    }
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get apiUrl(): string {
    return `${this.url}/api/v1`;
  }

  /** The master's whole log (stderr), over every run. */
  get logFile(): string {
    return join(this.dir, 'master.log');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts `drover master` and resolves once it listens. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.running) throw new Error('the master is already running');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/drover.js'),
        'master',
        '--config',
        this.configFile,
        '--host',
        '127.0.0.1',
        '--port',
        String(this.port),
        '--allow-agent-loopback-addresses',
      ],
      // DROVER_* variables are configuration for drover; the test runner's own must not reach the master.
      { cwd: this.dir, env: { PATH: process.env.PATH, HOME: this.dir }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const listening = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the master did not start:\n${this.log}`)), timeoutMs);
      child.stderr!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        appendFileSync(this.logFile, text);
        this.log = (this.log + text).slice(-8000);
        const lines = (this.partialLine + text).split('\n');
        this.partialLine = lines.pop() ?? '';
        this.agentsLost += lines.filter((line) => line.includes('agent lost')).length;
        if (this.log.includes('master listening on')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the master exited (${code ?? signal}) before listening:\n${this.log}`));
      });
    });
    await listening;
  }

  /** SIGTERM: the master stops cleanly (statistics flushed); SIGKILL is a crash. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.running) this.child!.kill(signal);
    await this.exited;
  }

  /** fetch against the master's API as the admin; throws on an error status. */
  async api<T = unknown>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const response = await fetch(`${this.apiUrl}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${this.adminToken}`,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${response.status} ${text}`);
    return (text === '' ? null : JSON.parse(text)) as T;
  }

  /** Stops the master (if running) and removes its directory. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
