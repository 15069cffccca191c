/**
 * The job list as the database renders it (job-list-json.repository.ts) against the list built from
 * objects (`jobListItem`, the path a request with `task_counts` takes): for generated jobs — any text in
 * titles and names, every state, held tasks, times from before 1970 to past 9999, every sort — both give
 * the same entries. On SQLite the rendering must also be taken whenever the times allow it, so that this
 * test cannot pass by falling back.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { JobListOrder } from '../../src/api/schemas/jobs.js';
import { renderJobSummaries } from '../../src/db/jobs/job-list-json.repository.js';
import { createAgent } from '../../src/db/agents/agent.repository.js';
import { insertReturningId } from '../../src/db/inserts.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { createJobQueue } from '../../src/db/queues/job-queue.repository.js';
import { JOB_LIST_ITEM_LAYOUT } from '../../src/master/jobs/job.view.js';
import { agentInput, unique } from '../support/fixtures.js';
import { forEachDialect } from '../support/databases.js';
import { json, makeJobType } from '../support/job-farm.js';
import { createTestMaster, forEachDialectMaster, type TestMaster } from '../support/master.js';

/** Every sort key the API accepts. */
const SORT_KEYS = JobListOrder.anyOf.map((literal) => literal.const);

/** The last millisecond of year 9999, the end of the rendered range. */
const LAST_RENDERED_MS = 253_402_300_799_999;
/** Date's own limit. */
const LAST_DATE_MS = 8_640_000_000_000_000;

const inRangeTime = fc.integer({ min: 0, max: LAST_RENDERED_MS });
const anyTime = fc.oneof(
  { weight: 8, arbitrary: inRangeTime },
  { weight: 1, arbitrary: fc.integer({ min: -62_198_755_200_000, max: -1 }) },
  { weight: 1, arbitrary: fc.integer({ min: LAST_RENDERED_MS + 1, max: LAST_DATE_MS }) },
  { weight: 2, arbitrary: fc.constantFrom(-1, 0, 999, 1000, LAST_RENDERED_MS, LAST_RENDERED_MS + 1) },
);
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('"', '\\', '\n\t\u0001', 'é✓😀'),
);

const generatedJob = fc.record({
  title: text,
  state: fc.constantFrom(null, 100, 105, 106, 107),
  priority: fc.integer({ min: -1000, max: 1000 }),
  weight: fc.integer({ min: 0, max: 1_000_000 }),
  hidden: fc.boolean(),
  toBeDeleted: fc.boolean(),
  owned: fc.boolean(),
  queued: fc.boolean(),
  held: fc.constantFrom(null, 'assigned', 'running'),
  timeSubmitted: anyTime,
  timeStarted: fc.option(anyTime),
  timeFinished: fc.option(anyTime),
});

