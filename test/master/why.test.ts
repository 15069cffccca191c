/** `GET /api/v1/jobs/<job>/why` on every database. */
import { describe, expect, it } from 'vitest';
import { AgentState } from '../../src/core/enums.js';
import { setAgentTags } from '../../src/db/agents/agent-associations.repository.js';
import { makeAgent } from '../support/fixtures.js';
import { setJobTagRequirements } from '../../src/db/jobs/job-associations.repository.js';
import { updateJob } from '../../src/db/jobs/job.repository.js';
import { createJobQueue } from '../../src/db/queues/job-queue.repository.js';
import { submitJob } from '../support/farm-actions.js';
import { forEachDialectMaster } from '../support/master.js';

forEachDialectMaster((dialect, farm) => {
  const ctx = () => farm().master.context;

  describe('GET /jobs/<job>/why', () => {
    let low: number;
    let high: number;
    const agents: Record<string, string> = {};

    it(`explains per agent and in summary (${dialect})`, async () => {
      const urgent = await createJobQueue(ctx().db, { name: 'urgent', priority: 5 });
      const normal = await createJobQueue(ctx().db, { name: 'normal', priority: 0 });
      high = (await submitJob(ctx(), { frames: 10, jobQueueId: urgent.id, title: 'high job' })).job.id;
      low = (await submitJob(ctx(), { frames: 10, jobQueueId: normal.id, ram: 8000, title: 'low job' })).job
        .id;
      await setJobTagRequirements(ctx().db, low, [{ tag: 'gpu' }]);
      agents.free = (await makeAgent(ctx().db, { freeRam: 16000 })).id;
      agents.noGpu = (await makeAgent(ctx().db, { freeRam: 16000 })).id;
      agents.offline = (await makeAgent(ctx().db, { freeRam: 16000, state: AgentState.values.OFFLINE })).id;
      agents.small = (await makeAgent(ctx().db, { freeRam: 1000 })).id;
      for (const id of [agents.free, agents.offline, agents.small])
        await setAgentTags(ctx().db, id!, ['gpu']);

      const res = await farm().inject({ url: `/api/v1/jobs/${low}/why`, as: 'artist' });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({
        job: { id: low, title: 'low job', state: 'queued' },
        waiting_tasks: 10,
        reason: null,
      });
      const byId = Object.fromEntries(body.agents.map((a: { id: string }) => [a.id, a]));
      expect(byId[agents.free!]).toMatchObject({ reason: 'priority' });
      expect(byId[agents.free!].detail).toContain('/urgent');
      expect(byId[agents.noGpu!]).toMatchObject({ reason: 'tag', detail: 'the agent lacks the tag gpu' });
      expect(byId[agents.offline!]).toMatchObject({ reason: 'agent_offline' });
      expect(byId[agents.small!]).toMatchObject({ reason: 'ram' });
      expect(body.summary).toEqual({ priority: 1, tag: 1, agent_offline: 1, ram: 1 });

      const top = await farm().inject({ url: `/api/v1/jobs/${high}/why?agent=${agents.free}`, as: 'artist' });
      expect(top.json().agents).toEqual([expect.objectContaining({ id: agents.free, reason: 'assignable' })]);
    });

    it('names the job itself when it is the obstacle, and answers by title', async () => {
      await updateJob(ctx().db, low, { state: 100 });
      const res = await farm().inject({
        url: `/api/v1/jobs/${encodeURIComponent('low job')}/why?summary=true`,
        as: 'artist',
      });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ reason: 'paused', agents: [], summary: { paused: 4 } });
      await updateJob(ctx().db, low, { state: null });
    });

    it.each([
      { url: '/api/v1/jobs/999999/why', status: 404 },
      { url: '/api/v1/jobs/no%20such%20title/why', status: 404 },
      { url: () => `/api/v1/jobs/${low}/why?agent=00000000-0000-4000-8000-00000000abcd`, status: 404 },
      { url: () => `/api/v1/jobs/${low}/why?agent=not-a-uuid`, status: 400 },
      { url: () => `/api/v1/jobs/${low}/why?color=red`, status: 400 },
    ])('answers $status for $url', async ({ url, status }) => {
      const res = await farm().inject({ url: typeof url === 'function' ? url() : url, as: 'artist' });
      expect(res.statusCode).toBe(status);
      expect(res.json()).toHaveProperty('error');
    });

    it('needs credentials', async () => {
      const res = await farm().inject({ url: `/api/v1/jobs/${low}/why`, as: 'anonymous' });
      expect(res.statusCode).toBe(401);
    });
  });
});
