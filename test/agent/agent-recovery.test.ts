/**
 * Nothing lost: a master outage while tasks finish, `kill -9` of the agent mid-task and its restart,
 * graceful stops and restarts, several agents on one machine, and the daemon mode of the CLI.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, test } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';
import { isAlive } from '../../src/agent/system/process-tree.js';

const command = readFileSync(`${ROOT}/jobtypes/builtin/command.js`, 'utf8');
const cleanup: (() => Promise<void>)[] = [];

beforeAll(ensureBuilt);
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function farm(args: string[] = []) {
  const master = await new FakeMaster().start();
  master.addJobType('Command', 1, command, 'Command');
  const agent = AgentProcess.start({ masterApi: master.url, token: master.token, args });
  cleanup.push(
    () => master.stop(),
    () => agent.stop('SIGKILL'),
  );
  const id = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
  return { master, agent, id };
}

const sh = (job: number, tasks: number[], script: string, extra: Record<string, unknown> = {}) => ({
  job: { id: job, by: 1, data: { command: 'sh', args: ['-c', script] }, ...extra },
  jobtype: { name: 'Command', version: 1 },
  tasks: tasks.map((id, i) => ({ id, frame: i + 1, attempt: 1 })),
});

test(
  'master down for 20 s while tasks finish: every report arrives after it returns, none twice, in order',
  { timeout: 90_000 },
  async () => {
    const { master, agent, id } = await farm();
    const tasks = [1, 2, 3, 4, 5];
    expect(
      (await master.callAgent(id, 'POST', '/assign', sh(1, tasks, 'echo frame {frame}; sleep 1'))).status,
    ).toBe(202);
    await master.waitFor(() => master.statesOf(1).includes('running'), 10_000, 'first task running');
    const downAt = Date.now();
    await master.stop();
    // While the master is away the tasks finish; the agent keeps the assignment until the master knows.
    const local = async () =>
      (await agent.call('GET', '/api/v1/tasks/')).json as { id: number; local_state: string }[];
    for (;;) {
      const held = await local();
      if (held.length === 5 && held.every((t) => t.local_state === 'done')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const status = (await agent.call('GET', '/api/v1/status')).json as {
      journal_backlog: number;
      master_reachable: boolean;
    };
    expect(status.master_reachable).toBe(false);
    expect(status.journal_backlog).toBeGreaterThan(5);
    await new Promise((r) => setTimeout(r, Math.max(0, 20_000 - (Date.now() - downAt))));
    const before = master.taskReports.length;
    await master.start();
    await master.waitFor(
      () => tasks.every((t) => master.statesOf(t).includes('done')),
      30_000,
      'all done reports',
    );
    for (const t of tasks) expect(master.statesOf(t)).toEqual(['running', 'done']);
    expect(master.taskReports.slice(before).every((r) => r.at >= downAt + 20_000)).toBe(true);
    // Logs: one registration per task, one upload for the assignment.
    await master.waitFor(() => master.uploads.size === 1, 10_000, 'log upload');
    expect([...master.taskLogs.values()].map((l) => l.task).sort()).toEqual(tasks);
    // Only then does the agent drop the assignment; whatever the master last heard says it is idle.
    while (((await agent.call('GET', '/api/v1/tasks/')).json as unknown[]).length > 0) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 800));
    const last = master.agents.get(id)!.announces.at(-1);
    expect(last?.state ?? 'online').toBe('online');
    if (last) expect(last.current_assignments).toEqual({});
    expect(
      ((await agent.call('GET', '/api/v1/status')).json as { journal_backlog: number }).journal_backlog,
    ).toBe(0);
  },
);

test(
  'kill -9 mid-task: the restarted agent ends the orphan, replays its journal, then registers again',
  { timeout: 60_000 },
  async () => {
    const { master, agent, id } = await farm();
    await master.callAgent(id, 'POST', '/assign', sh(3, [31], 'sleep 60'));
    await master.waitFor(() => master.statesOf(31).includes('running'), 10_000, 'running');
    const orphan = ((await agent.call('GET', '/api/v1/status')).json as { pids: { child: number[] } }).pids
      .child[0]!;
    expect(isAlive(orphan)).toBe(true);
    // Reports made while the master refuses them stay in the journal across the kill.
    master.failWith = 503;
    expect((await master.callAgent(id, 'POST', '/assign', sh(2, [21], 'echo quick'))).status).toBe(202);
    for (;;) {
      const tasks = (await agent.call('GET', '/api/v1/tasks/')).json as { id: number; local_state: string }[];
      if (tasks.find((t) => t.id === 21)?.local_state === 'done') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    agent.child.kill('SIGKILL');
    await agent.exited;
    expect(isAlive(orphan)).toBe(true); // the kill left it behind
    master.failWith = undefined;
    const registrationsBefore = master.received.filter((r) => r.path === '/api/v1/agents/').length;
    const again = AgentProcess.start({ masterApi: master.url, token: master.token, dataDir: agent.dataDir });
    cleanup.push(() => again.stop('SIGKILL'));
    await master.waitFor(() => master.agents.get(id)!.registrations === 2, 20_000, 're-registration');
    expect(again.agentId).toBe(id);
    for (let i = 0; i < 50 && isAlive(orphan); i++) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(orphan)).toBe(false);
    // The journaled reports of task 21 reached the master before the new registration, exactly once.
    expect(master.statesOf(21)).toEqual(['running', 'done']);
    const done = master.taskReports.find((r) => r.task === 21 && r.body.state === 'done')!;
    const second = master.received.filter((r) => r.path === '/api/v1/agents/')[registrationsBefore]!;
    expect(done.at).toBeLessThanOrEqual(second.at);
    expect((second.json as { current_assignments: object }).current_assignments).toEqual({});
  },
);

describe('stopping and restarting', () => {
  test(
    'SIGTERM mid-task hands the task back, says offline, exits 0 — no failure reported',
    { timeout: 30_000 },
    async () => {
      const { master, agent, id } = await farm();
      await master.callAgent(id, 'POST', '/assign', sh(4, [41], 'sleep 60'));
      await master.waitFor(() => master.statesOf(41).includes('running'), 10_000, 'running');
      const started = Date.now();
      await agent.stop('SIGTERM');
      expect(agent.exitCode).toBe(0);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(master.statesOf(41)).toEqual(['running', 'queued']);
      expect(master.reportsFor(41).at(-1)).toMatchObject({ agent_id: null });
      expect(master.agents.get(id)!.announces.at(-1)).toMatchObject({ state: 'offline' });
      expect(existsSync(join(agent.dataDir, 'lock', 'should_be_running'))).toBe(false);
      expect(existsSync(join(agent.dataDir, 'lock', 'agent.pid'))).toBe(false);
    },
  );

  test('/restart keeps the run-control file (for the supervisor); /stop removes it', async () => {
    const { master, agent, id } = await farm();
    expect((await master.callAgent(id, 'POST', '/restart', {})).status).toBe(202);
    await agent.exited;
    expect(existsSync(join(agent.dataDir, 'lock', 'should_be_running'))).toBe(true);
    const again = AgentProcess.start({ masterApi: master.url, token: master.token, dataDir: agent.dataDir });
    cleanup.push(() => again.stop('SIGKILL'));
    await master.waitFor(() => master.agents.get(id)!.registrations === 2, 20_000, 're-registration');
    const stop = await again.call('POST', '/api/v1/stop', { wait: true });
    expect(stop).toMatchObject({ status: 200, json: { state: 'stopped' } });
    await again.exited;
    expect(existsSync(join(agent.dataDir, 'lock', 'should_be_running'))).toBe(false);
  });

  test('a pending restart refuses new work (503) and happens when the work is done', async () => {
    const { master, agent, id } = await farm();
    await master.callAgent(id, 'POST', '/assign', sh(5, [51], 'sleep 1'));
    await master.waitFor(() => master.statesOf(51).includes('running'), 10_000, 'running');
    await master.callAgent(id, 'POST', '/restart', {});
    const refused = await master.callAgent(id, 'POST', '/assign', sh(5, [52], 'true'));
    expect(refused).toMatchObject({
      status: 503,
      json: { error: 'Agent cannot accept assignments because of a pending restart.' },
    });
    await agent.exited;
    expect(master.statesOf(51)).toEqual(['running', 'done']);
  });
});

describe('the CLI', () => {
  // Asynchronous: the fake master answers from this process, so the test must not block its event loop.
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [join(ROOT, 'bin/drover.js'), ...args], {
        env: { PATH: process.env.PATH, ...env },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.on('close', (status) => resolve({ status, stdout, stderr }));
    });

  test('start refuses while the same agent runs; two agents with their own data dirs run side by side', async () => {
    const { master, agent } = await farm();
    const dup = await cli([
      'agent',
      'start',
      '-n',
      '--data-dir',
      agent.dataDir,
      '--master-api',
      master.url,
      '--token',
      master.token,
      '--port',
      '0',
    ]);
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(/an agent is already running \(pid \d+/);
    const second = AgentProcess.start({ masterApi: master.url, token: master.token });
    cleanup.push(() => second.stop());
    await master.waitFor(() => master.agents.size === 2, 20_000, 'second agent');
    const [a, b] = [...master.agents.values()];
    expect(a!.id).not.toBe(b!.id);
    expect(a!.port).not.toBe(b!.port);
  });

  test('daemon mode: start returns once serving; status; stop', { timeout: 60_000 }, async () => {
    const master = await new FakeMaster().start();
    cleanup.push(() => master.stop());
    const dir = mkdtempSync(join(tmpdir(), 'drover-daemon-'));
    const common = ['--data-dir', dir];
    const started = await cli(
      [
        'agent',
        'start',
        ...common,
        '--port',
        '0',
        '--bind',
        '127.0.0.1',
        '--master-api',
        master.url,
        '--ntp-server',
        '',
        '--host',
        'daemon',
      ],
      { DROVER_TOKEN: master.token },
    );
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^agent started \(pid \d+, port \d+, log .*agent\.log\)\n$/);
    const pid = Number(/pid (\d+)/.exec(started.stdout)![1]);
    cleanup.push(async () => {
      if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    });
    expect(master.agents.size).toBe(1);
    const status = await cli(['agent', 'status', ...common]);
    expect(status.status).toBe(0);
    expect(status.stdout).toMatch(/: online, 0 process\(es\), pid \d+/);
    const json = JSON.parse((await cli(['agent', 'status', '--json', ...common])).stdout) as {
      running: boolean;
      agent_hostname: string;
    };
    expect(json).toMatchObject({ running: true, agent_hostname: 'daemon' });
    const stopped = await cli(['agent', 'stop', ...common]);
    expect(stopped.stdout).toBe(`agent stopped (pid ${pid})\n`);
    expect(isAlive(pid)).toBe(false);
    const after = await cli(['agent', 'status', ...common]);
    expect(after.status).toBe(1);
    expect(after.stdout).toBe('the agent is not running\n');
    expect(readFileSync(join(dir, 'logs', 'agent.log'), 'utf8')).toMatch(/"msg":"agent stopped"/);
  });

  test('a wrong token ends the start with a clear error', async () => {
    const master = await new FakeMaster().start();
    cleanup.push(() => master.stop());
    const agent = AgentProcess.start({ masterApi: master.url, token: 'wrong' });
    await agent.exited;
    expect(agent.exitCode).toBe(1);
    expect(agent.output).toMatch(/the master refused the agent token: 401/);
  });
});
