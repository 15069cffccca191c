/**
 * Job types end to end in a real agent process: Command and FakeRender from jobtypes/builtin, task
 * states and progress, CSV logs registered before work starts and uploaded after, job environment and
 * path maps, ram_max, job type loading failures and the two safety switches, the job type cache.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AgentProcess } from '../support/agent-process.js';
import { ensureBuilt, ROOT } from '../support/build-once.js';
import { FakeMaster } from '../support/fake-master.js';

const builtin = (name: string) => readFileSync(`${ROOT}/jobtypes/builtin/${name}.js`, 'utf8');
let master: FakeMaster;
let agent: AgentProcess;
let agentId: string;
let nextJob = 100;

function assign(jobtype: string, tasks: number[], job: Record<string, unknown> = {}, version = 1) {
  const id = nextJob++;
  return master.callAgent(agentId, 'POST', '/assign', {
    job: { id, by: 1, ...job },
    jobtype: { name: jobtype, version },
    tasks: tasks.map((t, i) => ({ id: t, frame: i + 1, attempt: 2 })),
  });
}

const finalState = (task: number) => master.statesOf(task).find((s) => s === 'done' || s === 'failed');
const settled = (tasks: number[], timeout = 20_000) =>
  master
    .waitFor(
      () => tasks.every((t) => finalState(t) !== undefined),
      timeout,
      `tasks ${tasks.join(',')} settled`,
    )
    .catch((err: Error) => {
      throw new Error(`${err.message}; the agent said:\n${agent.output.slice(-3000)}`);
    });

beforeAll(async () => {
  await ensureBuilt();
  master = await new FakeMaster().start();
  master.addJobType('Command', 1, builtin('command'), 'Command');
  master.addJobType('FakeRender', 1, builtin('fakerender'), 'FakeRender');
  agent = AgentProcess.start({ masterApi: master.url, token: master.token, args: ['--allow-sharing'] });
  agentId = (await master.waitFor(() => [...master.agents.values()][0], 20_000, 'registration')).id;
});

afterAll(async () => {
  await agent?.stop();
  await master?.stop();
});

describe('Command', () => {
  test('runs per task with placeholders; the log is registered before work starts and uploaded after', async () => {
    const r = await assign('Command', [1001, 1002], {
      data: { command: 'sh', args: ['-c', 'echo "frame {frame:03} of {start}-{end} $SHOT"'] },
      environ: { SHOT: 'sh010' },
    });
    expect(r.status).toBe(202);
    await settled([1001, 1002]);
    expect(master.statesOf(1001)).toEqual(['running', 'done']);
    expect(master.statesOf(1002)).toEqual(['running', 'done']);
    const running = master.reportsFor(1001)[0]!;
    expect(running.attempt).toBe(2);
    expect(Date.parse(running.time_started as string)).toBeGreaterThan(Date.now() - 60_000);
    const [identifier] = [...master.taskLogs.entries()]
      .find(([, v]) => v.task === 1001)![0]
      .split('/')
      .slice(2);
    const order = master.received.map((r) => r.path);
    const registration = order.findIndex((p) => p === '/api/v1/jobs/100/tasks/1002/attempts/2/logs/');
    const firstRunning = master.received.findIndex(
      (r) => r.path === '/api/v1/jobs/100/tasks/1001' && (r.json as { state?: string }).state === 'running',
    );
    expect(registration).toBeGreaterThanOrEqual(0);
    expect(registration).toBeLessThan(firstRunning);
    const csv = (await master.waitFor(() => master.uploads.get(identifier!), 10_000, 'upload')).toString();
    expect(csv).toMatch(/,\d+,0,\d+,frame 001 of 1-1 sh010\r\n/);
    expect(csv).toMatch(/,\d+,0,\d+,frame 002 of 2-2 sh010\r\n/);
    expect(master.taskLogs.get(`1001/2/${identifier}`)!.states).toEqual(['running', 'done']);
  });

  test('a batch runs as one process; cwd goes through the path maps', async () => {
    const root = mkdtempSync(join(tmpdir(), 'drover-pathmap-'));
    mkdirSync(join(root, 'shots'));
    master.pathMaps = [{ id: 1, path_linux: root, path_windows: 'P:\\', path_osx: '/Volumes/p', tag: null }];
    await assign('Command', [1101, 1102, 1103], {
      batch: 3,
      data: { command: 'sh', args: ['-c', 'pwd; echo {start}-{end}'], cwd: 'P:\\shots' },
    });
    await settled([1101, 1102, 1103]);
    const log = [...master.taskLogs.entries()]
      .find(([, v]) => v.task === 1101)![0]
      .split('/')
      .slice(2)
      .join('/');
    const csv = (await master.waitFor(() => master.uploads.get(log), 10_000, 'upload')).toString();
    expect(csv).toContain(`,0,`);
    expect(csv).toContain(`${join(root, 'shots')}\r\n`);
    expect(csv).toMatch(/,1-3\r\n/);
    expect(csv.match(/ exited with code 0/g)).toHaveLength(1);
  });

  test('a failing process fails its task with the exit code and the last output', async () => {
    await assign('Command', [1201], {
      data: { command: 'sh', args: ['-c', 'echo "cannot open scene" >&2; exit 3'] },
    });
    await settled([1201]);
    const failed = master.reportsFor(1201).find((r) => r.state === 'failed')!;
    expect(failed.last_error).toMatch(/^sh \(pid \d+\) exited with code 3; last output:\ncannot open scene$/);
  });

  test('bad job data fails the task with the job type error', async () => {
    await assign('Command', [1301], { data: {} });
    await settled([1301]);
    expect(master.reportsFor(1301).find((r) => r.state === 'failed')!.last_error).toMatch(
      /Command jobs need data.command/,
    );
  });
});

describe('FakeRender', () => {
  test('frames of a batch with progress, then done', async () => {
    await assign('FakeRender', [1401, 1402, 1403], { data: { duration: 0.3, ram: 5 } });
    await settled([1401, 1402, 1403]);
    for (const t of [1401, 1402, 1403]) {
      expect(master.statesOf(t)).toEqual(['running', 'done']);
      // Progress is sent at most once a second per task; "done" implies 1.
      const progress = master
        .reportsFor(t)
        .filter((r) => r.progress !== undefined)
        .map((r) => r.progress!);
      expect(progress.length).toBeGreaterThan(0);
      for (const p of progress) expect(p).toBeGreaterThanOrEqual(0);
    }
  });

  test('a return code fails the tasks', async () => {
    await assign('FakeRender', [1501], { data: { duration: 0, return_code: 7 } });
    await settled([1501]);
    expect(master.reportsFor(1501).find((r) => r.state === 'failed')!.last_error).toMatch(
      /exited with code 7/,
    );
  });

  test('ram_max kills the process tree and says why; ram_warning is logged', async () => {
    await assign('FakeRender', [1601], { ram_warning: 20, ram_max: 60, data: { duration: 10, ram: 150 } });
    await settled([1601]);
    expect(master.reportsFor(1601).find((r) => r.state === 'failed')!.last_error).toMatch(
      /exceeded the job's ram_max/,
    );
    const log = [...master.taskLogs.entries()]
      .find(([, v]) => v.task === 1601)![0]
      .split('/')
      .slice(2)
      .join('/');
    const csv = (await master.waitFor(() => master.uploads.get(log), 10_000, 'upload')).toString();
    expect(csv).toMatch(/above the job's ram_warning of 20 MB/);
    expect(csv).toMatch(/above the job's ram_max of 60 MB: killing it/);
  });
});

describe('loading job types', () => {
  test('an unknown job type fails the tasks with the reason', async () => {
    await assign('NoSuchType', [1701]);
    await settled([1701]);
    expect(master.reportsFor(1701)).toEqual([
      {
        state: 'failed',
        attempt: 2,
        last_error:
          'cannot load job type NoSuchType v1: the master did not provide its code: the master refused job type NoSuchType v1: 404 no such job type version',
      },
    ]);
  });

  test('work at import time and classes not extending JobType are refused', async () => {
    master.addJobType(
      'Miner',
      1,
      "import { JobType } from 'drover/jobtype';\nstartMining();\nexport class Miner extends JobType {}",
      'Miner',
    );
    master.addJobType('Rogue', 1, 'export class Rogue { getCommandData() {} }', 'Rogue');
    await assign('Miner', [1801]);
    await assign('Rogue', [1802]);
    await settled([1801, 1802]);
    expect(master.reportsFor(1801)[0]!.last_error).toMatch(/does work at import time \(line 2\)/);
    expect(master.reportsFor(1802)[0]!.last_error).toMatch(/Rogue does not extend JobType/);
  });

  test('code is fetched once per version and a new version loads without a restart', async () => {
    const fetches = () => master.received.filter((r) => r.path.startsWith('/api/v1/jobtypes/Hello/')).length;
    const hello = (word: string) => `import { JobType, CommandData } from 'drover/jobtype';
export class Hello extends JobType {
  getCommandData() { return new CommandData('echo', ['${word}']); }
}`;
    master.addJobType('Hello', 1, hello('one'), 'Hello');
    master.addJobType('Hello', 2, hello('two'), 'Hello');
    await assign('Hello', [1901]);
    await settled([1901]);
    await assign('Hello', [1902]);
    await settled([1902]);
    expect(fetches()).toBe(1);
    await assign('Hello', [1903], {}, 2);
    await settled([1903]);
    expect(fetches()).toBe(2);
    const log = [...master.taskLogs.entries()]
      .find(([, v]) => v.task === 1903)![0]
      .split('/')
      .slice(2)
      .join('/');
    expect((await master.waitFor(() => master.uploads.get(log), 10_000, 'upload')).toString()).toMatch(
      /,0,\d+,two\r\n/,
    );
  });
});

test('with the switches off (DROVER_ env), module-root code runs', async () => {
  const m2 = await new FakeMaster().start();
  m2.addJobType(
    'Loose',
    1,
    "import { JobType, CommandData } from 'drover/jobtype';\nconst word = String('loose');\nexport class Loose extends JobType { getCommandData() { return new CommandData('echo', [word]); } }",
    'Loose',
  );
  const a2 = AgentProcess.start({
    masterApi: m2.url,
    token: m2.token,
    env: { DROVER_JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT: 'false' },
  });
  try {
    const id = (await m2.waitFor(() => [...m2.agents.values()][0], 20_000, 'registration')).id;
    await m2.callAgent(id, 'POST', '/assign', {
      job: { id: 1, by: 1 },
      jobtype: { name: 'Loose', version: 1 },
      tasks: [{ id: 1, frame: 1 }],
    });
    await m2.waitFor(() => m2.statesOf(1).includes('done'), 20_000, 'done');
  } finally {
    await a2.stop();
    await m2.stop();
  }
});
