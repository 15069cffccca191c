/**
 * What the REST API does for the scheduler's integration tests, done directly on the master's context:
 * submit a job, report a task's state as an agent would, register a fake agent. Each change is committed
 * and then announced on the farm events, as the API does. (The HTTP API replaces these once it is merged.)
 */
import { WorkState } from '../../src/core/enums.js';
import { createAgent, type NewAgent } from '../../src/db/agents/agent.repository.js';
import { createJob, type Job, type NewJob } from '../../src/db/jobs/job.repository.js';
import { createJobType } from '../../src/db/jobtypes/jobtype.repository.js';
import { createTasksForFrameRange, listTasks, type Task } from '../../src/db/tasks/task.repository.js';
import { transaction } from '../../src/db/transaction.js';
import type { MasterContext } from '../../src/master/context.js';
import { refreshJobState } from '../../src/master/jobs/job-state.js';
import { applyTaskChange, type AppliedTaskChange } from '../../src/master/tasks/task-state.service.js';
import type { TaskChange } from '../../src/master/tasks/task-transition.js';
import type { FakeAgent } from './fake-agent.js';
import { unique } from './fixtures.js';

const { RUNNING, DONE } = WorkState.values;

export async function makeJobType(ctx: MasterContext, name = unique('jobtype')): Promise<number> {
  const { version } = await createJobType(
    ctx.db,
    { name },
    { code: 'export default class {}', maxBatch: null },
  );
  return version.id;
}

export async function submitJob(
  ctx: MasterContext,
  input: Partial<NewJob> & { frames?: number; start?: number },
): Promise<{ job: Job; tasks: Task[] }> {
  const { frames = 3, start = 1, ...fields } = input;
  const jobtypeVersionId = fields.jobtypeVersionId ?? (await makeJobType(ctx));
  const job = await transaction(ctx.db, async (trx) => {
    const created = await createJob(
      trx,
      { title: unique('job'), ...fields, jobtypeVersionId },
      { now: ctx.clock.now() },
    );
    await createTasksForFrameRange(trx, created.id, { start, end: start + frames - 1 });
    return created;
  });
  ctx.events.emit({ type: 'job.changed', jobId: job.id });
  return { job, tasks: await listTasks(ctx.db, { jobId: job.id }) };
}

/** A task report (`POST /jobs/<j>/tasks/<t>`): the hooks, the job state, then the event. */
export async function reportTask(
  ctx: MasterContext,
  taskId: number,
  change: TaskChange,
): Promise<AppliedTaskChange> {
  const applied = await transaction(ctx.db, (trx) =>
    applyTaskChange(trx, taskId, change, { now: ctx.clock.now(), limits: ctx.limits }),
  );
  ctx.events.emit({
    type: 'task.changed',
    jobId: applied.after.jobId,
    taskId,
    agentId: applied.before.agentId,
  });
  return applied;
}

/** Runs every task of an assignment to the given end state, as an agent reports it. */
export async function work(
  ctx: MasterContext,
  taskIds: readonly number[],
  end: typeof DONE | typeof WorkState.values.FAILED = DONE,
): Promise<void> {
  for (const id of taskIds) await reportTask(ctx, id, { state: RUNNING });
  for (const id of taskIds) await reportTask(ctx, id, { state: end });
}

/** Registers a fake agent as the agents API would: reachable on loopback, with its secret. */
export async function registerFakeAgent(
  ctx: MasterContext,
  agent: FakeAgent,
  overrides: Partial<NewAgent> = {},
) {
  const created = await createAgent(
    ctx.db,
    {
      id: agent.id,
      hostname: unique('render'),
      port: agent.port,
      remoteIp: '127.0.0.1',
      ram: 32768,
      freeRam: 16000,
      cpus: 8,
      apiSecret: agent.secret,
      ...overrides,
    },
    { limits: { ...ctx.limits, allowAgentsFromLoopback: true }, now: ctx.clock.now() },
  );
  ctx.events.emit({ type: 'agent.changed', agentId: created.id });
  return created;
}

/** Re-derives a job's state after a direct change (pause, unpause). */
export async function changeJob(
  ctx: MasterContext,
  jobId: number,
  change: (trx: MasterContext['db']) => Promise<unknown>,
) {
  await transaction(ctx.db, async (trx) => {
    await change(trx);
    await refreshJobState(trx, jobId, ctx.clock.now());
  });
  ctx.events.emit({ type: 'job.changed', jobId });
}

/** Polls until `check` is true (or throws after `timeoutMs`). */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
