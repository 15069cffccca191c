/**
 * The job list's filters and sort keys the web UI needs beyond the seed's (PyFarm's UI offered them):
 * tags (all of them), priorities, blocked / not blocked, jobs without a queue or an owner, and sorting
 * by owner, job type and queue.
 */
import { beforeAll, expect, it } from 'vitest';
import { forEachDialectMaster } from '../support/master.js';

forEachDialectMaster((dialect, farm) => {
  const ids: Record<string, number> = {};
  const titles = async (query: string) => {
    const res = await farm().inject({ url: `/api/v1/jobs/?${query}&order_by=title`, as: 'artist' });
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ title: string }[]>().map((j) => j.title.replace(`${dialect}-`, ''));
  };

  beforeAll(async () => {
    const post = async (url: string, payload: Record<string, unknown>, as: 'admin' | 'artist' = 'admin') => {
      const res = await farm().inject({ method: 'POST', url, payload, as });
      expect(res.statusCode, res.body).toBe(201);
      return res.json<{ id: number }>();
    };
    await post('/api/v1/jobtypes/', { name: `Alpha-${dialect}`, code: 'export default class A {}' });
    await post('/api/v1/jobtypes/', { name: `Beta-${dialect}`, code: 'export default class B {}' });
    await post('/api/v1/jobqueues/', { name: `q-${dialect}` });
    const job = async (name: string, fields: Record<string, unknown>, as?: 'admin' | 'artist') => {
      ids[name] = (
        await post(
          '/api/v1/jobs/',
          { title: `${dialect}-${name}`, jobtype: `Alpha-${dialect}`, ...fields },
          as,
        )
      ).id;
    };
    await job('a', { tags: ['gpu', 'hero'], priority: 5, jobqueue: `q-${dialect}` });
    await job('b', { tags: ['gpu'], priority: 1, jobtype: `Beta-${dialect}` }, 'artist');
    await job('c', { priority: 5, parents: [{ id: ids.a }] });
    await job('d', { parents: [{ id: ids.b }], user: null });
  });

  it('filters by tags (every one of them)', async () => {
    expect(await titles('tag=gpu')).toEqual(['a', 'b']);
    expect(await titles('tag=gpu&tag=hero')).toEqual(['a']);
    expect(await titles('tag=nothing')).toEqual([]);
  });

  it('filters by priorities', async () => {
    expect(await titles('priority=5')).toEqual(['a', 'c']);
    expect(await titles('priority=1&priority=5')).toEqual(['a', 'b', 'c']);
  });

  it('filters blocked jobs (a parent not done) and the others', async () => {
    expect(await titles(`blocked=true&title=${dialect}-`)).toEqual(['c', 'd']);
    expect(await titles(`blocked=false&title=${dialect}-`)).toEqual(['a', 'b']);
  });

  it('filters jobs without a queue, alone or with a queue', async () => {
    expect(await titles(`no_queue=true&title=${dialect}-`)).toEqual(['b', 'c', 'd']);
    expect(await titles(`no_queue=true&jobqueue=q-${dialect}&title=${dialect}-`)).toEqual([
      'a',
      'b',
      'c',
      'd',
    ]);
    expect(await titles(`jobqueue=q-${dialect}`)).toEqual(['a']);
  });

  it('filters jobs without an owner, alone or with an owner', async () => {
    expect(await titles(`no_user=true&title=${dialect}-`)).toEqual(['d']);
    expect(await titles(`no_user=true&user=artist-user&title=${dialect}-`)).toEqual(['b', 'd']);
  });

  it('sorts by owner, job type and queue', async () => {
    const order = async (key: string, dir = 'asc') => {
      const res = await farm().inject({
        url: `/api/v1/jobs/?title=${dialect}-&order_by=${key}&order_dir=${dir}&page=1&per_page=10`,
        as: 'artist',
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ title: string }[]>().map((j) => j.title.replace(`${dialect}-`, ''));
    };
    // Ties keep the id order in the same direction.
    expect(await order('jobtype', 'desc')).toEqual(['b', 'd', 'c', 'a']);
    expect(await order('jobtype')).toEqual(['a', 'c', 'd', 'b']);
    // Where NULL sorts differs by database (first in SQLite and MariaDB, last in PostgreSQL).
    const byUser = (await order('user')).filter((t) => t !== 'd');
    expect(byUser).toEqual(['a', 'c', 'b']);
    const byQueue = await order('jobqueue', 'desc');
    expect(byQueue[0] === 'a' || byQueue.at(-1) === 'a').toBe(true);
  });

  it('pages the same rows as one page holds, whatever the sort (deep pages join only the page)', async () => {
    const list = async (key: string, dir: string, page: number, perPage: number) => {
      const res = await farm().inject({
        url: `/api/v1/jobs/?title=${dialect}-&order_by=${key}&order_dir=${dir}&page=${page}&per_page=${perPage}`,
        as: 'artist',
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json<{ id: number }[]>().map((j) => j.id);
    };
    for (const key of ['id', 'title', 'state', 'time_submitted', 'priority', 'weight', 'user', 'jobtype']) {
      for (const dir of ['asc', 'desc']) {
        const whole = await list(key, dir, 1, 10);
        const paged: number[] = [];
        for (let page = 1; page <= whole.length + 1; page++) paged.push(...(await list(key, dir, page, 1)));
        expect(paged, `${key} ${dir}`).toEqual(whole);
      }
    }
  });

  it('rejects bad values with 400', async () => {
    for (const query of ['priority=high', 'blocked=maybe', 'order_by=agents', 'no_queue=2']) {
      const res = await farm().inject({ url: `/api/v1/jobs/?${query}` });
      expect(res.statusCode, query).toBe(400);
    }
  });
});
