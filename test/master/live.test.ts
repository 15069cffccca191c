/**
 * Live updates through a listening master: farm events as SSE, and task logs followed from a real HTTP
 * server playing the agent's `/api/v1/task_logs/<id>?follow=1`, or read from the master's store.
 */
import { createServer, type Server, type ServerResponse } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/db/agents/agent.repository.js';
import { createTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { agentInput, unique } from '../support/fixtures.js';
import { createTestMaster, type TestMaster } from '../support/master.js';
import { openSse, type SseMessage } from '../support/sse.js';

const SECRET = 'agent-secret-for-the-master';

/** A stand-in for the agent's log endpoint: the test writes rows while the master relays them. */
class FakeAgentLogs {
  readonly server: Server;
  readonly followers = new Map<string, ServerResponse>();
  readonly authorizations: (string | undefined)[] = [];
  /** Rows already in the file when a follower connects. */
  readonly initial = new Map<string, string>();
  waiting: ((id: string) => void) | undefined;

  constructor() {
    this.server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const match = /^\/api\/v1\/task_logs\/([^/]+)$/.exec(url.pathname);
      this.authorizations.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end();
      const id = match ? decodeURIComponent(match[1]!) : '';
      if (!this.initial.has(id)) return void res.writeHead(404).end('{"error":"no such log"}');
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      res.write(this.initial.get(id));
      if (url.searchParams.get('follow') !== '1') return void res.end();
      this.followers.set(id, res);
      this.waiting?.(id);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as AddressInfo).port;
  }

  follower(id: string): Promise<ServerResponse> {
    const present = this.followers.get(id);
    if (present) return Promise.resolve(present);
    return new Promise((resolve) => {
      this.waiting = (got) => {
        if (got === id) resolve(this.followers.get(id)!);
      };
    });
  }

  close(): Promise<void> {
    for (const res of this.followers.values()) res.destroy();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function row(line: number, message: string, stream: string | number = 0): string {
  const field = /[",\r\n]/.test(message) ? `"${message.replace(/"/g, '""')}"` : message;
  return `2026-01-01T12:00:00.000Z,${stream === 'internal' ? 'None' : 4242},${stream},${line},${field}\r\n`;
}

function lines(messages: readonly SseMessage[]): { line: number; message: string; stream: string }[] {
  return messages
    .filter((m) => m.event === 'lines')
    .flatMap((m) => (m.data as { lines: { line: number; message: string; stream: string }[] }).lines)
    .map(({ line, message, stream }) => ({ line, message, stream }));
}

describe('live updates (sqlite)', () => {
  let database: TestDatabase;
  let farm: TestMaster;
  let url: string;
  let agentLogs: FakeAgentLogs;
  let agentId: string;
  const auth = () => ({ authorization: `Bearer ${farm.tokens.artist}` });

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    farm = await createTestMaster(database, { config: { allow_agents_from_loopback: true } });
    url = await farm.master.listen('127.0.0.1', 0);
    agentLogs = new FakeAgentLogs();
    const port = await agentLogs.listen();
    const agent = await createAgent(
      farm.master.context.db,
      agentInput({ remoteIp: '127.0.0.1', port, apiSecret: SECRET }),
      { limits: farm.master.context.limits },
    );
    agentId = agent.id;
  });
  afterAll(async () => {
    await agentLogs?.close();
    await farm?.close();
    await database?.destroy();
  });

  describe('GET /api/v1/events', () => {
    it('needs credentials', async () => {
      const res = await farm.inject({ url: '/api/v1/events', as: 'anonymous' });
      expect(res.statusCode).toBe(401);
    });

    it('answers 406 to a client that does not ask for an event stream (instead of never ending)', async () => {
      const res = await farm.inject({ url: '/api/v1/events', as: 'artist' });
      expect(res.statusCode).toBe(406);
      expect(res.json<{ error: string }>().error).toContain('Accept: text/event-stream');
    });

    it('streams farm events, each distinct event once per window', async () => {
      const sse = await openSse(`${url}/api/v1/events`, auth());
      try {
        expect(sse.status).toBe(200);
        const events = farm.master.context.events;
        // The subscription is made when the request is handled; wait until it is.
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 0; i < 5; i++) events.emit({ type: 'job.changed', jobId: 7 });
        events.emit({ type: 'task.changed', jobId: 7, taskId: 70, agentId: null });
        events.emit({ type: 'agent.changed', agentId });
        const got = await sse.collect((m) => m.event === 'agent.changed');
        expect(got.map((m) => m.data)).toEqual([
          { type: 'job.changed', job_id: 7 },
          { type: 'task.changed', job_id: 7, task_id: 70, agent_id: null },
          { type: 'agent.changed', agent_id: agentId },
        ]);
      } finally {
        sse.close();
      }
    });

    it('replaces a flood of events by one resync', async () => {
      const sse = await openSse(`${url}/api/v1/events`, auth());
      try {
        await new Promise((r) => setTimeout(r, 50));
        for (let i = 1; i <= 2000; i++) farm.master.context.events.emit({ type: 'job.changed', jobId: i });
        const first = await sse.next();
        expect(first.data).toEqual({ type: 'resync' });
        farm.master.context.events.emit({ type: 'queue.changed', queueId: 3 });
        expect((await sse.next()).data).toEqual({ type: 'queue.changed', queue_id: 3 });
      } finally {
        sse.close();
      }
    });
  });

  describe('GET /api/v1/task_logs/<identifier>/stream', () => {
    it('is 404 for an unknown log and 401 without credentials', async () => {
      expect((await farm.inject({ url: '/api/v1/task_logs/nope.csv/stream' })).statusCode).toBe(404);
      const anonymous = await farm.inject({ url: '/api/v1/task_logs/nope.csv/stream', as: 'anonymous' });
      expect(anonymous.statusCode).toBe(401);
    });

    it('relays a running log from the agent, each new line within a second', async () => {
      const identifier = `${unique('live')}.csv`;
      await createTaskLog(farm.master.context.db, { identifier, agentId });
      agentLogs.initial.set(identifier, row(1, 'starting') + row(2, 'Fra:1 "quoted", done', 1));
      const sse = await openSse(`${url}/api/v1/task_logs/${identifier}/stream`, auth());
      try {
        const first = await sse.collect((m) => lines([m]).length > 0 && lines([m]).at(-1)!.line === 2);
        expect(lines(first)).toEqual([
          { line: 1, message: 'starting', stream: 'stdout' },
          { line: 2, message: 'Fra:1 "quoted", done', stream: 'stderr' },
        ]);
        const agentSide = await agentLogs.follower(identifier);
        const written = performance.now();
        agentSide.write(row(3, 'a line written now', 'internal'));
        const next = await sse.next(1000);
        expect(next.at - written).toBeLessThan(1000);
        expect(lines([next])).toEqual([{ line: 3, message: 'a line written now', stream: 'internal' }]);
        agentSide.end();
        expect((await sse.next()).data).toEqual({ type: 'end', source: 'agent' });
        expect(agentLogs.authorizations.at(-1)).toBe(`Bearer ${SECRET}`);
      } finally {
        sse.close();
      }
    });

    it('reads a finished log from the store, plain or gzipped', async () => {
      const dir = farm.config.tasklogs_dir;
      mkdirSync(dir, { recursive: true });
      const plain = `${unique('stored')}.csv`;
      const zipped = `${unique('stored')}.csv`;
      writeFileSync(join(dir, plain), row(1, 'one') + row(2, 'two'));
      writeFileSync(join(dir, `${zipped}.gz`), gzipSync(row(1, 'zipped')));
      for (const [identifier, expected] of [
        [plain, ['one', 'two']],
        [zipped, ['zipped']],
      ] as const) {
        await createTaskLog(farm.master.context.db, { identifier, agentId });
        const sse = await openSse(`${url}/api/v1/task_logs/${identifier}/stream`, auth());
        const got = await sse.collect((m) => m.event === 'end');
        expect(lines(got).map((l) => l.message)).toEqual(expected);
        expect(got.at(-1)!.data).toEqual({ type: 'end', source: 'stored' });
        await sse.ended;
      }
    });

    it('says why when the log is neither stored nor on a reachable agent', async () => {
      const identifier = `${unique('gone')}.csv`;
      await createTaskLog(farm.master.context.db, { identifier, agentId });
      const sse = await openSse(`${url}/api/v1/task_logs/${identifier}/stream`, auth());
      const message = await sse.next();
      expect(message.event).toBe('log.error');
      expect((message.data as { error: string }).error).toMatch(/answered 404/);
      const orphan = `${unique('orphan')}.csv`;
      await createTaskLog(farm.master.context.db, { identifier: orphan });
      const sse2 = await openSse(`${url}/api/v1/task_logs/${orphan}/stream`, auth());
      expect(((await sse2.next()).data as { error: string }).error).toMatch(/no agent is known/);
    });
  });

  it('ends open streams when the master closes', async () => {
    const other = await createTestMaster(await createTestDatabase('sqlite'));
    const otherUrl = await other.master.listen('127.0.0.1', 0);
    const sse = await openSse(`${otherUrl}/api/v1/events`, { authorization: `Bearer ${other.tokens.admin}` });
    const started = Date.now();
    await other.close();
    await sse.ended;
    expect(Date.now() - started).toBeLessThan(3000);
    await other.database.destroy();
  });
});
