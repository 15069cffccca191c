/**
 * A real `drover agent` process (the built CLI, bin/drover.js) for browser tests: registered with an agent
 * token on loopback, foreground, own data directory and port, no NTP. Stopped with SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAccountWithPassword, createApiToken } from '../../../src/master/auth/auth.service.js';
import type { BrowserFarm } from './farm.js';

export interface RealAgent {
  process: ChildProcess;
  /** The agent's id once it registered. */
  id: string;
  stop(): Promise<void>;
}

export async function startRealAgent(farm: BrowserFarm, hostname: string): Promise<RealAgent> {
  await createAccountWithPassword(farm.master.context, {
    username: `${hostname}-agent`,
    password: 'agent password 123',
    roles: ['agent'],
  });
  const token = (
    await createApiToken(farm.master.context, {
      username: `${hostname}-agent`,
      name: hostname,
      kind: 'agent',
    })
  ).token;
  const data = mkdtempSync(join(tmpdir(), 'drover-e2e-agent-'));
  const child = spawn(
    process.execPath,
    [
      'bin/drover.js',
      'agent',
      'start',
      '-n',
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--data-dir',
      data,
      '--master',
      farm.url,
      '--host',
      hostname,
      '--ntp-server',
      '',
    ],
    // DROVER_* variables are configuration for drover; the test runner's own must not reach the agent.
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...withoutDroverVariables(process.env), DROVER_TOKEN: token },
    },
  );
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const agents = (await (await farm.api(`/api/v1/agents/?hostname=${hostname}`)).json()) as {
      id: string;
    }[];
    if (agents[0]) {
      return {
        process: child,
        id: agents[0].id,
        async stop() {
          child.kill('SIGTERM');
          await new Promise((r) => child.once('exit', r));
          rmSync(data, { recursive: true, force: true });
        },
      };
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the agent did not register: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function withoutDroverVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('DROVER_')));
}
