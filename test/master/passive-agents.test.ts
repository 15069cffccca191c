/** Passive agents fetch their work: `GET /api/v1/agents/<id>/assignments`, on every database. */
import { describe, expect, it } from 'vitest';
import { compileCheck, AssignmentSchema } from '../../src/api/agent-protocol/index.js';
import { UseAgentAddress } from '../../src/core/enums.js';
import { claimTasks } from '../../src/db/scheduling/task-assignment.repository.js';
import { listTasks } from '../../src/db/tasks/task.repository.js';
import { makeAgent } from '../support/fixtures.js';
import { submitJob } from '../support/farm-actions.js';
import { forEachDialectMaster } from '../support/master.js';

const checkAssignment = compileCheck(AssignmentSchema);

forEachDialectMaster((dialect, farm) => {
  const ctx = () => farm().master.context;

  async function passiveAgent() {
    const token = await ctx()
      .db.selectFrom('api_tokens')
      .select('id')
      .where('user_id', '=', farm().users.agent.id)
      .where('kind', '=', 'agent')
      .executeTakeFirstOrThrow();
    return makeAgent(ctx().db, { useAddress: UseAgentAddress.values.PASSIVE, tokenId: token.id });
  }

  describe('GET /agents/<id>/assignments', () => {
    it(`hands a passive agent its work in /assign bodies and marks it sent (${dialect})`, async () => {
      const agent = await passiveAgent();
      const { job, tasks } = await submitJob(ctx(), { frames: 2, batch: 2 });
      await claimTasks(ctx().db, [{ agentId: agent.id, jobId: job.id, taskIds: tasks.map((t) => t.id) }], {
        now: Date.now(),
      });

      const look = await farm().inject({ url: `/api/v1/agents/${agent.id}/assignments`, as: 'wrangler' });
      expect(look.statusCode).toBe(200);
      expect((await listTasks(ctx().db, { jobId: job.id })).every((t) => !t.sentToAgent)).toBe(true);

      const res = await farm().inject({ url: `/api/v1/agents/${agent.id}/assignments`, as: 'agent' });
      expect(res.statusCode).toBe(200);
      const [assignment] = res.json().assignments;
      expect(assignment.job).toMatchObject({ id: job.id, title: job.title });
      expect(assignment.tasks.map((t: { id: number }) => t.id)).toEqual(tasks.map((t) => t.id));
      expect(checkAssignment(assignment).ok).toBe(true);
      expect((await listTasks(ctx().db, { jobId: job.id })).every((t) => t.sentToAgent)).toBe(true);
    });

    it('answers a long poll as soon as work arrives', async () => {
      const agent = await passiveAgent();
      const started = Date.now();
      const pending = farm().inject({ url: `/api/v1/agents/${agent.id}/assignments?wait=10`, as: 'agent' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { job, tasks } = await submitJob(ctx(), { frames: 1 });
      await claimTasks(ctx().db, [{ agentId: agent.id, jobId: job.id, taskIds: [tasks[0]!.id] }], {
        now: Date.now(),
      });
      ctx().events.emit({ type: 'task.changed', jobId: job.id, taskId: tasks[0]!.id, agentId: null });
      const res = await pending;
      expect(res.json().assignments).toHaveLength(1);
      expect(Date.now() - started).toBeLessThan(5000);
    });

    it('returns nothing after the wait when there is no work', async () => {
      const agent = await passiveAgent();
      const res = await farm().inject({ url: `/api/v1/agents/${agent.id}/assignments?wait=1`, as: 'agent' });
      expect(res.json()).toEqual({ assignments: [] });
    });

    it.each([
      { as: 'artist' as const, status: 403, agent: 'own' },
      { as: 'agent' as const, status: 403, agent: 'other' },
      { as: 'anonymous' as const, status: 401, agent: 'own' },
      { as: 'agent' as const, status: 404, agent: '00000000-0000-4000-8000-000000000123' },
      { as: 'agent' as const, status: 400, agent: 'not-a-uuid' },
    ])('$as asking for $agent → $status', async ({ as, status, agent }) => {
      const id =
        agent === 'own'
          ? (await passiveAgent()).id
          : agent === 'other'
            ? (await makeAgent(ctx().db)).id
            : agent;
      const res = await farm().inject({ url: `/api/v1/agents/${id}/assignments`, as });
      expect(res.statusCode).toBe(status);
    });
  });
});
