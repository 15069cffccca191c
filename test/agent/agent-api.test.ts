/**
 * The agent's REST API against a real agent process: authentication, the generic rules, and every
 * status code of /assign, /tasks, /task_logs listed in spec §5.
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';

let master: FakeMaster;
let agent: AgentProcess;
let agentId: string;

const command = (job: number, tasks: number[], cmd: string, extra: Record<string, unknown> = {}) => ({
  job: { id: job, by: 1, data: { command: 'sh', args: ['-c', cmd] }, ...extra },
  jobtype: { name: 'Command', version: 1 },
  tasks: tasks.map((id) => ({ id, frame: id, attempt: 1 })),
});

beforeAll(async () => {
  await ensureBuilt();
  master = await new FakeMaster().start();
  master.addJobType('Command', 1, readFileSync(`${ROOT}/jobtypes/builtin/command.js`, 'utf8'), 'Command');
  master.addJobType('Other', 1, readFileSync(`${ROOT}/jobtypes/builtin/command.js`, 'utf8'), 'Command');
  agent = AgentProcess.start({ masterApi: master.url, token: master.token });
  const record = await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration');
  agentId = record.id;
});

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
});

test('registration carries identity, hardware, port and a fresh secret', () => {
  const a = master.agents.get(agentId)!;
  expect(a.hostname).toBe('testagent');
  expect(a.port).toBe(agent.state().port);
  expect(a.api_secret.length).toBeGreaterThanOrEqual(32);
  expect(a.state).toBe('online');
  expect(a.current_assignments).toEqual({});
  expect(a.cpus).toBeGreaterThan(0);
  expect(a.ram).toBeGreaterThan(16);
  expect(a.os_class).toBe('linux');
  expect(a.version).toMatch(/^\d+\.\d+\.\d+/);
  const received = master.received.find((r) => r.path === '/api/v1/agents/')!;
  expect(received.headers['user-agent']).toMatch(/^Drover\/\S+ \(agent\)$/);
  expect(received.headers.authorization).toBe(`Bearer ${master.token}`);
});

describe('authentication: never open', () => {
  test('no or wrong credentials → 401 JSON', async () => {
    const none = await agent.raw('GET', '/api/v1/status');
    expect(none.status).toBe(401);
    expect(none.json).toEqual({ error: 'authentication required' });
    expect(none.headers['www-authenticate']).toMatch(/Bearer/);
    expect((await agent.raw('GET', '/', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
    const basic = `Basic ${Buffer.from('agent:agent').toString('base64')}`;
    expect((await agent.raw('GET', '/api/v1/status', undefined, { authorization: basic })).status).toBe(401);
  });

  test("the master's secret and the local control secret work", async () => {
    expect((await master.callAgent(agentId, 'GET', '/versions')).json).toEqual({ versions: [1] });
    expect((await agent.call('GET', '/api/v1/versions')).status).toBe(200);
  });

  test('HTTP Basic works once a password is configured', async () => {
    const m2 = await new FakeMaster().start();
    const a2 = AgentProcess.start({
      masterApi: m2.url,
      token: m2.token,
      args: ['--agent-api-username', 'ops', '--agent-api-password', 's3cret'],
    });
    try {
      await m2.waitFor(() => m2.agents.size > 0, 20_000, 'registration');
      const ok = `Basic ${Buffer.from('ops:s3cret').toString('base64')}`;
      const bad = `Basic ${Buffer.from('ops:wrong').toString('base64')}`;
      expect((await a2.raw('GET', '/api/v1/status', undefined, { authorization: ok })).status).toBe(200);
      const denied = await a2.raw('GET', '/api/v1/status', undefined, { authorization: bad });
      expect(denied.status).toBe(401);
      expect(denied.headers['www-authenticate']).toMatch(/Basic/);
    } finally {
      await a2.stop();
      await m2.stop();
    }
  });
});

describe('generic rules', () => {
  test('versions, status, config, tasks and the HTML pages', async () => {
    const status = (await agent.call('GET', '/api/v1/status')).json as Record<string, unknown>;
    expect(status).toMatchObject({
      state: 'online',
      agent_hostname: 'testagent',
      agent_id: agentId,
      jobs: [],
    });
    for (const key of [
      'free_ram',
      'agent_process_ram',
      'consumed_ram',
      'child_processes',
      'pids',
      'uptime',
      'agent_lock_file',
      'last_announce',
    ]) {
      expect(status).toHaveProperty(key);
    }
    const config = (await agent.call('GET', '/api/v1/config')).json as Record<string, unknown>;
    expect(config.master_api).toBe(master.url);
    expect(config).not.toHaveProperty('agent_token');
    expect((await agent.call('GET', '/api/v1/tasks/')).json).toEqual([]);
    const page = await agent.call('GET', '/', undefined, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.text).toContain('testagent');
    expect((await agent.call('GET', '/configuration')).text).toContain(master.url);
  });

  test('404, 405, 415, 400', async () => {
    expect((await agent.call('GET', '/api/v1/nothing')).status).toBe(404);
    const wrongMethod = await agent.call('POST', '/api/v1/versions', {});
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
    const textBody = await agent.call('POST', '/api/v1/assign', 'hello', { 'content-type': 'text/plain' });
    expect(textBody.status).toBe(415);
    const badJson = await agent.call('POST', '/api/v1/assign', '{nope', {
      'content-type': 'application/json',
    });
    expect(badJson).toMatchObject({ status: 400, json: { error: 'the body is not valid JSON' } });
    const accept = await agent.call('GET', '/api/v1/status', undefined, { accept: 'text/html' });
    expect(accept).toMatchObject({ status: 415, json: { error: 'Can only handle one of application/json' } });
    const stop = await agent.call('POST', '/api/v1/stop', { wait: 'soon' });
    expect(stop.status).toBe(400);
    expect((stop.json as { error: string }).error).toMatch(
      /^Failed to validate the request data against the schema: wait/,
    );
  });
});

describe('POST /assign', () => {
  test('schema, agent id, RAM and CPUs', async () => {
    const noId = await master.callAgent(agentId, 'POST', '/assign', {
      job: { by: 1 },
      jobtype: { name: 'Command', version: 1 },
      tasks: [{ id: 1, frame: 1 }],
    });
    expect(noId.status).toBe(400);
    expect((noId.json as { error: string }).error).toBe(
      'Failed to validate the request data against the schema: missing required key "job.id"',
    );
    const other = await master.callAgent(agentId, 'POST', '/assign', {
      ...command(1, [1], 'true'),
      agent_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    });
    expect(other.status).toBe(400);
    const ram = await master.callAgent(agentId, 'POST', '/assign', command(1, [1], 'true', { ram: 262144 }));
    expect(ram.status).toBe(400);
    expect(ram.json).toMatchObject({ error: 'Not enough ram', requires_ram: 262144 });
    const cpus = await master.callAgent(agentId, 'POST', '/assign', command(1, [1], 'true', { cpus: 256 }));
    expect(cpus.status).toBe(400);
    expect(cpus.json).toMatchObject({ error: 'Not enough cpus', requires_cpus: 256 });
  });

  test('same tasks → same id; overlap → 409; another job type → 409; DELETE hands the task back', async () => {
    const first = await master.callAgent(
      agentId,
      'POST',
      '/assign',
      command(2, [21, 22], 'sleep 30', { batch: 2 }),
    );
    expect(first.status).toBe(202);
    const again = await master.callAgent(
      agentId,
      'POST',
      '/assign',
      command(2, [22, 21], 'sleep 30', { batch: 2 }),
    );
    expect(again).toMatchObject({ status: 202, json: first.json });
    const overlap = await master.callAgent(agentId, 'POST', '/assign', command(2, [22, 23], 'sleep 30'));
    expect(overlap).toMatchObject({
      status: 409,
      json: { error: 'Partial overlap of tasks', rejected_task_ids: [23] },
    });
    const otherType = await master.callAgent(agentId, 'POST', '/assign', {
      ...command(3, [31], 'true'),
      jobtype: { name: 'Other', version: 1 },
    });
    expect(otherType).toMatchObject({ status: 409, json: { rejected_task_ids: [31] } });
    await master.waitFor(() => master.statesOf(21).includes('running'), 10_000, 'task 21 running');
    const tasks = (await master.callAgent(agentId, 'GET', '/tasks/')).json as {
      id: number;
      local_state: string;
    }[];
    expect(tasks.map((t) => [t.id, t.local_state])).toEqual([
      [21, 'running'],
      [22, 'running'],
    ]);
    expect((await agent.call('GET', '/api/v1/status')).json).toMatchObject({
      state: 'running',
      child_processes: 1,
    });
    expect((await master.callAgent(agentId, 'DELETE', '/tasks/abc')).status).toBe(400);
    expect((await master.callAgent(agentId, 'DELETE', '/tasks/')).status).toBe(400);
    expect((await master.callAgent(agentId, 'DELETE', '/tasks/999999')).status).toBe(204);
    expect((await master.callAgent(agentId, 'DELETE', '/tasks/21')).status).toBe(202);
    await master.waitFor(() => master.statesOf(22).includes('queued'), 15_000, 'hand-back');
    expect(master.reportsFor(21).at(-1)).toMatchObject({ state: 'queued', agent_id: null, attempt: 1 });
    // Once the master has every report the agent drops the assignment; the master's view ends "online"
    // (state announces are debounced, so a short run may never have been announced as "running").
    while (((await agent.call('GET', '/api/v1/tasks/')).json as unknown[]).length > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 800));
    const last = master.agents.get(agentId)!.announces.at(-1);
    expect(last?.state ?? 'online').toBe('online');
    if (last) expect(last.current_assignments).toEqual({});
  });
});

describe('task logs', () => {
  test('bad identifiers → 400, unknown → 404', async () => {
    // Sent as is: a URL object would resolve the dot segment before it leaves the client.
    const dotdot = await new Promise<number>((resolve, reject) => {
      const auth = { authorization: `Bearer ${master.agents.get(agentId)!.api_secret}` };
      request(
        { host: '127.0.0.1', port: agent.state().port, path: '/api/v1/task_logs/..', headers: auth },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(dotdot).toBe(400);
    expect((await master.callAgent(agentId, 'GET', '/task_logs/a%2Fb')).status).toBe(400);
    expect((await master.callAgent(agentId, 'GET', `/task_logs/${'x'.repeat(300)}`)).status).toBe(400);
    expect((await master.callAgent(agentId, 'GET', '/task_logs/none.csv')).status).toBe(404);
  });

  test('follow mode streams lines as they are written and ends with the task', async () => {
    const script = 'for i in 1 2 3 4 5 6; do echo "line $i"; sleep 0.3; done';
    expect((await master.callAgent(agentId, 'POST', '/assign', command(5, [51], script))).status).toBe(202);
    const log = await master.waitFor(
      () => [...master.taskLogs.entries()].find(([, v]) => v.task === 51),
      10_000,
      'log registration',
    );
    const identifier = log[0].split('/').slice(2).join('/');
    await master.waitFor(() => master.statesOf(51).includes('running'), 10_000, 'running');
    const s = agent.state();
    const chunks: { at: number; text: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `http://127.0.0.1:${s.port}/api/v1/task_logs/${identifier}?follow=1`,
        {
          headers: {
            authorization: `Bearer ${master.agents.get(agentId)!.api_secret}`,
            'user-agent': 'Drover/0 (master)',
          },
        },
        (res) => {
          expect(res.statusCode).toBe(200);
          expect(res.headers['content-type']).toMatch(/text\/csv/);
          res.on('data', (c: Buffer) => chunks.push({ at: Date.now(), text: c.toString() }));
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end();
    });
    const text = chunks.map((c) => c.text).join('');
    for (let i = 1; i <= 6; i++) expect(text.match(new RegExp(`,line ${i}\\r\\n`, 'g'))).toHaveLength(1);
    // Lines arrived spread over the run, not all at the end.
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.at(-1)!.at - chunks[0]!.at).toBeGreaterThan(500);
    await master.waitFor(() => master.statesOf(51).includes('done'), 10_000, 'done');
    const uploaded = await master.waitFor(() => master.uploads.get(identifier), 10_000, 'upload');
    const served = await master.callAgent(agentId, 'GET', `/task_logs/${identifier}`);
    expect(served.text).toBe(uploaded.toString());
  });
});