forEachDialectMaster((dialect, farm) => {
  let versionIds: number[] = [];
  let queueId = 0;
  let agentId = '';

  beforeAll(async () => {
    const db = farm().master.context.db;
    versionIds = [];
    for (let i = 0; i < 2; i++) {
      const { version } = await createJobType(db, { name: unique('jt "ü"') }, { code: '' });
      versionIds.push(version.id);
    }
    queueId = (await createJobQueue(db, { name: unique('q\\"') })).id;
    agentId = (await createAgent(db, agentInput())).id;
  });

  it('renders the same entries as the objects, for any jobs and sort', async () => {
    const f = farm();
    const db = f.master.context.db;
    await fc.assert(
      fc.asyncProperty(
        fc.array(generatedJob, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(...SORT_KEYS),
        fc.constantFrom('asc', 'desc'),
        async (jobs, orderBy, direction) => {
          const prefix = unique('rj');
          for (const [i, job] of jobs.entries()) {
            const jobId = await insertReturningId(db, 'jobs', {
              title: `${prefix}${job.title}`,
              state: job.state,
              priority: job.priority,
              weight: job.weight,
              hidden: job.hidden,
              to_be_deleted: job.toBeDeleted,
              user_id: job.owned ? f.users.artist.id : null,
              job_queue_id: job.queued ? queueId : null,
              jobtype_version_id: versionIds[i % versionIds.length]!,
              time_submitted: job.timeSubmitted,
              time_started: job.timeStarted,
              time_finished: job.timeFinished,
            });
            if (job.held) {
              await db
                .insertInto('tasks')
                .values({
                  job_id: jobId,
                  frame: 1,
                  time_submitted: job.timeSubmitted,
                  agent_id: agentId,
                  state: job.held === 'running' ? 105 : null,
                })
                .execute();
            }
          }
          const query = `title=${encodeURIComponent(prefix)}&order_by=${orderBy}&order_dir=${direction}`;
          const listed = json<unknown[]>(await f.inject({ url: `/api/v1/jobs/?${query}` }), 200);
          const fromObjects = json<Record<string, unknown>[]>(
            await f.inject({ url: `/api/v1/jobs/?${query}&task_counts=true` }),
            200,
          ).map((item) =>
            Object.fromEntries(Object.entries(item).filter(([key]) => !key.startsWith('tasks_'))),
          );
          expect(listed).toEqual(fromObjects);
          expect(fromObjects).toHaveLength(jobs.length);

          const rendered = await renderJobSummaries(
            db,
            { titleContains: prefix },
            { by: orderBy, direction },
            JOB_LIST_ITEM_LAYOUT,
          );
          const renderable = jobs.every((job) =>
            [job.timeSubmitted, job.timeStarted, job.timeFinished].every(
              (t) => t === null || (t >= 0 && t <= LAST_RENDERED_MS),
            ),
          );
          if (dialect === 'sqlite' && renderable) {
            expect(rendered).toBeDefined();
            expect(JSON.parse(`[${rendered!.join(',')}]`)).toEqual(fromObjects);
          } else {
            expect(rendered).toBeUndefined();
          }
        },
      ),
      { numRuns: 60, seed: 20261122 },
    );
  });
});

// The rendered selection is built once, outside any query (job-list-json.repository.ts): the table-name
// plugin must still reach its sub-query and references.
forEachDialect(
  (dialect, database) => {
    let farm: TestMaster | undefined;
    beforeAll(async () => {
      farm = await createTestMaster(database(), { config: { table_prefix: 'pf_' } });
    });
    afterAll(async () => {
      await farm?.close();
    });

    it('renders the list with prefixed table names', async () => {
      const f = farm!;
      const jobtype = await makeJobType(f);
      const prefix = unique('prefixed');
      for (const title of ['a', 'b']) {
        const res = await f.inject({
          method: 'POST',
          url: '/api/v1/jobs/',
          payload: { title: `${prefix}-${title}`, jobtype, start: 1, end: 2 },
        });
        json(res, 201);
      }
      const rendered = await renderJobSummaries(
        f.master.context.db,
        { titleContains: prefix },
        { by: 'id', direction: 'asc' },
        JOB_LIST_ITEM_LAYOUT,
      );
      const fromObjects = json<Record<string, unknown>[]>(
        await f.inject({ url: `/api/v1/jobs/?title=${prefix}&task_counts=true` }),
        200,
      ).map((item) => Object.fromEntries(Object.entries(item).filter(([key]) => !key.startsWith('tasks_'))));
      expect(fromObjects.map((item) => item.title)).toEqual([`${prefix}-a`, `${prefix}-b`]);
      if (dialect === 'sqlite') expect(JSON.parse(`[${rendered!.join(',')}]`)).toEqual(fromObjects);
      else expect(rendered).toBeUndefined();
      expect(json(await f.inject({ url: `/api/v1/jobs/?title=${prefix}` }), 200)).toEqual(fromObjects);
    });
  },
  { tables: { table_prefix: 'pf_' } },
);
