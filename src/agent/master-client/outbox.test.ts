import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { silentLogger } from '../../core/logging.js';
import { FakeMaster } from '../../../test/support/fake-master.js';
import { Journal } from './journal.js';
import { MasterClient } from './master-client.js';
import { Outbox } from './outbox.js';

let master: FakeMaster;
afterEach(async () => master?.stop());

async function setup(dir = mkdtempSync(join(tmpdir(), 'drover-journal-'))) {
  master ??= await new FakeMaster().start();
  const client = new MasterClient({ masterApi: master.url, token: master.token, version: '0.0.0' });
  const journal = Journal.open(dir);
  const outbox = new Outbox({ journal, client, logger: silentLogger(), baseDelayMs: 20, maxDelayMs: 100 });
  return { dir, journal, outbox };
}

const report = (task: number, body: object) => ({ kind: 'task_report' as const, job: 1, task, body });

test('reports are delivered in order; the journal empties', async () => {
  master = await new FakeMaster().start();
  const { outbox, journal } = await setup();
  outbox.enqueue(report(1, { state: 'running' }));
  outbox.enqueue(report(1, { progress: 0.5 }));
  const last = outbox.enqueue(report(1, { state: 'done' }));
  await outbox.whenDelivered(last);
  expect(master.statesOf(1)).toEqual(['running', 'done']);
  expect(journal.pending()).toEqual([]);
});

test('an outage: everything waits in the journal and arrives once, in order, when the master returns', async () => {
  master = await new FakeMaster().start();
  const { outbox } = await setup();
  await master.stop();
  for (let t = 1; t <= 5; t++) {
    outbox.enqueue(report(t, { state: 'running' }));
    outbox.enqueue(report(t, { progress: 0.3 }));
    outbox.enqueue(report(t, { progress: 0.6 }));
    outbox.enqueue(report(t, { state: 'done' }));
  }
  await new Promise((r) => setTimeout(r, 200));
  expect(outbox.inOutage).toBe(true);
  expect(outbox.backlog).toBe(20);
  await master.start();
  expect(await outbox.drain(Date.now() + 5000)).toBe(true);
  for (let t = 1; t <= 5; t++) expect(master.statesOf(t)).toEqual(['running', 'done']);
  // Progress made stale by the later "done" is skipped rather than replayed.
  expect(master.taskReports.filter((r) => r.body.progress !== undefined)).toEqual([]);
  expect(master.taskReports.map((r) => r.task)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
});

test('the journal survives the agent: a new process replays what was not delivered', async () => {
  master = await new FakeMaster().start();
  const first = await setup();
  master.failWith = 503;
  first.outbox.enqueue(report(7, { state: 'running' }));
  first.outbox.enqueue(report(7, { state: 'failed', last_error: 'boom' }));
  await new Promise((r) => setTimeout(r, 100));
  first.outbox.stop();
  first.journal.close();
  master.failWith = undefined;
  const second = await setup(first.dir);
  expect(second.journal.pending().map((e) => e.seq)).toEqual([1, 2]);
  second.outbox.start();
  expect(await second.outbox.drain(Date.now() + 5000)).toBe(true);
  expect(master.statesOf(7)).toEqual(['running', 'failed']);
  // Sequence numbers keep growing after the file is truncated.
  expect(second.outbox.enqueue(report(7, { progress: 1 }))).toBe(3);
});

test('a refused report is dropped, not retried forever; a duplicate log registration counts as delivered', async () => {
  master = await new FakeMaster().start();
  const { outbox } = await setup();
  outbox.enqueue(report(1, { state: 'sleeping' }));
  const reg = {
    kind: 'log_register' as const,
    job: 1,
    task: 1,
    attempt: 0,
    body: { identifier: 'a.csv', agent_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
  };
  outbox.enqueue(reg);
  outbox.enqueue(reg);
  const last = outbox.enqueue(report(1, { state: 'done' }));
  await outbox.whenDelivered(last);
  expect(outbox.dropped).toBe(1);
  expect(master.statesOf(1)).toEqual(['done']);
  expect(master.taskLogs.size).toBe(1);
});
