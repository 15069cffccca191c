/**
 * A real agent process for black-box tests: `node bin/drover.js agent start -n` with its own data dir,
 * port 0 on loopback, the fake (or real) master's URL and token, and short retry delays.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentRequest, type AgentAnswer } from './fake-master.js';
import { ROOT } from './build-once.js';

export interface AgentProcessOptions {
  masterApi: string;
  token: string;
  dataDir?: string;
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export class AgentProcess {
  readonly child: ChildProcess;
  output = '';
  exitCode: number | null | undefined;
  signal: NodeJS.Signals | null = null;
  readonly exited: Promise<void>;

  constructor(
    readonly dataDir: string,
    args: string[],
    env: NodeJS.ProcessEnv,
  ) {
    this.child = spawn(process.execPath, [join(ROOT, 'bin/drover.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.output += c.toString()));
    this.exited = new Promise((resolve) =>
      this.child.on('exit', (code, signal) => {
        this.exitCode = code;
        this.signal = signal;
        resolve();
      }),
    );
  }

  static start(options: AgentProcessOptions): AgentProcess {
    const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'drover-agent-'));
    // $temp (job type cache, job type temp dirs) is private to each test agent unless a test shares it.
    const temp = join(dataDir, 'tmp');
    mkdirSync(temp, { recursive: true });
    const args = [
      'agent',
      'start',
      '-n',
      '--data-dir',
      dataDir,
      '--port',
      '0',
      '--bind',
      '127.0.0.1',
      '--host',
      'testagent',
      '--master-api',
      options.masterApi,
      '--token',
      options.token,
      '--ntp-server',
      '',
      '--http-retry-delay',
      '0.1',
      '--shutdown-timeout',
      '5',
      ...(options.args ?? []),
    ];
    return new AgentProcess(dataDir, args, { TMPDIR: temp, ...options.env });
  }

  get pid(): number {
    return this.child.pid!;
  }

  state(): { port: number; controlSecret: string; agentId: string; pid: number } {
    return JSON.parse(readFileSync(join(this.dataDir, 'lock', 'agent.json'), 'utf8')) as never;
  }

  get agentId(): string {
    return readFileSync(join(this.dataDir, 'uuid.dat'), 'utf8').trim();
  }

  /** A request with the local control secret (what `drover agent stop|status` use). */
  call(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<AgentAnswer> {
    const s = this.state();
    return agentRequest(`http://127.0.0.1:${s.port}${path}`, method, body, {
      authorization: `Bearer ${s.controlSecret}`,
      ...headers,
    });
  }

  raw(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<AgentAnswer> {
    return agentRequest(`http://127.0.0.1:${this.state().port}${path}`, method, body, headers);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.exitCode === undefined) this.child.kill(signal);
    await this.exited;
  }
}
