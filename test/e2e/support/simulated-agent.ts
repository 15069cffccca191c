/**
 * A render node for browser tests that need tasks to move while the scheduler and the real agent are not
 * part of the run: it registers over the REST API, and `run(task)` does what an agent does for one task —
 * takes it, reports it running, writes its log (served live on its own `/api/v1/task_logs/<id>?follow=1`,
 * which the master relays to the browser), reports progress, then done or failed, and uploads the log.
 * Everything goes through the master's public API and a real HTTP server; nothing is faked inside the master.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { BrowserFarm } from './farm.js';

const SECRET = 'simulated-agent-secret';

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

interface OpenLog {
  rows: string[];
  followers: Set<ServerResponse>;
  closed: boolean;
}

export class SimulatedAgent {
  readonly id = randomUUID();
  private readonly server: Server;
  private readonly logs = new Map<string, OpenLog>();
  private port = 0;

  constructor(
    private readonly farm: BrowserFarm,
    readonly hostname: string,
  ) {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://agent');
      const match = /^\/api\/v1\/task_logs\/([^/]+)$/.exec(url.pathname);
      if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end();
      const log = match ? this.logs.get(decodeURIComponent(match[1]!)) : undefined;
      if (!log)
        return void res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such log"}');
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      res.write(log.rows.join(''));
      if (url.searchParams.get('follow') !== '1' || log.closed) return void res.end();
      log.followers.add(res);
      res.on('close', () => log.followers.delete(res));
    });
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await this.farm.api(path, { method, body });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? null : response.json();
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    await this.call('POST', '/api/v1/agents/', {
      id: this.id,
      hostname: this.hostname,
      port: this.port,
      remote_ip: '127.0.0.1',
      ram: 32768,
      free_ram: 24000,
      cpus: 16,
      cpu_name: 'AMD EPYC 7B13',
      os_class: 'linux',
      os_fullname: 'Debian GNU/Linux 12',
      version: '0.1.0',
      state: 'online',
      api_secret: SECRET,
      disks: [{ mountpoint: '/', size: 512 * 1024 ** 3, free: 201 * 1024 ** 3 }],
      mac_addresses: ['02:42:ac:11:00:02'],
    });
  }

  /** Opens a log for the task's current attempt and registers it with the master. */
  async openLog(jobId: number, taskId: number): Promise<string> {
    const task = (await this.call('GET', `/api/v1/jobs/${jobId}/tasks/${taskId}`)) as { attempts: number };
    const identifier = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}_${jobId}_${randomUUID().slice(0, 8)}.csv`;
    this.logs.set(identifier, { rows: [], followers: new Set(), closed: false });
    await this.call('POST', `/api/v1/jobs/${jobId}/tasks/${taskId}/attempts/${task.attempts}/logs/`, {
      identifier,
      agent_id: this.id,
    });
    return identifier;
  }

  write(identifier: string, message: string, stream: 0 | 1 | 'internal' = 0): void {
    const log = this.logs.get(identifier)!;
    const row = `${new Date().toISOString()},${stream === 'internal' ? 'None' : 4242},${stream},${log.rows.length + 1},${csvField(message)}\r\n`;
    log.rows.push(row);
    for (const follower of log.followers) follower.write(row);
  }

  /** Ends the live log and uploads it to the master, as the agent does when the assignment finishes. */
  async closeLog(jobId: number, taskId: number, identifier: string): Promise<void> {
    const log = this.logs.get(identifier)!;
    log.closed = true;
    for (const follower of log.followers) follower.end();
    const task = (await this.call('GET', `/api/v1/jobs/${jobId}/tasks/${taskId}`)) as { attempts: number };
    const response = await fetch(
      `${this.farm.url}/api/v1/jobs/${jobId}/tasks/${taskId}/attempts/${task.attempts}/logs/${identifier}/logfile`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${this.farm.adminToken}`, 'content-type': 'text/csv' },
        body: log.rows.join(''),
      },
    );
    if (!response.ok) throw new Error(`upload: ${response.status} ${await response.text()}`);
  }

  /** Takes the task and reports it running; returns its new log. */
  async begin(jobId: number, taskId: number): Promise<string> {
    await this.call('POST', `/api/v1/jobs/${jobId}/tasks/${taskId}`, { agent_id: this.id });
    const identifier = await this.openLog(jobId, taskId);
    await this.call('POST', `/api/v1/jobs/${jobId}/tasks/${taskId}`, {
      state: 'running',
      time_started: 'now',
    });
    this.write(identifier, `agent: starting task ${taskId}`, 'internal');
    return identifier;
  }

  async progress(jobId: number, taskId: number, identifier: string, fraction: number): Promise<void> {
    this.write(identifier, `fakerender: frame progress ${Math.round(fraction * 100)}%`);
    await this.call('POST', `/api/v1/jobs/${jobId}/tasks/${taskId}`, { progress: fraction });
  }

  async finish(jobId: number, taskId: number, identifier: string, outcome: 'done' | 'failed'): Promise<void> {
    if (outcome === 'failed') this.write(identifier, 'fakerender: simulated crash (exit code 1)', 1);
    else this.write(identifier, 'fakerender: frame done');
    await this.closeLog(jobId, taskId, identifier);
    await this.call(
      'POST',
      `/api/v1/jobs/${jobId}/tasks/${taskId}`,
      outcome === 'done'
        ? { state: 'done', progress: 1 }
        : { state: 'failed', last_error: 'fakerender exited with code 1' },
    );
  }

  /** Runs a whole task quickly. */
  async run(jobId: number, taskId: number, outcome: 'done' | 'failed' = 'done'): Promise<void> {
    const log = await this.begin(jobId, taskId);
    await this.progress(jobId, taskId, log, 0.5);
    await this.finish(jobId, taskId, log, outcome);
  }

  async stop(): Promise<void> {
    for (const log of this.logs.values()) for (const f of log.followers) f.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
