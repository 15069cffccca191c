import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { silentLogger } from '../../core/logging.js';
import type { JobTypeSettings } from '../settings/agent-settings.js';
import { CommandData } from './command-data.js';
import type { AssignmentView, JobTypeHost, TaskStateReport } from './jobtype-host.js';
import type { JobProcess } from './jobtype-process.js';
import { JobType } from './jobtype.js';
import { PathMapper } from './path-mapping.js';
import { TaskLog } from './task-log.js';

interface Recorded {
  states: [number, TaskStateReport][];
  progress: [number, number][];
  failedOn: number[];
  shuttingDown: boolean;
}

function setup(tasks = [{ id: 1, frame: 1, attempt: 1 }], job: Partial<AssignmentView['job']> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'drover-jt-'));
  const settings: JobTypeSettings = {
    enableCache: true,
    cacheDirectory: join(dir, 'cache'),
    captureProcessOutput: false,
    taskLogDir: join(dir, 'logs'),
    taskLogFilename: '$JOB_$PROCESS.csv',
    tempdirRoot: join(dir, 'tmp', '$JOBTYPE_UUID'),
    expandvars: true,
    ignoreIdMappingErrors: false,
    defaultEnvironment: { STUDIO: 'acme' },
    includeOsEnviron: false,
    requireBaseClass: true,
    refuseModuleRootCode: true,
    killDelayMs: 300,
  };
  const recorded: Recorded = { states: [], progress: [], failedOn: [], shuttingDown: false };
  const taskLog = new TaskLog(join(dir, 'logs', 'a.csv'));
  const host: JobTypeHost = {
    settings,
    logger: silentLogger(),
    pathMapper: new PathMapper(
      [{ id: 1, path_linux: '/mnt/p', path_windows: 'P:\\', path_osx: '/Volumes/p' }],
      'linux',
    ),
    taskLog,
    defaultCwd: dir,
    now: () => Date.now(),
    node: () => ({}) as never,
    shuttingDown: () => recorded.shuttingDown,
    reportTaskState: (task, report) => recorded.states.push([task.id, report]),
    reportTaskProgress: (task, p) => recorded.progress.push([task.id, p]),
    reportFailedOnAgent: (task) => recorded.failedOn.push(task.id),
    processStarted: () => undefined,
    processEnded: () => undefined,
  };
  const assignment: AssignmentView = {
    id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    job: { id: 9, by: 1, environ: { SHOT: 'sh010' }, ...job },
    jobtype: { name: 'T', version: 1 },
    tasks,
  };
  return { host, recorded, assignment, taskLog, dir };
}

async function runToEnd(jt: JobType) {
  await jt.beforeStart();
  await jt.start();
  await jt.waitForProcesses();
  await new Promise((r) => setImmediate(r));
}

const states = (r: Recorded) => r.states.map(([id, s]) => `${id}:${s.state}`);

