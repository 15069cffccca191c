/**
 * A small real HTTP agent for scheduler and dispatcher tests: it answers the master's calls as spec §5
 * describes (`POST /assign` with its checks in order, `GET /tasks/`, `GET /status`, `DELETE /tasks/<id>`),
 * checks the master's bearer secret, and records what it was sent. It runs nothing; a test decides what
 * happens to the work (`onAssignment`). The real agent replaces it in end-to-end tests.
 *
 *   const agent = await startFakeAgent({ ram: 8000 });
 *   await makeAgent(db, { id: agent.id, port: agent.port, remoteIp: '127.0.0.1', apiSecret: agent.secret });
 *   ...
 *   await agent.close();
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeTask {
  id: number;
  frame: number;
  tile: number | null;
  attempt: number;
}

export interface FakeAssignment {
  id: string;
  job: { id: number; cpus?: number; ram?: number } & Record<string, unknown>;
  jobtype: { name: string; version: number };
  tasks: FakeTask[];
  receivedAt: number;
}

export interface FakeAgentOptions {
  id?: string;
  /** Free RAM in MB (the /assign RAM check). */
  ram?: number;
  cpus?: number;
  allowSharing?: boolean;
  farmName?: string | null;
  /** Answer /assign with this instead of the rules (e.g. `{ status: 503 }`); undefined = the rules. */
  override?: (body: unknown) => { status: number; body?: unknown } | undefined;
  /** Called after an assignment was accepted (202). */
  onAssignment?: (assignment: FakeAssignment, agent: FakeAgent) => void;
}

export interface FakeAgent {
  readonly id: string;
  readonly port: number;
  readonly secret: string;
  readonly url: string;
  /** Every accepted assignment, in order. */
  readonly received: FakeAssignment[];
  /** Every request, as "METHOD path status". */
  readonly calls: string[];
  /** Assignments held now (finished ones are dropped with `finish`). */
  readonly held: Map<string, FakeAssignment>;
  /** Tasks the master asked to stop. */
  readonly stopped: number[];
  /** Drops a task from what the agent holds (it finished). */
  finish(taskId: number): void;
  setOverride(override: FakeAgentOptions['override']): void;
  close(): Promise<void>;
}

export async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const id = options.id ?? randomUUID();
  const secret = randomBytes(24).toString('hex');
  const held = new Map<string, FakeAssignment>();
  const received: FakeAssignment[] = [];
  const calls: string[] = [];
  const stopped: number[] = [];
  let override = options.override;

  const answer = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const assign = (body: unknown): { status: number; body?: unknown } => {
    const forced = override?.(body);
    if (forced) return forced;
    const request = body as {
      job?: { id?: number; ram?: number; cpus?: number };
      jobtype?: FakeAssignment['jobtype'];
      tasks?: FakeTask[];
      agent_id?: string;
    };
    if (!request?.job || !request.jobtype || !Array.isArray(request.tasks) || request.tasks.length === 0) {
      return { status: 400, body: { error: 'Failed to validate the request data against the schema' } };
    }
    if (request.agent_id !== undefined && request.agent_id !== id)
      return { status: 400, body: { error: 'wrong agent_id' } };
    const ram = request.job.ram ?? 0;
    if (options.ram !== undefined && ram > options.ram) {
      return { status: 400, body: { error: 'Not enough ram', agent_ram: options.ram, requires_ram: ram } };
    }
    const cpus = request.job.cpus ?? 0;
    if (options.cpus !== undefined && cpus > options.cpus) {
      return {
        status: 400,
        body: { error: 'Not enough cpus', agent_cpus: options.cpus, requires_cpus: cpus },
      };
    }
    const ids = new Set(request.tasks.map((t) => t.id));
    for (const existing of held.values()) {
      const existingIds = new Set(existing.tasks.map((t) => t.id));
      const overlap = [...ids].filter((t) => existingIds.has(t));
      if (overlap.length === ids.size && existingIds.size === ids.size)
        return { status: 202, body: { id: existing.id } };
      if (overlap.length > 0) {
        return {
          status: 409,
          body: {
            error: 'Partial overlap of tasks',
            rejected_task_ids: [...ids].filter((t) => !existingIds.has(t)),
          },
        };
      }
    }
    if (!options.allowSharing && [...held.values()].some((a) => a.jobtype.name !== request.jobtype!.name)) {
      return { status: 409, body: { error: 'Another job type is running', rejected_task_ids: [...ids] } };
    }
    const assignment: FakeAssignment = {
      id: randomUUID(),
      job: request.job as FakeAssignment['job'],
      jobtype: request.jobtype,
      tasks: request.tasks,
      receivedAt: Date.now(),
    };
    held.set(assignment.id, { ...assignment, tasks: [...assignment.tasks] });
    received.push(assignment);
    return { status: 202, body: { id: assignment.id } };
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0]!;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const record = (status: number) => calls.push(`${req.method} ${path} ${status}`);
    if (req.headers.authorization !== `Bearer ${secret}`) {
      record(401);
      return answer(res, 401, { error: 'authentication required' });
    }
    if (req.method === 'POST' && /^\/api\/v1\/assign\/?$/.test(path)) {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        record(400);
        return answer(res, 400, { error: 'bad JSON' });
      }
      const result = assign(body);
      record(result.status);
      answer(res, result.status, result.body);
      if (result.status === 202) {
        const assignment = received[received.length - 1];
        if (assignment && held.has(assignment.id))
          setImmediate(() => options.onAssignment?.(held.get(assignment.id)!, agent));
      }
      return;
    }
    if (req.method === 'GET' && /^\/api\/v1\/tasks\/?$/.test(path)) {
      record(200);
      return answer(
        res,
        200,
        [...held.values()].flatMap((a) => a.tasks.map((t) => ({ ...t, job: a.job, jobtype: a.jobtype }))),
      );
    }
    if (req.method === 'GET' && /^\/api\/v1\/status\/?$/.test(path)) {
      record(200);
      return answer(res, 200, {
        state: held.size > 0 ? 'running' : 'online',
        agent_id: id,
        free_ram: options.ram ?? 8000,
        ...(options.farmName !== undefined ? { farm_name: options.farmName } : {}),
      });
    }
    const stop = /^\/api\/v1\/tasks\/(\d+)\/?$/.exec(path);
    if (req.method === 'DELETE' && stop) {
      const taskId = Number(stop[1]);
      stopped.push(taskId);
      const found = [...held.values()].some((a) => a.tasks.some((t) => t.id === taskId));
      agent.finish(taskId);
      record(found ? 202 : 204);
      return answer(res, found ? 202 : 204);
    }
    record(404);
    answer(res, 404, { error: 'not found' });
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500, { error: 'fake agent failed' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const agent: FakeAgent = {
    id,
    port,
    secret,
    url: `http://127.0.0.1:${port}`,
    received,
    calls,
    held,
    stopped,
    finish(taskId) {
      for (const [key, assignment] of held) {
        assignment.tasks = assignment.tasks.filter((t) => t.id !== taskId);
        if (assignment.tasks.length === 0) held.delete(key);
      }
    },
    setOverride(next) {
      override = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return agent;
}
