import { describe, expect, it } from 'vitest';
import { findTag } from '../../src/db/tags/tag.repository.js';
import { unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';
import { registerAgent } from '../support/agent-registration.js';

const paths = { path_linux: '/mnt/nfs', path_windows: '\\\\server\\share', path_osx: '/Volumes/nfs' };

forEachDialectMaster((_dialect, farm) => {
  describe('path maps', () => {
    it('creates maps (a missing tag is created), reads and lists them', async () => {
      const f = farm();
      const tag = unique('studio');
      const tagged = await f.inject({
        method: 'POST',
        url: '/api/v1/pathmaps/',
        as: 'wrangler',
        payload: { ...paths, tag },
      });
      expect(tagged.statusCode).toBe(201);
      const map = tagged.json();
      expect(map).toEqual({ id: expect.any(Number), ...paths, tag });
      expect(await findTag(f.master.context.db, tag)).toBeDefined();
      const plain = await f.inject({
        method: 'POST',
        url: '/api/v1/pathmaps/',
        payload: { ...paths, tag: null },
      });
      expect(plain.json().tag).toBeNull();
      expect((await f.inject({ url: `/api/v1/pathmaps/${map.id}`, as: 'agent' })).json()).toEqual(map);
      const all = (await f.inject({ url: '/api/v1/pathmaps/', as: 'artist' })).json();
      expect(all).toContainEqual(map);
      expect(all).toContainEqual(plain.json());
      expect((await f.inject({ url: '/api/v1/pathmaps/987654321' })).statusCode).toBe(404);
      expect((await f.inject({ url: '/api/v1/pathmaps/abc' })).statusCode).toBe(400);
    });

    it('lists for one agent the untagged maps and those of its tags, tagged first', async () => {
      const f = farm();
      const mine = unique('mine');
      const theirs = unique('theirs');
      const { id: agentId } = await registerAgent(f);
      await f.inject({ method: 'POST', url: `/api/v1/agents/${agentId}`, payload: { tags: [mine] } });
      const create = async (tag: string | null) =>
        (await f.inject({ method: 'POST', url: '/api/v1/pathmaps/', payload: { ...paths, tag } })).json()
          .id as number;
      const general = await create(null);
      const specific = await create(mine);
      const foreign = await create(theirs);
      const res = await f.inject({ url: `/api/v1/pathmaps/?for_agent=${agentId}`, as: 'agent' });
      expect(res.statusCode).toBe(200);
      const ids = res.json().map((m: { id: number }) => m.id);
      expect(ids).toContain(general);
      expect(ids).toContain(specific);
      expect(ids).not.toContain(foreign);
      expect(ids.indexOf(specific)).toBeLessThan(ids.indexOf(general));
      expect(
        res
          .json()
          .filter((m: { tag: string | null }) => m.tag !== null)
          .map((m: { tag: string }) => m.tag),
      ).toEqual([mine]);
      expect((await f.inject({ url: '/api/v1/pathmaps/?for_agent=nope' })).statusCode).toBe(400);
      expect(
        (await f.inject({ url: '/api/v1/pathmaps/?for_agent=4eefca76-1127-4c17-a3df-c1a7de685541' }))
          .statusCode,
      ).toBe(404);
    });

    it('changes only the given fields and refuses bad ones', async () => {
      const f = farm();
      const { id } = (await f.inject({ method: 'POST', url: '/api/v1/pathmaps/', payload: paths })).json();
      const post = (
        payload: unknown,
        as: 'wrangler' | 'artist' | 'agent' = 'wrangler',
        target: number = id,
      ) => f.inject({ method: 'POST', url: `/api/v1/pathmaps/${target}`, as, payload: payload as object });
      const tag = unique('moved');
      const changed = await post({ path_linux: '/mnt/smb', tag });
      expect(changed.statusCode).toBe(200);
      expect(changed.json()).toEqual({ id, ...paths, path_linux: '/mnt/smb', tag });
      expect((await post({ tag: null })).json().tag).toBeNull();
      expect((await post({ id: 5 })).json().error).toBe('unknown key "id"');
      expect((await post({ path_osx: 7 })).statusCode).toBe(400);
      expect((await post({ path_osx: '' })).statusCode).toBe(400);
      expect((await post({ path_osx: 'x'.repeat(513) })).json().error).toMatch(/at most 512/);
      expect((await post({ tag: 5 })).statusCode).toBe(400);
      expect((await post({ path_linux: '/x' }, 'wrangler', 987654321)).statusCode).toBe(404);
      expect((await post({ path_linux: '/x' }, 'artist')).statusCode).toBe(403);
      expect((await post({ path_linux: '/x' }, 'agent')).statusCode).toBe(403);
      expect((await f.inject({ url: `/api/v1/pathmaps/${id}` })).json()).toEqual({
        id,
        ...paths,
        path_linux: '/mnt/smb',
        tag: null,
      });
    });

    it('refuses incomplete or odd new maps, creating nothing', async () => {
      const f = farm();
      const before = (await f.inject({ url: '/api/v1/pathmaps/' })).json().length;
      const post = (payload: unknown) =>
        f.inject({ method: 'POST', url: '/api/v1/pathmaps/', payload: payload as object });
      expect((await post({ path_linux: '/a', path_windows: 'b' })).json().error).toBe(
        'missing required key "path_osx"',
      );
      expect((await post({ ...paths, tag: 1 })).statusCode).toBe(400);
      expect((await post({ ...paths, extra: 1 })).statusCode).toBe(400);
      expect((await post({ ...paths, tag: 'x'.repeat(65) })).statusCode).toBe(400);
      const never = unique('never');
      expect((await post({ ...paths, path_linux: 'x'.repeat(513), tag: never })).statusCode).toBe(400);
      expect(await findTag(f.master.context.db, never)).toBeUndefined();
      expect((await f.inject({ url: '/api/v1/pathmaps/' })).json().length).toBe(before);
    });

    it('deletes maps (204, idempotent)', async () => {
      const f = farm();
      const { id } = (await f.inject({ method: 'POST', url: '/api/v1/pathmaps/', payload: paths })).json();
      expect(
        (await f.inject({ method: 'DELETE', url: `/api/v1/pathmaps/${id}`, as: 'artist' })).statusCode,
      ).toBe(403);
      expect(
        (await f.inject({ method: 'DELETE', url: `/api/v1/pathmaps/${id}`, as: 'wrangler' })).statusCode,
      ).toBe(204);
      expect((await f.inject({ method: 'DELETE', url: `/api/v1/pathmaps/${id}` })).statusCode).toBe(204);
      expect((await f.inject({ url: `/api/v1/pathmaps/${id}` })).statusCode).toBe(404);
    });

    it('describes its columns', async () => {
      expect((await farm().inject({ url: '/api/v1/pathmaps/schema' })).json()).toEqual({
        id: 'INTEGER',
        path_linux: 'VARCHAR(512)',
        path_windows: 'VARCHAR(512)',
        path_osx: 'VARCHAR(512)',
        tag: 'VARCHAR(64)',
      });
    });
  });
});
