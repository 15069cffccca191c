import { describe, expect, it } from 'vitest';
import { addJobTag } from '../../src/db/jobs/job-associations.repository.js';
import { findTag } from '../../src/db/tags/tag.repository.js';
import { makeJob, unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';
import { eventsDuring, registerAgent } from '../support/agent-registration.js';

forEachDialectMaster((_dialect, farm) => {
  describe('tags', () => {
    it('creates a tag (201), returns the existing one (200), and lists tags with their links', async () => {
      const f = farm();
      const name = unique('tag');
      const created = await f.inject({
        method: 'POST',
        url: '/api/v1/tags/',
        as: 'wrangler',
        payload: { tag: name },
      });
      expect(created.statusCode).toBe(201);
      const { id } = created.json();
      expect(created.json()).toEqual({ id, tag: name });
      const again = await f.inject({
        method: 'POST',
        url: '/api/v1/tags/',
        as: 'wrangler',
        payload: { tag: name },
      });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual({ id, tag: name });

      const { id: agentId } = await registerAgent(f);
      const job = await makeJob(f.master.context.db);
      await addJobTag(f.master.context.db, job.id, name);
      await f.inject({ method: 'POST', url: `/api/v1/tags/${name}/agents/`, payload: { agent_id: agentId } });
      const list = (await f.inject({ url: '/api/v1/tags/', as: 'artist' })).json();
      expect(list.find((t: { id: number }) => t.id === id)).toEqual({
        id,
        tag: name,
        agents: [agentId],
        jobs: [job.id],
      });
      expect((await f.inject({ url: `/api/v1/tags/${id}` })).json()).toEqual({
        id,
        tag: name,
        agents: [agentId],
        jobs: [job.id],
      });
      expect((await f.inject({ url: `/api/v1/tags/${name}/` })).json().id).toBe(id);
      expect((await f.inject({ url: '/api/v1/tags/no-such-tag' })).statusCode).toBe(404);
      expect((await f.inject({ url: '/api/v1/tags/987654321' })).statusCode).toBe(404);
    });

    it('refuses bad tag bodies and callers', async () => {
      const f = farm();
      const post = (payload: unknown, as: 'wrangler' | 'artist' | 'agent' | 'anonymous' = 'wrangler') =>
        f.inject({ method: 'POST', url: '/api/v1/tags/', as, payload: payload as object });
      expect((await post({})).json().error).toBe('missing required key "tag"');
      expect((await post({ tag: 3 })).statusCode).toBe(400);
      expect((await post({ tag: '' })).statusCode).toBe(400);
      expect((await post({ tag: ' ' })).statusCode).toBe(400);
      expect((await post({ tag: 'x'.repeat(65) })).json().error).toMatch(/at most 64/);
      expect((await post({ tag: 'x\u0000' })).json().error).toMatch(/NUL/);
      expect((await post({ tag: '\ud800' })).json().error).toMatch(/lone surrogate/);
      expect((await f.inject({ url: '/api/v1/tags/x%00' })).statusCode).toBe(404);
      expect((await f.inject({ method: 'PUT', url: '/api/v1/tags/x%00', payload: {} })).statusCode).toBe(400);
      expect((await f.inject({ url: '/api/v1/tags/99999999999' })).statusCode).toBe(404);
      expect((await f.inject({ method: 'DELETE', url: '/api/v1/tags/99999999999' })).statusCode).toBe(204);
      expect((await post({ tag: 'a', agents: [] })).json().error).toBe('unknown key "agents"');
      expect((await post({ tag: unique('t') }, 'artist')).statusCode).toBe(403);
      expect((await post({ tag: unique('t') }, 'agent')).statusCode).toBe(403);
      expect((await post({ tag: unique('t') }, 'anonymous')).statusCode).toBe(401);
    });

    it('replaces a tag with PUT: name, exactly the listed agents and jobs', async () => {
      const f = farm();
      const name = unique('put');
      const a = await registerAgent(f);
      const b = await registerAgent(f);
      const job = await makeJob(f.master.context.db);
      const put = (key: string | number, payload: unknown) =>
        f.inject({ method: 'PUT', url: `/api/v1/tags/${key}`, as: 'wrangler', payload: payload as object });

      const events = await eventsDuring(f, async () => {
        const created = await put(name, { tag: name, agents: [a.id.toUpperCase(), b.id], jobs: [job.id] });
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json()).toMatchObject({ tag: name, agents: [a.id, b.id].sort(), jobs: [job.id] });
      });
      expect(events).toContainEqual({ type: 'agent.changed', agentId: a.id });
      expect(events).toContainEqual({ type: 'job.changed', jobId: job.id });
      const { id } = (await f.inject({ url: `/api/v1/tags/${name}` })).json();

      const same = await put(name, { tag: name, agents: [a.id, b.id], jobs: [job.id] });
      expect(same.statusCode).toBe(201);
      expect(same.json().id).toBe(id);
      const trimmed = await put(name, { agents: [b.id] });
      expect(trimmed.json()).toEqual({ id, tag: name, agents: [b.id], jobs: [] });
      const renamed = await put(id, { tag: `${name}-new` });
      expect(renamed.json()).toEqual({ id, tag: `${name}-new`, agents: [], jobs: [] });

      expect((await put(`${name}-new`, { tag: 'other' })).json().error).toMatch(/does not match the URL/);
      expect((await put(`${name}-new`, { agents: [1, 2] })).statusCode).toBe(400);
      expect((await put(`${name}-new`, { agents: ['not-a-uuid'] })).statusCode).toBe(400);
      expect(
        (await put(`${name}-new`, { agents: ['4eefca76-1127-4c17-a3df-c1a7de685541'] })).statusCode,
      ).toBe(404);
      expect((await put(`${name}-new`, { jobs: [987654321] })).statusCode).toBe(404);
      expect((await put(`${name}-new`, { colour: 'red' })).statusCode).toBe(400);
      expect((await put(987654321, { tag: 'x' })).statusCode).toBe(404);
      const other = unique('taken');
      await put(other, {});
      expect((await put(id, { tag: other })).statusCode).toBe(409);
      // A rejected PUT leaves the tag as it was.
      expect((await f.inject({ url: `/api/v1/tags/${id}` })).json()).toEqual({
        id,
        tag: `${name}-new`,
        agents: [],
        jobs: [],
      });
      expect(
        (await f.inject({ method: 'PUT', url: `/api/v1/tags/${id}`, as: 'artist', payload: {} })).statusCode,
      ).toBe(403);
    });

    it('deletes a tag (204, idempotent) with its links', async () => {
      const f = farm();
      const name = unique('del');
      const { id: agentId } = await registerAgent(f);
      await f.inject({ method: 'PUT', url: `/api/v1/tags/${name}`, payload: { agents: [agentId] } });
      const events = await eventsDuring(f, async () => {
        expect(
          (await f.inject({ method: 'DELETE', url: `/api/v1/tags/${name}`, as: 'wrangler' })).statusCode,
        ).toBe(204);
      });
      expect(events).toEqual([{ type: 'agent.changed', agentId }]);
      expect(await findTag(f.master.context.db, name)).toBeUndefined();
      expect((await f.inject({ url: `/api/v1/agents/${agentId}` })).json().tags).toEqual([]);
      expect((await f.inject({ method: 'DELETE', url: `/api/v1/tags/${name}` })).statusCode).toBe(204);
      expect(
        (await f.inject({ method: 'DELETE', url: `/api/v1/tags/${name}`, as: 'artist' })).statusCode,
      ).toBe(403);
    });

    it('lists and adds the agents of a tag', async () => {
      const f = farm();
      const name = unique('agents');
      const { id: tagId } = (
        await f.inject({ method: 'POST', url: '/api/v1/tags/', payload: { tag: name } })
      ).json();
      const { id: agentId, body } = await registerAgent(f);
      const url = `/api/v1/tags/${name}/agents/`;
      const post = (payload: unknown, as: 'wrangler' | 'artist' = 'wrangler') =>
        f.inject({ method: 'POST', url, as, payload: payload as object });
      const first = await post({ agent_id: agentId });
      expect(first.statusCode).toBe(201);
      expect(first.json()).toEqual({ id: agentId, href: `/api/v1/agents/${agentId}` });
      const second = await f.inject({
        method: 'POST',
        url: `/api/v1/tags/${tagId}/agents/`,
        payload: { agent_id: agentId },
      });
      expect(second.statusCode).toBe(200);
      expect((await f.inject({ url, as: 'artist' })).json()).toEqual([
        { id: agentId, hostname: body.hostname, href: `/api/v1/agents/${agentId}` },
      ]);
      expect((await post({})).statusCode).toBe(400);
      expect((await post({ agent_id: 5 })).statusCode).toBe(400);
      expect((await post({ agent_id: agentId, extra: true })).statusCode).toBe(400);
      expect((await post({ agent_id: '4eefca76-1127-4c17-a3df-c1a7de685541' })).statusCode).toBe(404);
      expect((await post({ agent_id: 'garbage' })).statusCode).toBe(404);
      expect((await post({ agent_id: agentId }, 'artist')).statusCode).toBe(403);
      expect(
        (
          await f.inject({
            method: 'POST',
            url: '/api/v1/tags/no-such-tag/agents/',
            payload: { agent_id: agentId },
          })
        ).statusCode,
      ).toBe(404);
      expect((await f.inject({ url: '/api/v1/tags/no-such-tag/agents/' })).statusCode).toBe(404);
    });

    it('describes its columns', async () => {
      const res = await farm().inject({ url: '/api/v1/tags/schema/' });
      expect(res.json()).toEqual({ id: 'INTEGER', tag: 'VARCHAR(64)' });
    });
  });
});
