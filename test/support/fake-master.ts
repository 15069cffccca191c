/**
 * A stand-in for the Drover master at the network boundary, for agent tests until (and besides) the real
 * master: a real HTTP server on loopback that answers the agent-facing endpoints as spec §4 says,
 * validates bodies with the shared protocol schemas, checks the agent token, and records everything it
 * receives. It can be taken down and brought back on the same port to simulate an outage, and it can push
 * assignments to an agent the way the master does (Bearer <api_secret>).
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  AgentAnnounceSchema,
  AgentRegistrationSchema,
  compileCheck,
  masterUserAgent,
  TaskLogRegistrationSchema,
  TaskLogStateSchema,
  TaskReportSchema,
  type AgentRegistration,
  type PathMap,
  type TaskReport,
} from '../../src/api/agent-protocol/index.js';

export interface Received {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  json?: unknown;
  at: number;
}

export interface TaskReportRecord {
  job: number;
  task: number;
  body: TaskReport;
  at: number;
}

export interface FakeAgentRecord extends AgentRegistration {
  registrations: number;
  announces: Record<string, unknown>[];
}

const checkRegistration = compileCheck(AgentRegistrationSchema);
const checkAnnounce = compileCheck(AgentAnnounceSchema);
const checkTaskReport = compileCheck(TaskReportSchema);
const checkLogRegistration = compileCheck(TaskLogRegistrationSchema);
const checkLogState = compileCheck(TaskLogStateSchema);

export class FakeMaster {
  readonly token: string;
  readonly received: Received[] = [];
  readonly agents = new Map<string, FakeAgentRecord>();
  readonly taskReports: TaskReportRecord[] = [];
  readonly taskLogs = new Map<
    string,
    { job: number; task: number; attempt: number; agent_id: string; states: string[] }
  >();
  readonly uploads = new Map<string, Buffer>();
  readonly failedOnAgents: { job: number; task: number; agent: string }[] = [];
  readonly jobtypes = new Map<string, { version: number; code: string; classname: string | null }[]>();
  readonly software = new Map<
    string,
    { version: string; discovery_function_name: string | null; code: string | null }
  >();
  readonly softwareReports: { agent: string; software: string; version: string; present: boolean }[] = [];
  readonly updates = new Map<string, Buffer>();
  pathMaps: PathMap[] = [];
  /** Jobs for `drover fakework` (POST /jobs/, GET /jobs/<id>, GET /jobs/<id>/tasks/). */
  readonly jobs = new Map<
    number,
    Record<string, unknown> & { tasks: { id: number; frame: number; state: string }[] }
  >();
  /** Answer every request with this status (e.g. 503) while set. */
  failWith: number | undefined;
  private server: Server | undefined;
  private port = 0;
  private readonly sockets = new Set<Socket>();

  constructor(options: { token?: string } = {}) {
    this.token = options.token ?? 'test-agent-token-0123456789';
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** Goes away like a crashed master: open connections are cut. */
  async stop(): Promise<void> {
    if (!this.server) return;
    const server = this.server;
    this.server = undefined;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  addJobType(name: string, version: number, code: string, classname: string | null): void {
    const versions = this.jobtypes.get(name) ?? [];
    versions.push({ version, code, classname });
    this.jobtypes.set(name, versions);
  }

  reportsFor(task: number): TaskReport[] {
    return this.taskReports.filter((r) => r.task === task).map((r) => r.body);
  }

  statesOf(task: number): string[] {
    return this.reportsFor(task)
      .map((b) => b.state)
      .filter((s): s is NonNullable<typeof s> => s !== undefined);
  }

  async waitFor<T>(probe: () => T | undefined | false, timeoutMs = 15_000, what = 'condition'): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** The master's side of `POST /api/v1/assign` (or any agent call): authenticated with the agent's secret. */
  async callAgent(
    agentId: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const agent = this.agents.get(agentId);
    if (!agent) throw new Error(`agent ${agentId} never registered`);
    return agentRequest(`http://127.0.0.1:${agent.port}/api/v1${path}`, method, body, {
      authorization: `Bearer ${agent.api_secret}`,
      'user-agent': masterUserAgent('0.0.0-test'),
      ...headers,
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://x');
    const entry: Received = {
      method: req.method ?? '',
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      at: Date.now(),
    };
    if ((req.headers['content-type'] ?? '').startsWith('application/json') && body.length > 0) {
      try {
        entry.json = JSON.parse(body.toString('utf8'));
      } catch {
        return send(res, 400, { error: 'the body is not valid JSON' });
      }
    }
    this.received.push(entry);
    if (this.failWith !== undefined) return send(res, this.failWith, { error: 'unavailable' });
    if (req.headers.authorization !== `Bearer ${this.token}`)
      return send(res, 401, { error: 'authentication required' });
    if (!/^Drover\/\S+ \((agent|cli)\)$/.test(req.headers['user-agent'] ?? ''))
      return send(res, 400, { error: 'unknown client' });
    const path = url.pathname.replace(/^\/api\/v1/, '');
    try {
      this.route(req.method ?? '', path, url, entry, res);
    } catch (err) {
      send(res, 500, { error: (err as Error).message });
    }
  }

  private route(method: string, path: string, url: URL, entry: Received, res: ServerResponse): void {
    let m: RegExpExecArray | null;
    if (method === 'POST' && path === '/agents/') {
      const check = checkRegistration(entry.json);
      if (!check.ok) return send(res, 400, { error: check.message });
      const existing = this.agents.get(check.value.id);
      const record: FakeAgentRecord = {
        ...check.value,
        registrations: (existing?.registrations ?? 0) + 1,
        announces: existing?.announces ?? [],
      };
      this.agents.set(record.id, record);
      return send(res, existing ? 200 : 201, publicAgent(record));
    }
    if ((m = /^\/agents\/([0-9a-f-]{36})$/.exec(path)) && method === 'POST') {
      const agent = this.agents.get(m[1]!);
      if (!agent) return send(res, 404, { error: 'no such agent' });
      const check = checkAnnounce(entry.json);
      if (!check.ok) return send(res, 400, { error: check.message });
      agent.announces.push(check.value as Record<string, unknown>);
      Object.assign(agent, check.value);
      return send(res, 200, publicAgent(agent));
    }
    if ((m = /^\/jobs\/(\d+)\/tasks\/(\d+)$/.exec(path)) && method === 'POST') {
      const check = checkTaskReport(entry.json);
      if (!check.ok) return send(res, 400, { error: check.message });
      this.taskReports.push({ job: Number(m[1]), task: Number(m[2]), body: check.value, at: Date.now() });
      return send(res, 200, { id: Number(m[2]) });
    }
    if ((m = /^\/jobs\/(\d+)\/tasks\/(\d+)\/attempts\/(\d+)\/logs\/$/.exec(path)) && method === 'POST') {
      const check = checkLogRegistration(entry.json);
      if (!check.ok) return send(res, 400, { error: check.message });
      const key = `${m[2]}/${m[3]}/${check.value.identifier}`;
      if (this.taskLogs.has(key)) return send(res, 409, { error: 'already registered' });
      this.taskLogs.set(key, {
        job: Number(m[1]),
        task: Number(m[2]),
        attempt: Number(m[3]),
        agent_id: check.value.agent_id,
        states: [],
      });
      return send(res, 201, { identifier: check.value.identifier });
    }
    if (
      (m = /^\/jobs\/(\d+)\/tasks\/(\d+)\/attempts\/(\d+)\/logs\/([^/]+)\/logfile$/.exec(path)) &&
      method === 'PUT'
    ) {
      this.uploads.set(decodeURIComponent(m[4]!), entry.body);
      return send(res, 201, '');
    }
    if (
      (m = /^\/jobs\/(\d+)\/tasks\/(\d+)\/attempts\/(\d+)\/logs\/([^/]+)$/.exec(path)) &&
      method === 'POST'
    ) {
      const check = checkLogState(entry.json);
      if (!check.ok) return send(res, 400, { error: check.message });
      const log = this.taskLogs.get(`${m[2]}/${m[3]}/${decodeURIComponent(m[4]!)}`);
      if (!log) return send(res, 404, { error: 'no such log' });
      log.states.push(check.value.state);
      return send(res, 200, {});
    }
    if ((m = /^\/jobs\/(\d+)\/tasks\/(\d+)\/failed_on_agents\/$/.exec(path)) && method === 'POST') {
      this.failedOnAgents.push({
        job: Number(m[1]),
        task: Number(m[2]),
        agent: (entry.json as { id: string }).id,
      });
      return send(res, 201, {});
    }
    if ((m = /^\/jobtypes\/([^/]+)\/versions\/(\d+)$/.exec(path)) && method === 'GET') {
      const name = decodeURIComponent(m[1]!);
      const v = this.jobtypes.get(name)?.find((x) => x.version === Number(m![2]));
      if (!v) return send(res, 404, { error: 'no such job type version' });
      return send(res, 200, { name, version: v.version, code: v.code, classname: v.classname, max_batch: 1 });
    }
    if (path === '/pathmaps/' && method === 'GET') return send(res, 200, this.pathMaps);
    if (path === '/jobs/' && method === 'POST') {
      const b = entry.json as { title: string; jobtype: string; start: number; end: number; data?: object };
      const versions = this.jobtypes.get(b.jobtype);
      if (!versions) return send(res, 404, `jobtype ${b.jobtype} not found`);
      const id = this.jobs.size + 1;
      const tasks = [];
      for (let f = b.start; f <= b.end; f++) tasks.push({ id: id * 1000 + f, frame: f, state: 'queued' });
      this.jobs.set(id, {
        id,
        title: b.title,
        by: 1,
        data: b.data ?? {},
        jobtype: b.jobtype,
        jobtype_version: versions.at(-1)!.version,
        tasks,
      });
      return send(res, 201, { ...this.jobs.get(id), tasks: undefined });
    }
    if ((m = /^\/jobs\/(\d+)$/.exec(path)) && method === 'GET') {
      const job = this.jobs.get(Number(m[1]));
      return job ? send(res, 200, { ...job, tasks: undefined }) : send(res, 404, { error: 'no such job' });
    }
    if ((m = /^\/jobs\/(\d+)\/tasks\/$/.exec(path)) && method === 'GET') {
      const job = this.jobs.get(Number(m[1]));
      return job ? send(res, 200, job.tasks) : send(res, 404, { error: 'no such job' });
    }
    if ((m = /^\/agents\/updates\/([^/]+)$/.exec(path)) && method === 'GET') {
      const zip = this.updates.get(decodeURIComponent(m[1]!));
      if (!zip) return send(res, 404, { error: 'no such update' });
      res.writeHead(200, { 'content-type': 'application/zip' }).end(zip);
      return;
    }
    if ((m = /^\/software\/([^/]+)\/versions\/([^/]+)(\/discovery_code)?$/.exec(path)) && method === 'GET') {
      const sw = this.software.get(`${decodeURIComponent(m[1]!)}/${decodeURIComponent(m[2]!)}`);
      if (!sw) return send(res, 404, { error: 'no such software version' });
      if (m[3]) {
        if (!sw.code) return send(res, 404, { error: 'no discovery code' });
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(sw.code);
        return;
      }
      return send(res, 200, { version: sw.version, discovery_function_name: sw.discovery_function_name });
    }
    if ((m = /^\/agents\/([0-9a-f-]{36})\/software\/$/.exec(path)) && method === 'POST') {
      const b = entry.json as { software: string; version: string };
      this.softwareReports.push({ agent: m[1]!, software: b.software, version: b.version, present: true });
      return send(res, 200, {});
    }
    if (
      (m = /^\/agents\/([0-9a-f-]{36})\/software\/([^/]+)\/versions\/([^/]+)$/.exec(path)) &&
      method === 'DELETE'
    ) {
      this.softwareReports.push({
        agent: m[1]!,
        software: decodeURIComponent(m[2]!),
        version: decodeURIComponent(m[3]!),
        present: false,
      });
      res.writeHead(204).end();
      return;
    }
    void url;
    send(res, 404, { error: `no such route: ${method} ${path}` });
  }
}

function publicAgent(a: FakeAgentRecord) {
  return {
    id: a.id,
    hostname: a.hostname,
    port: a.port,
    state: a.state ?? 'online',
    restart_requested: false,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' }).end(text);
}

export interface AgentAnswer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
  json: unknown;
}

/** A request to an agent's API from a test (or from the fake master). */
export function agentRequest(
  url: string,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<AgentAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = httpRequest(
      url,
      {
        method,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }
            : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error('agent did not answer')));
    req.end(payload);
  });
}