describe('JobType', () => {
  test('a successful process: running then done, every line in the CSV through the hook chain', async () => {
    const { host, recorded, assignment, taskLog } = setup();
    const lines: string[] = [];
    class Echo extends JobType {
      override getCommandData() {
        return new CommandData('sh', ['-c', 'echo "$STUDIO $SHOT"; echo skip; echo err >&2']);
      }
      override preprocessStdoutLine(_p: JobProcess, line: string) {
        return line === 'skip' ? false : undefined;
      }
      override formatStdoutLine(_p: JobProcess, line: string) {
        return line.toUpperCase();
      }
      override processStdoutLine(_p: JobProcess, line: string) {
        lines.push(line);
      }
    }
    await runToEnd(new Echo(assignment, host));
    expect(states(recorded)).toEqual(['1:running', '1:done']);
    expect(recorded.states[0]![1].startedAt).toBeTypeOf('number');
    expect(lines).toEqual(['ACME SH010', 'err']); // stderr goes to processStdoutLine by default
    taskLog.close();
    const csv = readFileSync(taskLog.path, 'utf8');
    expect(csv).toMatch(/,0,\d+,ACME SH010\r\n/);
    expect(csv).toMatch(/,1,\d+,err\r\n/);
    expect(csv).toMatch(/,None,internal,\d+,"?starting sh -c/);
  });

  test('a failing process fails its tasks with the exit and the last output', async () => {
    const { host, recorded, assignment } = setup();
    class Fail extends JobType {
      override getCommandData() {
        return new CommandData('sh', ['-c', 'echo boom >&2; exit 4']);
      }
    }
    await runToEnd(new Fail(assignment, host));
    expect(states(recorded)).toEqual(['1:running', '1:failed']);
    expect(recorded.states[1]![1].error).toMatch(/exited with code 4; last output:\nboom/);
  });

  test('one process per task, sequential, each settling its own task', async () => {
    const { host, recorded, assignment } = setup([
      { id: 1, frame: 1, attempt: 0 },
      { id: 2, frame: 2, attempt: 0 },
    ]);
    class PerTask extends JobType {
      override getCommandData() {
        return this.tasks.map(
          (t) => new CommandData('sh', ['-c', `exit ${t.frame === 2 ? 1 : 0}`], { tasks: [t.id] }),
        );
      }
    }
    await runToEnd(new PerTask(assignment, host));
    expect(states(recorded)).toEqual(['1:running', '1:done', '2:running', '2:failed']);
  });

  test('stop hands unfinished tasks back; with failed it fails them; avoidReassignment blacklists', async () => {
    const { host, recorded, assignment } = setup();
    class Sleep extends JobType {
      override getCommandData() {
        return new CommandData('sleep', ['30']);
      }
    }
    const jt = new Sleep(assignment, host);
    const running = runToEnd(jt);
    while (recorded.states.length === 0) await new Promise((r) => setTimeout(r, 10));
    await jt.stop({ avoidReassignment: true });
    await running;
    expect(states(recorded)).toEqual(['1:running', '1:queued']);
    expect(recorded.failedOn).toEqual([1]);

    const second = setup();
    const jt2 = new Sleep(second.assignment, second.host);
    const running2 = runToEnd(jt2);
    while (second.recorded.states.length === 0) await new Promise((r) => setTimeout(r, 10));
    await jt2.stop({ failed: true, error: new Error('out of disk') });
    await running2;
    expect(states(second.recorded)).toEqual(['1:running', '1:failed']);
    expect(second.recorded.states[1]![1].error).toMatch(/out of disk/);
  });

  test('while the agent shuts down, failures are not reported (tasks are handed back)', async () => {
    const { host, recorded, assignment } = setup();
    class Sleep extends JobType {
      override getCommandData() {
        return new CommandData('sleep', ['30']);
      }
    }
    const jt = new Sleep(assignment, host);
    const running = runToEnd(jt);
    while (recorded.states.length === 0) await new Promise((r) => setTimeout(r, 10));
    recorded.shuttingDown = true;
    await jt.stop({ failed: true });
    await running;
    expect(states(recorded)).toEqual(['1:running', '1:queued']);
  });

  test('helpers: mapPath, expandvars, environment, tempdir, log paths, argument checks', () => {
    const { host, assignment, dir } = setup();
    const jt = new JobType(assignment, host);
    expect(jt.mapPath('P:\\shots\\$SHOT\\a.blend')).toBe('/mnt/p/shots/sh010/a.blend');
    const env = jt.getEnvironment();
    expect(env.SHOT).toBe('sh010');
    expect(env.STUDIO).toBe('acme');
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.DROVER_JOB_ID).toBe('9');
    const t = jt.tempdir();
    expect(jt.tempdir()).toBe(t);
    expect(jt.tempdir({ new: true })).not.toBe(t);
    expect(t.startsWith(join(dir, 'tmp', jt.uuid))).toBe(true);
    jt.cleanup();
    expect(existsSync(t)).toBe(false);
    expect(jt.getCsvlogPath(jt.uuid)).toBe(join(dir, 'logs', `9_${jt.uuid.replace(/-/g, '')}.csv`));
    expect(() => jt.setTaskState(1, 'done', 'an error')).toThrow(/only be given with the state "failed"/);
    expect(() => jt.setTaskState(99, 'done')).toThrow(/not part of this assignment/);
    expect(() => jt.getCommandData()).toThrow(/must override getCommandData/);
  });

  test('progress is rate-limited but the last value arrives', async () => {
    const { host, recorded, assignment } = setup();
    const jt = new JobType(assignment, host);
    jt.setTaskProgress(1, 0.1);
    jt.setTaskProgress(1, 0.2);
    jt.setTaskProgress(1, 0.3);
    expect(recorded.progress).toEqual([[1, 0.1]]);
    await new Promise((r) => setTimeout(r, 1100));
    expect(recorded.progress).toEqual([
      [1, 0.1],
      [1, 0.3],
    ]);
    jt.cleanup();
  });
});
