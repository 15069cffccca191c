/** POST /check_software, the manhole REPL, re-announcing and static files, against real agent processes. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';

let master: FakeMaster;
let agent: AgentProcess;
let agentId: string;

beforeAll(async () => {
  await ensureBuilt();
  master = await new FakeMaster().start();
  agent = AgentProcess.start({
    masterApi: master.url,
    token: master.token,
    args: [
      '--enable-manhole',
      '--manhole-port',
      '0',
      '--manhole-username',
      'ops',
      '--manhole-password',
      'hole',
    ],
  });
  agentId = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
});

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
});

test('check_software runs the discovery code and reports presence or absence', async () => {
  master.software.set('blender/3.4', {
    version: '3.4',
    discovery_function_name: 'installed',
    code: 'import { existsSync } from "node:fs";\nexport function installed() { return existsSync("/usr/bin/blender"); }',
  });
  master.software.set('maya/2024', {
    version: '2024',
    discovery_function_name: 'installed',
    code: 'export async function installed() { return false; }',
  });
  expect((await master.callAgent(agentId, 'POST', '/check_software', { software: 'blender' })).status).toBe(
    400,
  );
  expect(
    (await master.callAgent(agentId, 'POST', '/check_software', { software: 'blender', version: '3.4' }))
      .status,
  ).toBe(202);
  expect(
    (await master.callAgent(agentId, 'POST', '/check_software', { software: 'maya', version: '2024' }))
      .status,
  ).toBe(202);
  await master.waitFor(() => master.softwareReports.length === 2, 10_000, 'software reports');
  expect(master.softwareReports).toEqual(
    expect.arrayContaining([
      { agent: agentId, software: 'blender', version: '3.4', present: true },
      { agent: agentId, software: 'maya', version: '2024', present: false },
    ]),
  );
});

/** Logs in with the first two lines, then types the rest (some sent in the same packet as the password). */
async function manhole(lines: string[]): Promise<string> {
  const port = Number(/"port":(\d+),"msg":"manhole listening on loopback"/.exec(agent.output)![1]);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    socket.setEncoding('utf8');
    socket.on('data', (c: string) => {
      out += c;
      if (/password: $/.test(out) && lines.length > 0) socket.write(`${lines.splice(0).join('\n')}\n`);
    });
    socket.on('connect', () => socket.write(`${lines.shift()}\n`));
    socket.on('error', reject);
    socket.on('close', () => resolve(out));
    setTimeout(() => socket.end('.exit\n'), 500);
  });
}

test('the manhole is a REPL into the agent for the configured user only', async () => {
  const denied = await manhole(['ops', 'wrong']);
  expect(denied).toMatch(/access denied/);
  const session = await manhole(['ops', 'hole', 'agent.agentId']);
  expect(session).toContain(agentId);
});

test('a manhole without a password is a configuration error', async () => {
  const a2 = AgentProcess.start({ masterApi: master.url, token: master.token, args: ['--enable-manhole'] });
  await a2.exited;
  expect(a2.exitCode).toBe(2);
  expect(a2.output).toMatch(/agent_manhole_password: the manhole needs a password/);
});

test('re-announces when the master is silent, registers again when forgotten, serves --static-files', async () => {
  const staticDir = mkdtempSync(join(tmpdir(), 'drover-static-'));
  writeFileSync(join(staticDir, 'logo.svg'), '<svg/>');
  const m2 = await new FakeMaster().start();
  const a2 = AgentProcess.start({
    masterApi: m2.url,
    token: m2.token,
    args: ['--master-reannounce', '0.3', '--static-files', staticDir],
  });
  try {
    const id = (await m2.waitFor(() => [...m2.agents.values()][0], 20_000, 'registration')).id;
    const announces = await m2.waitFor(
      () => (m2.agents.get(id)!.announces.length >= 2 ? m2.agents.get(id)!.announces : undefined),
      10_000,
      'announces',
    );
    expect(announces[0]).toMatchObject({ state: 'online', current_assignments: {} });
    expect(announces[0]!.free_ram).toBeGreaterThan(0);
    m2.agents.delete(id);
    const again = await m2.waitFor(() => m2.agents.get(id), 10_000, 'registration after 404');
    expect(again.registrations).toBe(1);
    const file = await a2.call('GET', '/static/logo.svg');
    expect(file).toMatchObject({ status: 200, text: '<svg/>' });
    expect(file.headers['content-type']).toBe('image/svg+xml');
    expect((await a2.call('GET', '/static/../lock/agent.json')).status).toBe(404);
    expect((await a2.call('GET', '/static/')).status).toBe(404);
  } finally {
    await a2.stop();
    await m2.stop();
  }
});
