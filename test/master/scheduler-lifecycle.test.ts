/**
 * The leader's job lifecycle services on every database: pause and deletion stop tasks on their agents,
 * autodelete, completion and deletion mails received by a real SMTP server, statistics, task log
 * housekeeping.
 */
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AgentState, WorkState } from '../../src/core/enums.js';
import { setNotifiedUser } from '../../src/db/jobs/job-associations.repository.js';
import { findJob, getJob, updateJob } from '../../src/db/jobs/job.repository.js';
import {
  listAgentCounts,
  listTaskCounts,
  listTaskEventCounts,
  insertTaskEventCount,
} from '../../src/db/statistics/statistics.repository.js';
import { createTaskLog, linkTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { listTasks } from '../../src/db/tasks/task.repository.js';
import { createUser } from '../../src/db/users/user.repository.js';
import { LeaderServices } from '../../src/master/leadership/leader-services.js';
import {
  consolidateTaskEvents,
  countAgents,
  countTasks,
  QUARTER_HOUR_MS,
} from '../../src/master/lifecycle/statistics-collector.js';
import { startFakeAgent, type FakeAgent } from '../support/fake-agent.js';
import { changeJob, registerFakeAgent, submitJob, until, work } from '../support/farm-actions.js';
import { unique } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';

const { DONE, FAILED, PAUSED } = WorkState.values;

interface ReceivedMail {
  to: string[];
  /** The message with quoted-printable soft line breaks and escapes undone. */
  data: string;
}

function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

forEachDialectMaster((dialect, farm) => {
  const mails: ReceivedMail[] = [];
  let smtp: SMTPServer;
  let smtpPort = 0;
  let leader: LeaderServices;
  let agents: FakeAgent[] = [];
  const ctx = () => farm().master.context;

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            data: decodeQuotedPrintable(Buffer.concat(chunks).toString('utf8')),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    smtpPort = (smtp.server.address() as { port: number }).port;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  beforeEach(async () => {
    await ctx().db.updateTable('agents').set({ state: AgentState.values.OFFLINE }).execute();
    await ctx().db.updateTable('jobs').set({ hidden: true }).execute();
    mails.length = 0;
    const base = ctx();
    leader = new LeaderServices({
      ctx: {
        ...base,
        config: {
          ...base.config,
          smtp_server: '127.0.0.1',
          smtp_port: smtpPort,
          base_url: 'http://farm.example:5000/',
        },
      },
      timings: {
        dispatchRetries: 1,
        dispatchRetryDelayMs: 20,
        pollRetries: 1,
        pollRetryDelayMs: 20,
        completionMailDelayMs: 0,
      },
    });
    leader.start();
  });

  afterEach(async () => {
    await leader.close();
    await Promise.all(agents.map((a) => a.close()));
    agents = [];
  });

  async function agent(options: Parameters<typeof startFakeAgent>[0] = {}) {
    const fake = await startFakeAgent(options);
    agents.push(fake);
    await registerFakeAgent(ctx(), fake);
    return fake;
  }

  async function notify(
    jobId: number,
    flags: { onSuccess?: boolean; onFailure?: boolean; onDeletion?: boolean },
  ) {
    const name = unique('user');
    const user = await createUser(ctx().db, { username: name, email: `${name}@example.com` });
    await setNotifiedUser(ctx().db, jobId, user.id, flags);
    return `${name}@example.com`;
  }

  describe('pause and delete', () => {
    it('stops the tasks of a paused job on their agent and queues them again; they run after resuming', async () => {
      const fake = await agent();
      const { job, tasks } = await submitJob(ctx(), { frames: 1 });
      await until(() => fake.received.length === 1);
      await changeJob(ctx(), job.id, (trx) => updateJob(trx, job.id, { state: PAUSED }));
      await until(() => fake.stopped.length === 1, 5000, 'the task to be stopped');
      expect(fake.stopped).toEqual([tasks[0]!.id]);
      await leader.whenIdle();
      await until(async () => (await listTasks(ctx().db, { jobId: job.id }))[0]!.agentId === null);
      expect((await getJob(ctx().db, job.id)).state).toBe(PAUSED);
      await changeJob(ctx(), job.id, (trx) => updateJob(trx, job.id, { state: null }));
      await until(() => fake.received.length === 2, 5000, 'the resumed task');
      expect(fake.received[1]!.tasks[0]).toMatchObject({ id: tasks[0]!.id, attempt: 2 });
    });

    it('deletes a job marked for deletion after stopping its running task, and mails the subscribers', async () => {
      const fake = await agent();
      const { job, tasks } = await submitJob(ctx(), { frames: 2 });
      const address = await notify(job.id, { onDeletion: true, onSuccess: false, onFailure: false });
      await until(() => fake.received.length === 1);
      await changeJob(ctx(), job.id, (trx) => updateJob(trx, job.id, { toBeDeleted: true }));
      await until(async () => (await findJob(ctx().db, job.id)) === undefined, 5000, 'the job to be deleted');
      expect(fake.stopped).toEqual([tasks[0]!.id]);
      await until(() => mails.length === 1, 5000, 'the deletion mail');
      expect(mails[0]!.to).toEqual([address]);
      expect(mails[0]!.data).toContain(`Subject: Job ${job.title} deleted`);
      expect(mails[0]!.data).not.toContain('{job_title}');
    });

    it('stops the running task of a job deleted through the API', async () => {
      const fake = await agent();
      const { job, tasks } = await submitJob(ctx(), { frames: 1 });
      await until(() => fake.received.length === 1);
      const res = await farm().inject({ method: 'DELETE', url: `/api/v1/jobs/${job.id}` });
      expect(res.statusCode).toBe(204);
      await until(() => fake.stopped.length === 1, 5000, 'the task to be stopped');
      expect(fake.stopped).toEqual([tasks[0]!.id]);
    });

    it('autodeletes DONE jobs past their autodelete time, not FAILED ones', async () => {
      const done = await submitJob(ctx(), { frames: 1, autodeleteTime: 60 });
      const failed = await submitJob(ctx(), { frames: 1, autodeleteTime: 60 });
      const longAgo = ctx().clock.now() - 3_600_000;
      await updateJob(ctx().db, done.job.id, { state: DONE, timeFinished: longAgo });
      await updateJob(ctx().db, failed.job.id, { state: FAILED, timeFinished: longAgo });
      await leader.lifecycle.autodelete();
      expect(await findJob(ctx().db, done.job.id)).toBeUndefined();
      expect(await findJob(ctx().db, failed.job.id)).toBeDefined();
    });
  });

  describe('completion mail', () => {
    it.each([
      { outcome: 'success', end: DONE, subject: 'completed successfully' },
      { outcome: 'failure', end: FAILED, subject: 'failed' },
    ] as const)('is received once on $outcome, by the users who asked for it', async ({ end, subject }) => {
      await agent({
        onAssignment: (a) =>
          void work(
            ctx(),
            a.tasks.map((t) => t.id),
            end,
          ),
      });
      const { job } = await submitJob(ctx(), { frames: 1, requeue: 0 });
      const wanted = await notify(job.id, { onSuccess: end === DONE, onFailure: end === FAILED });
      await notify(job.id, { onSuccess: false, onFailure: false });
      await until(() => mails.length === 1, 10_000, 'the completion mail');
      await leader.lifecycle.mailFinishedJobs();
      expect(mails).toHaveLength(1);
      expect(mails[0]!.to).toEqual([wanted]);
      expect(mails[0]!.data).toContain(`Subject: Job ${job.title} ${subject}`);
      expect(mails[0]!.data).toContain(`http://farm.example:5000/jobs/${job.id}`);
      expect((await getJob(ctx().db, job.id)).completionNotifySent).toBe(true);
    });

    it('lists the log of each failed task, from the job type template when it has one', async () => {
      const { job, tasks } = await submitJob(ctx(), { frames: 1 });
      await ctx()
        .db.updateTable('jobtypes')
        .set({
          fail_subject: 'Broken: {{ job.title }}',
          fail_body: '{% for url in failed_log_urls %}LOG {{ url }}\n{% endfor %}',
        })
        .where(
          'id',
          '=',
          (
            await ctx()
              .db.selectFrom('jobtype_versions')
              .select('jobtype_id')
              .where('id', '=', job.jobtypeVersionId)
              .executeTakeFirstOrThrow()
          ).jobtype_id,
        )
        .execute();
      const log = await createTaskLog(ctx().db, { identifier: unique('log') + '.csv' });
      await linkTaskLog(ctx().db, { taskLogId: log.id, taskId: tasks[0]!.id, attempt: 1 });
      // Subscribed before the job ends: the lifecycle may notice the end (from the submission's event) before
      // mailFinishedJobs does, and a job that ends with nobody subscribed is marked as notified.
      await notify(job.id, { onFailure: true });
      await updateJob(ctx().db, job.id, { state: FAILED });
      await ctx().db.updateTable('tasks').set({ state: FAILED }).where('job_id', '=', job.id).execute();
      await leader.lifecycle.mailFinishedJobs();
      await until(() => mails.length === 1, 5000, 'the completion mail');
      expect(mails).toHaveLength(1);
      expect(mails[0]!.data).toContain(`Subject: Broken: ${job.title}`);
      expect(mails[0]!.data).toContain(
        `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}/attempts/1/logs/${log.identifier}/logfile`,
      );
    });
  });

  describe('statistics and logs', () => {
    it('counts agents and tasks per queue, and consolidates task events into quarter hours', async () => {
      const now = ctx().clock.now();
      await countAgents(ctx().db, ctx().statistics, now);
      await countTasks(ctx().db, ctx().statistics, now);
      expect((await listAgentCounts(ctx().statistics, { from: now })).length).toBe(1);
      expect((await listTaskCounts(ctx().statistics, { from: now })).some((c) => c.jobQueueId === null)).toBe(
        true,
      );

      const slot = Math.floor(now / QUARTER_HOUR_MS) * QUARTER_HOUR_MS - 10 * QUARTER_HOUR_MS;
      const event = (at: number, done: number) =>
        insertTaskEventCount(ctx().statistics, {
          timeStart: at,
          timeEnd: at + 1000,
          jobQueueId: 424242,
          numNew: 0,
          numDeleted: 0,
          numRestarted: 0,
          numStarted: 0,
          numFailed: 0,
          numDone: done,
        });
      await event(slot + 1000, 2);
      await event(slot + 60_000, 3);
      await event(slot + 2 * QUARTER_HOUR_MS + 5, 1);
      await consolidateTaskEvents(ctx().statistics);
      const rows = (await listTaskEventCounts(ctx().statistics, { from: slot - 1 })).filter(
        (r) => r.jobQueueId === 424242,
      );
      expect(rows.map((r) => [r.timeStart - slot, r.timeEnd - r.timeStart, r.numDone])).toEqual([
        [0, QUARTER_HOUR_MS, 5],
        [QUARTER_HOUR_MS, QUARTER_HOUR_MS, 0],
        [2 * QUARTER_HOUR_MS, QUARTER_HOUR_MS, 1],
      ]);
      await event(slot + 2000, 4);
      await consolidateTaskEvents(ctx().statistics);
      const merged = (await listTaskEventCounts(ctx().statistics, { from: slot - 1 })).filter(
        (r) => r.jobQueueId === 424242,
      );
      expect(merged.map((r) => r.numDone)).toEqual([9, 0, 1]);
    });
  });
});
