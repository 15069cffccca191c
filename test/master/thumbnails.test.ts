import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import { createAgent } from '../../src/db/agents/agent.repository.js';
import { createTasksForFrameRange, listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { findTokenByHash } from '../../src/db/users/token.repository.js';
import { hashSecret } from '../../src/master/auth/token-secret.js';
import type { Job } from '../../src/db/jobs/job.repository.js';
import type { Task } from '../../src/db/tasks/task.repository.js';
import { agentInput, makeJob } from '../support/fixtures.js';
import { forEachDialectMaster } from '../support/master.js';

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
const JPEG = Buffer.from([
  0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9,
]);

forEachDialectMaster((_dialect, farm) => {
  let job: Job;
  let tasks: Task[];
  let otherJob: Job;

  beforeAll(async () => {
    const { db } = farm().master.context;
    job = await makeJob(db, { title: `thumbs-${farm().dialect}` });
    await createTasksForFrameRange(db, job.id, { start: 1, end: 3, by: 1 });
    tasks = await listTasks(db, { jobIds: [job.id] });
    tasks.sort((a, b) => a.frame - b.frame);
    otherJob = await makeJob(db);
    const token = await findTokenByHash(db, hashSecret(farm().tokens.agent));
    const mine = await createAgent(db, agentInput({ tokenId: token!.id }));
    const foreign = await createAgent(db, agentInput());
    await updateTask(db, tasks[0]!.id, { agentId: mine.id });
    await updateTask(db, tasks[1]!.id, { agentId: foreign.id });
  });

  const put = (
    task: number,
    body: Buffer,
    type = 'image/png',
    as: 'agent' | 'wrangler' | 'artist' = 'agent',
    j = job.id,
  ) =>
    farm().inject({
      method: 'PUT',
      url: `/api/v1/jobs/${j}/tasks/${task}/thumbnail`,
      headers: { 'content-type': type },
      payload: body,
      as,
    });

  it('lets an agent upload for a task on its own agent, and anyone read it back', async () => {
    const res = await put(tasks[0]!.id, PNG);
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({
      job_id: job.id,
      task_id: tasks[0]!.id,
      frame: 1,
      tile: null,
      content_type: 'image/png',
      size: PNG.length,
      href: `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}/thumbnail`,
    });
    const image = await farm().inject({ url: res.json<{ href: string }>().href, as: 'artist' });
    expect(image.statusCode).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.rawPayload.equals(PNG)).toBe(true);
    const again = await farm().inject({
      url: res.json<{ href: string }>().href,
      headers: { 'if-none-match': String(image.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
  });

  it('replaces a PNG by a JPEG and lists thumbnails by frame, by id or title', async () => {
    expect((await put(tasks[2]!.id, JPEG, 'image/jpeg', 'wrangler')).statusCode).toBe(201);
    expect((await put(tasks[0]!.id, JPEG, 'image/jpeg', 'wrangler')).statusCode).toBe(201);
    for (const key of [String(job.id), encodeURIComponent(job.title)]) {
      const list = await farm().inject({ url: `/api/v1/jobs/${key}/thumbnails`, as: 'artist' });
      expect(list.statusCode).toBe(200);
      expect(
        list.json<{ frame: number; content_type: string }[]>().map((t) => [t.frame, t.content_type]),
      ).toEqual([
        [1, 'image/jpeg'],
        [3, 'image/jpeg'],
      ]);
    }
  });

  it('refuses agents for tasks of other agents, and artists', async () => {
    expect((await put(tasks[1]!.id, PNG)).statusCode).toBe(403);
    expect((await put(tasks[2]!.id, PNG)).statusCode).toBe(403);
    expect((await put(tasks[0]!.id, PNG, 'image/png', 'artist')).statusCode).toBe(403);
    const anonymous = await farm().inject({
      method: 'PUT',
      url: `/api/v1/jobs/${job.id}/tasks/${tasks[0]!.id}/thumbnail`,
      headers: { 'content-type': 'image/png' },
      payload: PNG,
      as: 'anonymous',
    });
    expect(anonymous.statusCode).toBe(401);
  });

  it('rejects bodies that are not what they claim, other media types and unknown tasks', async () => {
    expect((await put(tasks[0]!.id, JPEG, 'image/png')).statusCode).toBe(400);
    expect((await put(tasks[0]!.id, Buffer.alloc(0), 'image/png')).statusCode).toBe(400);
    expect((await put(tasks[0]!.id, Buffer.from('GIF89a'), 'image/gif')).statusCode).toBe(415);
    expect((await put(tasks[0]!.id, Buffer.from('{}'), 'application/json')).statusCode).toBe(415);
    expect((await put(999_999, PNG, 'image/png', 'wrangler')).statusCode).toBe(404);
    expect((await put(tasks[0]!.id, PNG, 'image/png', 'wrangler', otherJob.id)).statusCode).toBe(404);
    expect(
      (await farm().inject({ url: `/api/v1/jobs/${job.id}/tasks/${tasks[1]!.id}/thumbnail` })).statusCode,
    ).toBe(404);
    expect((await farm().inject({ url: '/api/v1/jobs/no-such-job/thumbnails' })).statusCode).toBe(404);
  });

  it('removes the thumbnails of a deleted job', async () => {
    const dir = join(farm().dir, 'thumbnails', String(job.id));
    expect(existsSync(dir)).toBe(true);
    farm().master.context.events.emit({ type: 'job.deleted', jobId: job.id, heldTasks: [] });
    await new Promise((r) => setTimeout(r, 20));
    expect(existsSync(dir)).toBe(false);
  });
});
