/**
 * `drover supervisor` with real processes: it restarts a killed agent, applies an update the agent
 * downloaded (POST /update) before restarting it, and ends when the agent is stopped on purpose.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterEach, beforeAll, expect, test } from 'vitest';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { agentRequest, FakeMaster } from '../support/fake-master.js';
import { isAlive } from '../../src/agent/system/process-tree.js';

const cleanup: (() => Promise<void> | void)[] = [];
beforeAll(ensureBuilt);
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

function supervise(master: FakeMaster, dataDir: string, extra: string[] = []) {
  const temp = join(dataDir, 'tmp');
  mkdirSync(temp, { recursive: true });
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/drover.js'),
      'supervisor',
      '-n',
      '--interval',
      '0.2',
      ...extra,
      '--',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--host',
      'supervised',
      '--master-api',
      master.url,
      '--token',
      master.token,
      '--ntp-server',
      '',
      '--http-retry-delay',
      '0.1',
    ],
    {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TMPDIR: temp },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  cleanup.push(async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  });
  return { child, exited, output: () => output };
}

const agentPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'lock', 'agent.pid'), 'utf8').trim());

test(
  'a killed agent is restarted; an agent stopped on purpose ends the supervisor',
  { timeout: 60_000 },
  async () => {
    const master = await new FakeMaster().start();
    cleanup.push(() => master.stop());
    const dataDir = mkdtempSync(join(tmpdir(), 'drover-supervised-'));
    const sup = supervise(master, dataDir);
    const id = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
    const first = agentPid(dataDir);
    process.kill(first, 'SIGKILL');
    await master.waitFor(() => master.agents.get(id)!.registrations === 2, 20_000, 'restart after kill -9');
    const second = agentPid(dataDir);
    expect(second).not.toBe(first);
    expect((await master.callAgent(id, 'POST', '/stop', { wait: false })).status).toBe(202);
    expect(await sup.exited).toBe(0);
    expect(isAlive(second)).toBe(false);
    expect(sup.output()).toMatch(/stopped on purpose/);
  },
);

test('an update downloaded by the agent is applied before the restart', { timeout: 60_000 }, async () => {
  const master = await new FakeMaster().start();
  cleanup.push(() => master.stop());
  // The "new version": a package whose bin/drover.js leaves a mark and hands over to this installation.
  master.updates.set(
    '9.9.9',
    Buffer.from(
      zipSync({
        'bin/drover.js': strToU8(
          `import { writeFileSync } from 'node:fs';\nwriteFileSync(new URL('../started-from-update', import.meta.url), 'yes');\nawait import(${JSON.stringify(`file://${ROOT}/bin/drover.js`)});\n`,
        ),
        'package.json': strToU8('{"type":"module"}'),
      }),
    ),
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'drover-supervised-'));
  const packageDir = mkdtempSync(join(tmpdir(), 'drover-package-'));
  supervise(master, dataDir, ['--agent-package-dir', packageDir]);
  const id = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
  expect((await master.callAgent(id, 'POST', '/update', { version: 'not a version' })).status).toBe(400);
  expect((await master.callAgent(id, 'POST', '/update', { version: '9.9.9' })).status).toBe(202);
  await master.waitFor(() => master.agents.get(id)!.registrations === 2, 30_000, 'restart into the update');
  expect(readFileSync(join(packageDir, 'started-from-update'), 'utf8')).toBe('yes');
  expect(existsSync(join(dataDir, 'updates', 'drover-agent.zip'))).toBe(false);
  expect(master.received.some((r) => r.path === '/api/v1/agents/updates/9.9.9')).toBe(true);
  // The restarted agent answers as before.
  const s = JSON.parse(readFileSync(join(dataDir, 'lock', 'agent.json'), 'utf8')) as {
    port: number;
    controlSecret: string;
  };
  const status = await agentRequest(`http://127.0.0.1:${s.port}/api/v1/status`, 'GET', undefined, {
    authorization: `Bearer ${s.controlSecret}`,
  });
  expect(status.json).toMatchObject({ state: 'online', agent_hostname: 'supervised' });
});
