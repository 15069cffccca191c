/**
 * GET /jobs/ answered from the response cache (src/master/jobs/job-list-cache.ts) is never stale: after any
 * change — through the API, through the master's own connection, by another connection to the SQLite
 * file — the next list equals a list built afresh; while nothing changes, the ETag stays and
 * If-None-Match gets a 304. PostgreSQL and MySQL are not cached (no ETag) and must be fresh as well.
 */
import BetterSqlite3 from 'better-sqlite3';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAgent } from '../../src/db/agents/agent.repository.js';
import { updateJob } from '../../src/db/jobs/job.repository.js';
import { listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { listJobsForRequest } from '../../src/master/jobs/job-list.service.js';
import { agentInput, unique } from '../support/fixtures.js';
import { json, makeJobType } from '../support/job-farm.js';
import { forEachDialectMaster } from '../support/master.js';

forEachDialectMaster((dialect, farm) => {
  const prefix = unique('cache');
  const ids: number[] = [];
  let agentId = '';

  beforeAll(async () => {
    const f = farm();
    const jobtype = await makeJobType(f);
    for (let i = 0; i < 4; i++) {
      const res = await f.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        payload: { title: `${prefix}-${i}`, jobtype, start: 1, end: 2 },
      });
      ids.push(json<{ id: number }>(res, 201).id);
    }
    agentId = (await createAgent(f.master.context.db, agentInput())).id;
  });

  const url = (query = '') => `/api/v1/jobs/?title=${encodeURIComponent(prefix)}${query}`;

  /** The list built afresh by the service, as the client would parse it. */
  async function fresh(query: Record<string, unknown> = {}) {
    const { jobs } = await listJobsForRequest(farm().master.context, { title: prefix, ...query });
    return 'json' in jobs ? JSON.parse(jobs.json.toString('utf8')) : JSON.parse(JSON.stringify(jobs.objects));
  }

  /** Runs `sql` on a connection of its own to the SQLite file, as another process would. */
  function writeFromAnotherConnection(sql: string, ...params: unknown[]): void {
    const path = farm().database.url.replace(/^sqlite:\/\/\//, '');
    const other = new BetterSqlite3(path, { timeout: 5_000 });
    try {
      other.prepare(sql).run(...params);
    } finally {
      other.close();
    }
  }

  describe('GET /jobs/ response cache', () => {
    if (dialect === 'sqlite') {
      it('keeps the ETag while nothing changes and answers If-None-Match with a 304', async () => {
        const f = farm();
        const first = await f.inject({ url: url() });
        const second = await f.inject({ url: url() });
        expect(first.statusCode).toBe(200);
        expect(first.headers.etag).toMatch(/^"[\w-]+\.\d+\.\d+"$/);
        expect(second.headers.etag).toBe(first.headers.etag);
        expect(second.body).toBe(first.body);
        expect(first.headers['content-type']).toBe('application/json; charset=utf-8');

        const notModified = await f.inject({
          url: url(),
          headers: { 'if-none-match': first.headers.etag as string },
        });
        expect(notModified.statusCode).toBe(304);
        expect(notModified.body).toBe('');

        await f.inject({ method: 'POST', url: `/api/v1/jobs/${ids[0]}`, payload: { priority: 7 } });
        const changed = await f.inject({
          url: url(),
          headers: { 'if-none-match': first.headers.etag as string },
        });
        expect(changed.statusCode).toBe(200);
        expect(changed.headers.etag).not.toBe(first.headers.etag);
        expect(json<{ id: number; priority: number }[]>(changed, 200)[0]!.priority).toBe(7);
      });

      it('sees a change committed by another connection to the file', async () => {
        const f = farm();
        const before = json<{ title: string }[]>(await f.inject({ url: url() }), 200);
        writeFromAnotherConnection('update jobs set title = ? where id = ?', `${prefix}-renamed`, ids[1]);
        const after = json<{ title: string }[]>(await f.inject({ url: url() }), 200);
        expect(before[1]!.title).toBe(`${prefix}-1`);
        expect(after[1]!.title).toBe(`${prefix}-renamed`);
      });
    } else {
      it('is not used without a change version: no ETag', async () => {
        const res = await farm().inject({ url: url() });
        expect(res.statusCode).toBe(200);
        expect(res.headers.etag).toBeUndefined();
      });
    }

    it('is never stale: any sequence of changes and lists equals a fresh list', async () => {
      const f = farm();
      const db = f.master.context.db;
      const change = fc.oneof(
        fc.record({
          kind: fc.constant('api' as const),
          job: fc.nat(3),
          priority: fc.integer({ min: -5, max: 5 }),
        }),
        fc.record({ kind: fc.constant('own' as const), job: fc.nat(3), weight: fc.nat(100) }),
        fc.record({ kind: fc.constant('held' as const), job: fc.nat(3), held: fc.boolean() }),
        fc.record({ kind: fc.constant('other' as const), job: fc.nat(3), hidden: fc.boolean() }),
        fc.record({ kind: fc.constant('list' as const), paged: fc.boolean(), counts: fc.boolean() }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 12 }), async (steps) => {
          for (const step of steps) {
            switch (step.kind) {
              case 'api':
                await f.inject({
                  method: 'POST',
                  url: `/api/v1/jobs/${ids[step.job]}`,
                  payload: { priority: step.priority },
                });
                break;
              case 'own':
                await updateJob(db, ids[step.job]!, { weight: step.weight });
                break;
              case 'held': {
                const [task] = await listTasks(db, { jobId: ids[step.job]! });
                await updateTask(db, task!.id, { agentId: step.held ? agentId : null });
                break;
              }
              case 'other':
                if (dialect === 'sqlite') {
                  writeFromAnotherConnection(
                    'update jobs set hidden = ? where id = ?',
                    step.hidden ? 1 : 0,
                    ids[step.job],
                  );
                } else {
                  await updateJob(db, ids[step.job]!, { hidden: step.hidden });
                }
                break;
              case 'list': {
                const query = {
                  ...(step.paged ? { page: 1, per_page: 3 } : {}),
                  ...(step.counts ? { task_counts: true } : {}),
                };
                const search = `${step.paged ? '&page=1&per_page=3' : ''}${step.counts ? '&task_counts=true' : ''}`;
                const res = await f.inject({ url: url(search) });
                expect(json(res, 200)).toEqual(await fresh(query));
                if (step.paged) expect(res.headers['x-total-count']).toBe('4');
              }
            }
          }
          expect(json(await f.inject({ url: url() }), 200)).toEqual(await fresh());
        }),
        { numRuns: 40, seed: 20261122 },
      );
    });
  });
});
