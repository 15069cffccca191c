import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createAgent, type Agent } from '../../src/db/agents/agent.repository.js';
import { createSoftware } from '../../src/db/software/software.repository.js';
import { createTaskLog, linkTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { agentInput, makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';

const SECRET = 'secret-of-the-agent';

forEachDialectMaster(
  (dialect, farm) => {
    let agent: Agent;
    let server: Server;
    const received: { body: unknown; authorization?: string; userAgent?: string }[] = [];

    beforeAll(async () => {
      server = createServer((req, res) => {
        let body = '';
        req.on('data', (c) => (body += c));
        req.on('end', () => {
          received.push({
            body: JSON.parse(body) as unknown,
            authorization: req.headers.authorization,
            userAgent: req.headers['user-agent'],
          });
          res.writeHead(202, { 'content-type': 'application/json' }).end('{}');
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { db, limits } = farm().master.context;
      agent = await createAgent(
        db,
        agentInput({
          remoteIp: '127.0.0.1',
          port: (server.address() as AddressInfo).port,
          apiSecret: SECRET,
        }),
        { limits },
      );
      const job = await makeJob(db, { title: `activity-${dialect}` });
      await createTasksForFrameRange(db, job.id, { start: 1, end: 3, by: 1 });
      const tasks = (await listTasks(db, { jobIds: [job.id] })).sort((a, b) => a.frame - b.frame);
      for (const [i, task] of tasks.entries()) {
        const log = await createTaskLog(db, {
          identifier: `${unique('log')}.csv`,
          agentId: agent.id,
          createdOn: Date.UTC(2026, 0, 1, 10, i),
        });
        await linkTaskLog(db, {
          taskLogId: log.id,
          taskId: task.id,
          attempt: 1,
          ...(i === 1 ? { state: 'failed' as const } : i === 2 ? { state: 'done' as const } : {}),
        });
      }
      await createSoftware(db, {
        software: unique('blender'),
        versions: [
          {
            version: '3.4',
            discoveryCode: 'export function find() { return true; }',
            discoveryFunctionName: 'find',
          },
          { version: '4.1' },
        ],
      });
    });
    afterAll(async () => {
      await new Promise((r) => server.close(r));
    });

    it('lists the latest logs of an agent, newest first, with the state of each attempt', async () => {
      const res = await farm().inject({ url: `/api/v1/agents/${agent.id}/task_logs?limit=2`, as: 'artist' });
      expect(res.statusCode, res.body).toBe(200);
      const logs = res.json<{ frame: number; state: string | null; attempt: number; job_title: string }[]>();
      expect(logs.map((l) => [l.frame, l.state])).toEqual([
        [3, 'done'],
        [2, 'failed'],
      ]);
      expect(logs[0]).toMatchObject({ attempt: 1, job_title: `activity-${dialect}` });
      expect(
        (await farm().inject({ url: `/api/v1/agents/${agent.id}/task_logs` })).json<unknown[]>(),
      ).toHaveLength(3);
    });

    it('is 404 for an unknown agent and 400 for a bad limit', async () => {
      expect(
        (await farm().inject({ url: '/api/v1/agents/00000000-0000-4000-8000-000000000000/task_logs' }))
          .statusCode,
      ).toBe(404);
      expect((await farm().inject({ url: '/api/v1/agents/not-a-uuid/task_logs' })).statusCode).toBe(404);
      expect((await farm().inject({ url: `/api/v1/agents/${agent.id}/task_logs?limit=0` })).statusCode).toBe(
        400,
      );
    });

    it('asks the agent to check every software version that has discovery code', async () => {
      const before = received.length;
      const res = await farm().inject({
        method: 'POST',
        url: `/api/v1/agents/${agent.id}/check_software`,
        as: 'wrangler',
      });
      expect(res.statusCode, res.body).toBe(202);
      const checks = received.slice(before);
      expect(res.json()).toEqual({ requested: checks.length, failed: [] });
      expect(checks.some((c) => (c.body as { version: string }).version === '3.4')).toBe(true);
      expect(checks.some((c) => (c.body as { version: string }).version === '4.1')).toBe(false);
      expect(checks[0]).toMatchObject({
        authorization: `Bearer ${SECRET}`,
        userAgent: 'Drover/test (master)',
      });
    });

    it('refuses artists and says which checks failed', async () => {
      expect(
        (
          await farm().inject({
            method: 'POST',
            url: `/api/v1/agents/${agent.id}/check_software`,
            as: 'artist',
          })
        ).statusCode,
      ).toBe(403);
      const { db, limits } = farm().master.context;
      // A port nothing listens on: taken from a server that is closed again.
      const probe = createServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise((r) => probe.close(r));
      const gone = await createAgent(db, agentInput({ remoteIp: '127.0.0.1', port }), { limits });
      const res = await farm().inject({
        method: 'POST',
        url: `/api/v1/agents/${gone.id}/check_software`,
        as: 'admin',
      });
      expect(res.statusCode).toBe(202);
      const body = res.json<{ requested: number; failed: { error: string }[] }>();
      expect(body.failed.length).toBe(body.requested);
      expect(body.failed[0]?.error).toMatch(/cannot be reached/);
    });
  },
  { config: { allow_agents_from_loopback: true } },
);
