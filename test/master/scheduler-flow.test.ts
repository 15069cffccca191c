/**
 * The scheduler end to end on every database, with real HTTP agents (test/support/fake-agent.ts) that
 * answer /assign as spec §5 says: submit → assign → report → done, retries with the blacklist,
 * dependencies, pause, refusals and unreachable agents.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { getAgent } from '../../src/db/agents/agent.repository.js';
import { setJobParents } from '../../src/db/jobs/job-associations.repository.js';
import { getJob, updateJob } from '../../src/db/jobs/job.repository.js';
import { listTaskIdsFailedOnAgent } from '../../src/db/tasks/failed-task.repository.js';
import { listTasks } from '../../src/db/tasks/task.repository.js';
import { AssignmentSchema, compileCheck } from '../../src/api/agent-protocol/index.js';
import { createLogger } from '../../src/core/logging.js';
import { LeaderServices } from '../../src/master/leadership/leader-services.js';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { changeJob, registerFakeAgent, submitJob, until, work } from '../support/farm-actions.js';
import { forEachDialectMaster } from '../support/master.js';

const { RUNNING, DONE, FAILED, PAUSED } = WorkState.values;

forEachDialectMaster((dialect, farm) => {
  let leader: LeaderServices;
  let agents: FakeAgent[] = [];
  const ctx = () => farm().master.context;

  beforeEach(async () => {
    // Each test starts from an idle farm: agents from earlier tests are offline.
    await ctx().db.updateTable('agents').set({ state: AgentState.values.OFFLINE }).execute();
    await ctx().db.updateTable('jobs').set({ hidden: true }).execute();
    leader = new LeaderServices({
      ctx: process.env.DROVER_TEST_LOG
        ? { ...ctx(), log: createLogger({ level: 'debug', pretty: false }) }
        : ctx(),
      timings: {
        dispatchRetries: 2,
        dispatchRetryDelayMs: 20,
        refusalCooldownMs: 200,
        pollRetries: 1,
        pollRetryDelayMs: 20,
        // The tests age last_heard_from themselves; a leader that just started would wait a timeout first.
        offlineGraceMs: 0,
      },
    });
    leader.start();
  });

  afterEach(async () => {
    await leader.close();
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
  });

  async function agent(
    options: Parameters<typeof startFakeAgent>[0] = {},
    row: Parameters<typeof registerFakeAgent>[2] = {},
  ) {
    const fake = await startFakeAgent(options);
    agents.push(fake);
    await registerFakeAgent(ctx(), fake, row);
    return fake;
  }

  describe('scheduling', () => {
    it(`runs a job to DONE: each task assigned once, delivered, reported (${dialect})`, async () => {
      const workers = [
        await agent({
          onAssignment: (a, self) =>
            void work(
              ctx(),
              a.tasks.map((t) => t.id),
            ).then(() => a.tasks.forEach((t) => self.finish(t.id))),
        }),
        await agent({
          onAssignment: (a, self) =>
            void work(
              ctx(),
              a.tasks.map((t) => t.id),
            ).then(() => a.tasks.forEach((t) => self.finish(t.id))),
        }),
      ];
      const { job } = await submitJob(ctx(), { frames: 8 });
      await until(async () => (await getJob(ctx().db, job.id)).state === DONE, 15_000, 'the job to finish');
      await leader.whenIdle();
      const tasks = await listTasks(ctx().db, { jobId: job.id });
      expect(tasks.map((t) => [t.state, t.attempts, t.sentToAgent])).toEqual(
        tasks.map(() => [DONE, 1, true]),
      );
      const delivered = workers.flatMap((w) => w.received.flatMap((a) => a.tasks.map((t) => t.id)));
      expect(delivered.sort((a, b) => a - b)).toEqual(tasks.map((t) => t.id));
      expect(workers.every((w) => w.received.length > 0)).toBe(true);
      const message = workers[0]!.received[0]!;
      expect(message.job).toMatchObject({ id: job.id, title: job.title, by: 1, batch: 1 });
      expect(message.tasks[0]).toMatchObject({ attempt: 1, tile: null });
      // What the real agent validates /assign bodies with.
      const check = compileCheck(AssignmentSchema)({
        job: message.job,
        jobtype: message.jobtype,
        tasks: message.tasks,
      });
      expect(check).toMatchObject({ ok: true });
    });

    it('sends a batch of contiguous frames', async () => {
      const worker = await agent();
      const { job, tasks } = await submitJob(ctx(), { frames: 5, batch: 3 });
      await until(() => worker.received.length === 1);
      expect(worker.received[0]!.tasks.map((t) => t.frame)).toEqual([1, 2, 3]);
      await leader.whenIdle();
      const held = await listTasks(ctx().db, { jobId: job.id, agentId: worker.id });
      expect(held.map((t) => t.id)).toEqual(tasks.slice(0, 3).map((t) => t.id));
      expect((await getJob(ctx().db, job.id)).state).toBe(RUNNING);
    });

    it('requeues a failed task and never gives it back to the agent it failed on', async () => {
      const failing = await agent({
        onAssignment: (a) =>
          void work(
            ctx(),
            a.tasks.map((t) => t.id),
            FAILED,
          ),
      });
      const { job, tasks } = await submitJob(ctx(), { frames: 1, requeue: 3 });
      await until(async () => (await listTaskIdsFailedOnAgent(ctx().db, failing.id)).includes(tasks[0]!.id));
      await leader.whenIdle();
      expect(failing.received).toHaveLength(1);
      const healthy = await agent({
        onAssignment: (a) =>
          void work(
            ctx(),
            a.tasks.map((t) => t.id),
          ),
      });
      await until(
        async () => (await getJob(ctx().db, job.id)).state === DONE,
        10_000,
        'the retry on another agent',
      );
      expect(healthy.received.map((a) => a.tasks[0]!.attempt)).toEqual([2]);
      expect(failing.received).toHaveLength(1);
      const [task] = await listTasks(ctx().db, { jobId: job.id });
      expect(task).toMatchObject({ state: DONE, failures: 1, attempts: 2 });
    });

    it('gives up after `requeue` failures', async () => {
      const names: string[] = [];
      for (let i = 0; i < 3; i++) {
        const a = await agent({
          onAssignment: (x) =>
            void work(
              ctx(),
              x.tasks.map((t) => t.id),
              FAILED,
            ),
        });
        names.push(a.id);
      }
      const { job } = await submitJob(ctx(), { frames: 1, requeue: 1 });
      await until(async () => (await getJob(ctx().db, job.id)).state === FAILED, 10_000, 'the job to fail');
      const [task] = await listTasks(ctx().db, { jobId: job.id });
      expect(task).toMatchObject({ state: FAILED, failures: 2, attempts: 2 });
    });

    it('starts a child job only when its parent is done', async () => {
      const worker = await agent();
      const parent = await submitJob(ctx(), { frames: 1, priority: 0 });
      // Submitted paused and released with its parent set: a child submitted runnable could be assigned
      // before the parent link is written.
      const child = await submitJob(ctx(), { frames: 1, priority: 100, state: PAUSED });
      await changeJob(ctx(), child.job.id, async (trx) => {
        await setJobParents(trx, child.job.id, [parent.job.id]);
        await updateJob(trx, child.job.id, { state: null });
      });
      await until(() => worker.received.length === 1);
      expect(worker.received[0]!.job.id).toBe(parent.job.id);
      await work(ctx(), [parent.tasks[0]!.id]);
      worker.finish(parent.tasks[0]!.id);
      await until(() => worker.received.length === 2, 5000, 'the child to start');
      expect(worker.received[1]!.job.id).toBe(child.job.id);
    });

    it('does not schedule a paused job, and resumes it when unpaused', async () => {
      const worker = await agent();
      const { job } = await submitJob(ctx(), { frames: 2, state: PAUSED });
      await leader.whenIdle();
      expect(worker.received).toHaveLength(0);
      await changeJob(ctx(), job.id, (trx) => updateJob(trx, job.id, { state: null }));
      await until(() => worker.received.length === 1, 5000, 'the unpaused job to be assigned');
    });
  });

  describe('delivery', () => {
    it('takes tasks back (attempt undone) when the agent refuses with 400, and sends them elsewhere', async () => {
      const small = await agent({ ram: 100 });
      const { tasks } = await submitJob(ctx(), { frames: 1, ram: 1000 });
      await until(() => small.calls.some((c) => c.startsWith('POST /api/v1/assign 400')));
      await leader.whenIdle();
      const [task] = await listTasks(ctx().db, { jobId: tasks[0]!.jobId });
      expect(task).toMatchObject({ agentId: null, attempts: 0 });
      // The agent's own RAM figure is stored, so it is not offered the job again.
      expect((await getAgent(ctx().db, small.id)).freeRam).toBe(100);
      const big = await agent({ ram: 4000 });
      await until(() => big.received.length === 1);
      expect(small.calls.filter((c) => c.startsWith('POST /api/v1/assign'))).toHaveLength(1);
    });

    it('takes back only the rejected tasks of a 409', async () => {
      const worker = await agent({
        override: (body) => {
          const ids = (body as { tasks: { id: number }[] }).tasks.map((t) => t.id);
          return {
            status: 409,
            body: { error: 'Partial overlap of tasks', rejected_task_ids: ids.slice(1) },
          };
        },
      });
      const { tasks } = await submitJob(ctx(), { frames: 3, batch: 3 });
      await until(() => worker.calls.some((c) => c.endsWith(' 409')));
      worker.setOverride(() => ({ status: 409, body: { rejected_task_ids: [] } }));
      await leader.whenIdle();
      const after = await listTasks(ctx().db, { jobId: tasks[0]!.jobId });
      expect(after[0]).toMatchObject({ agentId: worker.id, sentToAgent: true, attempts: 1 });
      expect(after.slice(1).every((t) => t.agentId === null && t.attempts === 0)).toBe(true);
    });

    it('retries an agent that answers 503, then loses it and requeues its work', async () => {
      const busy = await agent({ override: () => ({ status: 503, body: { error: 'busy' } }) });
      const { tasks } = await submitJob(ctx(), { frames: 1 });
      await until(
        async () => (await getAgent(ctx().db, busy.id)).state === AgentState.values.OFFLINE,
        10_000,
        'the agent to go offline',
      );
      expect(busy.calls.filter((c) => c.startsWith('POST /api/v1/assign 503'))).toHaveLength(3);
      await leader.whenIdle();
      const [task] = await listTasks(ctx().db, { jobId: tasks[0]!.jobId });
      expect(task).toMatchObject({ agentId: null, attempts: 0, sentToAgent: false });
      const other = await agent();
      await until(() => other.received.length === 1);
      expect(other.received[0]!.tasks[0]!.attempt).toBe(1);
    });

    it('does not lose an agent that registered again while a delivery to its previous run failed', async () => {
      let restarted: Promise<unknown> | undefined;
      const gone = await agent({
        override: () => {
          // The process being stopped refuses work; meanwhile its successor registers (a new secret).
          restarted ??= ctx()
            .db.updateTable('agents')
            .set({ api_secret: 'the secret of the next run of this agent' })
            .where('id', '=', gone.id)
            .execute();
          return { status: 503, body: { error: 'Agent is shutting down' } };
        },
      });
      await submitJob(ctx(), { frames: 1 });
      await until(() => gone.calls.filter((c) => c.startsWith('POST /api/v1/assign 503')).length === 3);
      await leader.whenIdle();
      expect((await getAgent(ctx().db, gone.id)).state).not.toBe(AgentState.values.OFFLINE);
    });

    it("loses an agent that does not accept the master's secret", async () => {
      const fake = await startFakeAgent();
      agents.push(fake);
      await registerFakeAgent(ctx(), fake, { apiSecret: 'not-the-secret' });
      await submitJob(ctx(), { frames: 1 });
      await until(async () => (await getAgent(ctx().db, fake.id)).state === AgentState.values.OFFLINE);
      expect(fake.calls).toEqual(['POST /api/v1/assign 401']);
    });

    it('never pushes to a passive agent', async () => {
      const passive = await agent({}, { useAddress: 'passive' });
      const { tasks } = await submitJob(ctx(), { frames: 1 });
      await leader.whenIdle();
      expect(passive.calls).toEqual([]);
      const [task] = await listTasks(ctx().db, { jobId: tasks[0]!.jobId });
      expect(task).toMatchObject({ agentId: passive.id, sentToAgent: false });
    });
  });

  describe('agent monitor', () => {
    it('loses a silent agent and gives its work to another', async () => {
      const silent = await agent();
      const { job } = await submitJob(ctx(), { frames: 1 });
      await until(() => silent.received.length === 1);
      await leader.whenIdle();
      await ctx()
        .db.updateTable('agents')
        .set({ last_heard_from: ctx().clock.now() - 3_600_000 })
        .where('id', '=', silent.id)
        .execute();
      const other = await agent({
        onAssignment: (a) =>
          void work(
            ctx(),
            a.tasks.map((t) => t.id),
          ),
      });
      await leader.monitor.checkSilentAgents();
      expect((await getAgent(ctx().db, silent.id)).state).toBe(AgentState.values.OFFLINE);
      await until(
        async () => (await getJob(ctx().db, job.id)).state === DONE,
        10_000,
        'the job to finish elsewhere',
      );
      expect(other.received[0]!.tasks[0]!.attempt).toBe(2);
    });

    it('loses nobody during one offline timeout after it starts (the master may have been the one away)', async () => {
      const fake = await agent();
      const { tasks } = await submitJob(ctx(), { frames: 1 });
      await until(() => fake.received.length === 1);
      await leader.close();
      await ctx()
        .db.updateTable('agents')
        .set({ last_heard_from: ctx().clock.now() - 3_600_000 })
        .where('id', '=', fake.id)
        .execute();
      leader = new LeaderServices({ ctx: ctx() });
      leader.start();
      await leader.monitor.checkSilentAgents();
      expect((await getAgent(ctx().db, fake.id)).state).not.toBe(AgentState.values.OFFLINE);
      expect((await listTasks(ctx().db, { ids: [tasks[0]!.id] }))[0]!.agentId).toBe(fake.id);
    });

    it('keeps a silent disabled agent disabled but takes its work back', async () => {
      const fake = await agent();
      const { tasks } = await submitJob(ctx(), { frames: 1 });
      await until(() => fake.received.length === 1);
      await leader.whenIdle();
      await ctx()
        .db.updateTable('agents')
        .set({ state: AgentState.values.DISABLED, last_heard_from: 0 })
        .where('id', '=', fake.id)
        .execute();
      await leader.monitor.checkSilentAgents();
      expect((await getAgent(ctx().db, fake.id)).state).toBe(AgentState.values.DISABLED);
      expect((await listTasks(ctx().db, { ids: [tasks[0]!.id] }))[0]!.agentId).toBeNull();
    });

    it('polls an agent: re-sends what it lacks, stops what is not its own, records its state', async () => {
      const fake = await agent();
      const { tasks } = await submitJob(ctx(), { frames: 2, batch: 2 });
      await until(() => fake.received.length === 1);
      await leader.whenIdle();
      // The agent forgot the assignment, and it also runs a task the record gives to nobody.
      fake.held.clear();
      const stray = await submitJob(ctx(), { frames: 1, hidden: true });
      fake.held.set('stray', {
        id: 'stray',
        job: { id: stray.job.id },
        jobtype: fake.received[0]!.jobtype,
        tasks: [{ id: stray.tasks[0]!.id, frame: 1, tile: null, attempt: 1 }],
        receivedAt: 0,
      });
      const [row] = await ctx().db.selectFrom('agents').selectAll().where('id', '=', fake.id).execute();
      await leader.monitor.poll({
        id: fake.id,
        hostname: row!.hostname,
        remoteIp: row!.remote_ip,
        port: row!.port,
        useAddress: row!.use_address,
        apiSecret: row!.api_secret,
        state: row!.state as never,
        lastHeardFrom: 0,
        lastPolled: null,
        busy: true,
      });
      await leader.whenIdle();
      expect(fake.stopped).toEqual([stray.tasks[0]!.id]);
      expect(fake.received).toHaveLength(2);
      expect(fake.received[1]!.tasks.map((t) => t.id)).toEqual(tasks.map((t) => t.id));
      expect((await getAgent(ctx().db, fake.id)).lastPolled).not.toBeNull();
    });

    it('loses an agent that does not answer a poll', async () => {
      const fake = await agent();
      await fake.close();
      const due = await import('../../src/db/agents/agent-monitoring.repository.js').then((m) =>
        m.listAgentsToPoll(ctx().db, ctx().clock.now() + 10 * 3_600_000, {
          idleMs: 1,
          busyMs: 1,
          offlineMs: 1,
        }),
      );
      const target = due.find((a) => a.id === fake.id)!;
      expect(target).toBeDefined();
      await leader.monitor.poll(target);
      expect((await getAgent(ctx().db, fake.id)).state).toBe(AgentState.values.OFFLINE);
    });
  });
});
