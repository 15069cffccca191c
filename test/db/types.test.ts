/**
 * Every dialect hands repositories the same JS types: booleans, numbers for BIGINT and DECIMAL, exact
 * epoch milliseconds, text with any Unicode.
 */
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { createJob, getJob, updateJob } from '../../src/db/jobs/job.repository.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { createTag, getTag } from '../../src/db/tags/tag.repository.js';
import { createTasks, listTasks } from '../../src/db/tasks/task.repository.js';
import { forEachDialect } from '../support/databases.js';

forEachDialect((_dialect, database) => {
  let versionId: number;
  const jobtype = async () => {
    versionId ??= (await createJobType(database().main.db, { name: 'types' }, { code: 'x' })).version.id;
    return versionId;
  };

  it('round-trips booleans, decimals, times and JSON through a job', async () => {
    const db = database().main.db;
    const time = 1_700_000_000_123;
    const job = await createJob(
      db,
      {
        title: 'Ünïcødé 渲染 🎬',
        jobtypeVersionId: await jobtype(),
        by: 0.25,
        hidden: true,
        data: { scene: 'shot_010.blend', nested: { list: [1, 2.5, null, 'ß'] } },
        environ: { PATH: '/usr/bin', EMOJI: '🎞️' },
        timeStarted: Number.MAX_SAFE_INTEGER,
        notes: 'ß'.repeat(32_767),
      },
      { now: time },
    );
    const read = await getJob(db, job.id);
    expect(read).toEqual(job);
    expect(read).toMatchObject({
      title: 'Ünïcødé 渲染 🎬',
      by: 0.25,
      hidden: true,
      toBeDeleted: false,
      timeSubmitted: time,
      timeStarted: Number.MAX_SAFE_INTEGER,
      data: { scene: 'shot_010.blend', nested: { list: [1, 2.5, null, 'ß'] } },
      environ: { PATH: '/usr/bin', EMOJI: '🎞️' },
    });
    expect(typeof read.id).toBe('number');
    expect(read.notes).toHaveLength(32_767);
    await expect(updateJob(db, job.id, { notes: 'ß'.repeat(32_768) })).rejects.toThrow(
      /notes: must be at most 65535 bytes/,
    );
    const updated = await updateJob(db, job.id, { hidden: false, by: 1.5 });
    expect(updated).toMatchObject({ hidden: false, by: 1.5 });
  });

  it('round-trips fractional frames, floats and filters on booleans', async () => {
    const db = database().main.db;
    const job = await createJob(db, { title: 'frames', jobtypeVersionId: await jobtype() });
    await createTasks(db, job.id, [{ frame: 1.5 }, { frame: 0.25 }, { frame: -3 }, { frame: 999_999.9999 }]);
    const tasks = await listTasks(db, { jobId: job.id });
    expect(tasks.map((t) => t.frame)).toEqual([-3, 0.25, 1.5, 999_999.9999]);
    expect(tasks.every((t) => t.hidden === false && t.sentToAgent === false && t.progress === 0)).toBe(true);
    const visible = await db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('job_id', '=', job.id)
      .where('hidden', '=', false)
      .executeTakeFirstOrThrow();
    expect(visible.n).toBe(4);
    const sum = await db
      .selectFrom('tasks')
      .select((eb) => eb.fn.sum('frame').as('total'))
      .where('job_id', '=', job.id)
      .executeTakeFirstOrThrow();
    expect(typeof sum.total).toBe('number');
    expect(sum.total).toBeCloseTo(999_998.7499, 4);
  });

  it('keeps Unicode in bounded columns, counting characters not bytes', async () => {
    const db = database().main.db;
    const name = '🎬'.repeat(64);
    const tag = await createTag(db, name);
    expect((await getTag(db, tag.id)).tag).toBe(name);
  });

  it('compares strings case-sensitively everywhere', async () => {
    const db = database().main.db;
    await createTag(db, 'Blender');
    await createTag(db, 'blender');
    const { rows } = await sql<{
      tag: string;
    }>`select tag from ${sql.table('tags')} where tag = ${'BLENDER'}`.execute(db);
    expect(rows).toEqual([]);
  });
});
