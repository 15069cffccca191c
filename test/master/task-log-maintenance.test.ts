import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logging.js';
import { deleteJob } from '../../src/db/jobs/job.repository.js';
import { createTaskLog, findTaskLog, linkTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { createTasksForFrameRange, listTasks } from '../../src/db/tasks/task.repository.js';
import { cleanUpOrphanedTaskLogs, compressTaskLogs } from '../../src/master/tasklogs/task-log-maintenance.js';
import { TaskLogStore } from '../../src/master/tasklogs/task-log-store.js';
import { transaction } from '../../src/db/transaction.js';
import { forEachDialect } from '../support/databases.js';
import { makeJob, unique } from '../support/fixtures.js';

forEachDialect((_dialect, database) => {
  let root: string;
  let store: TaskLogStore;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'drover-logs-'));
    store = new TaskLogStore(join(root, 'task_logs'), 1 << 20);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('deletes logs of deleted tasks and files of no log, then compresses plain files', async () => {
    const db = database().main.db;
    const ctx = { db, clock: systemClock, log: silentLogger() };
    const job = await makeJob(db);
    await createTasksForFrameRange(db, job.id, { start: 1, end: 2 });
    const [t1, t2] = await listTasks(db, { jobId: job.id });
    const doomedJob = await makeJob(db);
    await createTasksForFrameRange(db, doomedJob.id, { start: 1, end: 1 });
    const [t3] = await listTasks(db, { jobId: doomedJob.id });

    const name = (tag: string) => `${unique(tag)}.csv`;
    const [kept, legacy, ofDeletedTask, unlinked] = [
      name('kept'),
      name('legacy'),
      name('gone'),
      name('unlinked'),
    ];
    for (const [identifier, taskId] of [
      [kept, t1!.id],
      [legacy, t2!.id],
      [ofDeletedTask, t3!.id],
    ] as const) {
      const log = await createTaskLog(db, { identifier });
      await linkTaskLog(db, { taskLogId: log.id, taskId, attempt: 1 });
    }
    await createTaskLog(db, { identifier: unlinked });
    await deleteJob(db, doomedJob.id);

    await store.write(kept, Readable.from(['kept\n']));
    await store.write(ofDeletedTask, Readable.from(['gone\n']));
    writeFileSync(join(store.dir, legacy), 'legacy\n');
    writeFileSync(join(store.dir, 'stray.csv'), 'no row\n');
    writeFileSync(join(store.dir, '.upload-crashed'), 'partial');
    writeFileSync(join(store.dir, '.upload-in-progress'), 'partial');
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    utimesSync(join(store.dir, '.upload-crashed'), twoHoursAgo, twoHoursAgo);

    const cleaned = await cleanUpOrphanedTaskLogs(ctx, store);
    expect(cleaned).toEqual({ logsDeleted: 2, filesDeleted: 3 });
    expect(await findTaskLog(db, ofDeletedTask)).toBeUndefined();
    expect(await findTaskLog(db, unlinked)).toBeUndefined();
    expect(await findTaskLog(db, kept)).toBeDefined();
    expect(readdirSync(store.dir).sort()).toEqual(['.upload-in-progress', `${kept}.gz`, legacy].sort());
    expect(await cleanUpOrphanedTaskLogs(ctx, store)).toEqual({ logsDeleted: 0, filesDeleted: 0 });

    // Freshly written plain files are left to settle first.
    expect(await compressTaskLogs(ctx, store)).toEqual({ compressed: 0, failed: 0 });
    expect(await compressTaskLogs(ctx, store, { settleMs: 0 })).toEqual({ compressed: 1, failed: 0 });
    expect(readdirSync(store.dir).sort()).toEqual(
      ['.upload-in-progress', `${kept}.gz`, `${legacy}.gz`].sort(),
    );
    expect((await store.read(legacy))?.toString()).toBe('legacy\n');
    expect((await store.read(kept))?.toString()).toBe('kept\n');
  });

  it('checks files against the database in batches', async () => {
    const db = database().main.db;
    const ctx = { db, clock: systemClock, log: silentLogger() };
    const job = await makeJob(db);
    await createTasksForFrameRange(db, job.id, { start: 1, end: 1 });
    const [task] = await listTasks(db, { jobId: job.id });
    const dir = join(root, 'many');
    const many = new TaskLogStore(dir, 1 << 20);
    await transaction(db, async (trx) => {
      for (let i = 0; i < 1_100; i += 10) {
        const log = await createTaskLog(trx, { identifier: `many-${i}.csv` });
        await linkTaskLog(trx, { taskLogId: log.id, taskId: task!.id, attempt: 1 });
      }
    });
    await many.write('many-0.csv', Readable.from(['x\n']));
    for (let i = 1; i < 1_100; i++) writeFileSync(join(dir, `many-${i}.csv`), 'x\n');
    const cleaned = await cleanUpOrphanedTaskLogs(ctx, many);
    expect(cleaned.filesDeleted).toBe(990);
    expect(readdirSync(dir).length).toBe(110);
    expect(readdirSync(dir)).toContain('many-0.csv.gz');
    expect(readdirSync(dir)).toContain('many-1090.csv');
    expect(readdirSync(dir)).not.toContain('many-1091.csv');
  });
});
