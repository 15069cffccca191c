import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { DroverProcess } from '../helpers/drover-process.js';
import { unusedPort } from '../helpers/ports.js';
import { ensureBuilt } from '../support/build-once.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-up-'));
const env = { HOME: dir, XDG_CONFIG_HOME: join(dir, '.config') };
const started: DroverProcess[] = [];

function up(args: string[]): DroverProcess {
  const process = new DroverProcess(['up', ...args], { cwd: dir, env });
  started.push(process);
  return process;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil<T>(probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  await ensureBuilt();
}, 180_000);
afterAll(async () => {
  for (const p of started) await p.stop('SIGINT');
  rmSync(dir, { recursive: true, force: true });
});

describe('drover up', () => {
  it('creates the admin and tokens, logs the CLI in, stops on SIGINT and resumes with the data intact', async () => {
    const port = await unusedPort();
    const first = up(['--agents', '0', '--port', String(port)]);
    const url = `http://127.0.0.1:${port}`;
    await first.waitFor(/Ctrl-C stops the farm/);
    const password =
      /admin: +admin \/ (\S+) +\(new; the password is also in drover-data\/admin-password\)/.exec(
        first.stdout,
      )?.[1];
    expect(password).toMatch(/^[\w-]{24}$/);
    expect(first.stdout).toContain(`Drover is up at ${url} (web UI and REST API; API docs at ${url}/docs)`);
    expect(first.stdout).toContain(
      `CLI:       logged in as admin; token in ${join(dir, '.config/drover/credentials.json')}`,
    );
    for (const file of ['admin-password', 'admin-token', 'agent-token']) {
      expect(statSync(join(dir, 'drover-data', file)).mode & 0o777).toBe(0o600);
    }
    expect(statSync(join(dir, 'drover-data')).mode & 0o777).toBe(0o700);

    // The CLI works with no further step, and the admin can log in with the printed password.
    const created = await runCli(['queues', '--json'], { env });
    expect(created).toMatchObject({ code: 0, stdout: '[]\n' });
    const login = await runCli(['login', '-u', 'admin', '--password-stdin', '--master', url, '--json'], {
      env: { ...env, XDG_CONFIG_HOME: join(dir, 'other-user') },
      stdin: password,
    });
    expect(login.code).toBe(0);
    const token = readFileSync(join(dir, 'drover-data', 'admin-token'), 'utf8').trim();
    const queue = await fetch(`${url}/api/v1/jobqueues/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kept' }),
    });
    expect(queue.status).toBe(201);

    // A second farm on the same directory is refused while the first runs.
    const twin = up(['--agents', '0', '--port', String(await unusedPort())]);
    expect(await twin.exited).toEqual({ code: 1, signal: null });
    expect(twin.stderr).toMatch(/^drover: a farm is already running from .*drover-data \(pid \d+\)/);

    expect(await first.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(first.stderr).toContain('drover: stopped; run drover up again to resume\n');

    const second = up(['--agents', '0', '--port', String(port)]);
    await second.waitFor(/Ctrl-C stops the farm/);
    expect(second.stdout).toContain(
      'admin:     admin (the generated password is in drover-data/admin-password)',
    );
    expect(second.stdout).not.toContain(password);
    const queues = await runCli(['queues', '--json'], { env });
    expect(JSON.parse(queues.stdout)).toMatchObject([{ name: 'kept', fullpath: '/kept' }]);
    expect(await second.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('starts local agents that stop by themselves when drover up is killed', async () => {
    const farm = up(['--agents', '1', '--port', String(await unusedPort()), '--data', 'killed']);
    await farm.waitFor(/Ctrl-C stops the farm/);
    const stateFile = join(dir, 'killed', 'agents', 'agent-1', 'lock', 'agent.json');
    const agentPid = await waitUntil(() => {
      try {
        return (JSON.parse(readFileSync(stateFile, 'utf8')) as { pid: number }).pid;
      } catch {
        return undefined;
      }
    });
    expect(isAlive(agentPid)).toBe(true);
    await farm.stop('SIGKILL');
    await waitUntil(() => (isAlive(agentPid) ? undefined : true), 40_000);
    // The killed farm's pid file is stale: the next drover up takes the directory over.
    const again = up(['--agents', '0', '--port', String(await unusedPort()), '--data', 'killed']);
    await again.waitFor(/Ctrl-C stops the farm/);
    expect(await again.stop('SIGINT')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('says so when the port is taken', async () => {
    const port = await unusedPort();
    const blocker = createServer().listen(port, '127.0.0.1');
    try {
      const farm = up(['--agents', '0', '--port', String(port), '--data', 'elsewhere']);
      expect((await farm.exited).code).toBe(1);
      expect(existsSync(join(dir, 'elsewhere', 'admin-password'))).toBe(false);
      expect(farm.stderr).toContain(
        `drover: port ${port} on 127.0.0.1 is in use (another farm?); choose another with --port\n`,
      );
    } finally {
      blocker.close();
    }
  });
});
