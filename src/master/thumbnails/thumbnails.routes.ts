/**
 * Thumbnails of rendered frames:
 * - `PUT /jobs/<job>/tasks/<task>/thumbnail` (image/png or image/jpeg): agents for tasks on agents their
 *   token registered, wranglers and admins for any task → 201;
 * - `GET /jobs/<job>/tasks/<task>/thumbnail` → the image; `GET /jobs/<job>/thumbnails` → the list.
 * A deleted job's thumbnails go with it.
 */
import { readFileSync } from 'node:fs';
import type { FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import { findJob, listJobs, type Job } from '../../db/jobs/job.repository.js';
import { findTask, listTasks, type Task } from '../../db/tasks/task.repository.js';
import { errors, isoTime } from '../../api/schemas/common.js';
import {
  JobThumbnailsParams,
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_TYPES,
  ThumbnailImage,
  ThumbnailParams,
  ThumbnailView,
  type ThumbnailType,
} from '../../api/schemas/thumbnails.js';
import Type from 'typebox';
import type { MasterContext } from '../context.js';
import { API_PREFIX, type MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import { sniffImageType, ThumbnailStore, thumbnailsDir, type StoredThumbnail } from './thumbnail-store.js';

const tags = ['thumbnails'];

async function resolveJob(ctx: MasterContext, segment: string): Promise<Job> {
  const key = idOrName(segment);
  const job =
    typeof key === 'number' ? await findJob(ctx.db, key) : (await listJobs(ctx.db, { title: key }))[0];
  if (!job) throw new NotFoundError('job', segment);
  return job;
}

async function resolveTask(ctx: MasterContext, job: Job, taskId: number): Promise<Task> {
  const task = await findTask(ctx.db, taskId);
  if (!task || task.jobId !== job.id) throw new NotFoundError('task', taskId);
  return task;
}

/** An agent token speaks only for tasks on agents it registered; wranglers and admins for any. */
async function assertMayUpload(ctx: MasterContext, request: FastifyRequest, task: Task): Promise<void> {
  const principal = request.principal!;
  if (principal.roles.has('admin') || principal.roles.has('wrangler')) return;
  const agent = task.agentId === null ? undefined : await findAgent(ctx.db, task.agentId);
  if (!agent || agent.tokenId === null || agent.tokenId !== principal.tokenId) {
    throw new ForbiddenError(`task ${task.id} is not assigned to an agent registered with this token`);
  }
}

function view(job: Job, task: Pick<Task, 'id' | 'frame' | 'tile'>, stored: StoredThumbnail): ThumbnailView {
  return {
    job_id: job.id,
    task_id: task.id,
    frame: task.frame,
    tile: task.tile,
    content_type: stored.contentType,
    size: stored.size,
    updated: isoTime(Math.round(stored.modified)),
    href: `${API_PREFIX}/jobs/${job.id}/tasks/${task.id}/thumbnail`,
  };
}

export function thumbnailRoutes(ctx: MasterContext) {
  return async (app: MasterApp) => {
    const store = new ThumbnailStore(thumbnailsDir(ctx.config));
    const unsubscribe = ctx.events.on((event) => {
      if (event.type === 'job.deleted') store.deleteJob(event.jobId);
    });
    app.addHook('onClose', async () => unsubscribe());

    await app.register(async (scope) => {
      const typed = scope as unknown as MasterApp;
      typed.addContentTypeParser(
        [...THUMBNAIL_TYPES],
        { parseAs: 'buffer', bodyLimit: THUMBNAIL_MAX_BYTES },
        (_req, body, done) => done(null, body),
      );
      typed.put(
        '/jobs/:job/tasks/:task/thumbnail',
        {
          config: { access: { roles: ['agent', 'wrangler'] } },
          bodyLimit: THUMBNAIL_MAX_BYTES,
          schema: {
            tags,
            summary: "Upload a task's thumbnail (image/png or image/jpeg)",
            consumes: [...THUMBNAIL_TYPES],
            params: ThumbnailParams,
            response: { 201: ThumbnailView, ...errors },
          },
        },
        async (req, reply) => {
          const job = await resolveJob(ctx, req.params.job);
          const task = await resolveTask(ctx, job, req.params.task);
          await assertMayUpload(ctx, req, task);
          const declared = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
          if (!Buffer.isBuffer(req.body) || !(THUMBNAIL_TYPES as readonly string[]).includes(declared)) {
            return reply.status(415).send({ error: 'a thumbnail is sent as image/png or image/jpeg' });
          }
          const actual = sniffImageType(req.body);
          if (actual !== declared) {
            throw new ValidationError(`the body is not a ${declared} image`, { field: 'body' });
          }
          const stored = store.save(job.id, task.id, actual as ThumbnailType, req.body);
          return reply.status(201).send(view(job, task, stored));
        },
      );
    });

    app.get(
      '/jobs/:job/tasks/:task/thumbnail',
      {
        schema: {
          tags,
          summary: "A task's thumbnail",
          params: ThumbnailParams,
          response: {
            200: ThumbnailImage,
            304: Type.Null({ description: 'unchanged (If-None-Match)' }),
            ...errors,
          },
        },
      },
      async (req, reply) => {
        const job = await resolveJob(ctx, req.params.job);
        const task = await resolveTask(ctx, job, req.params.task);
        const stored = store.find(job.id, task.id);
        if (!stored) throw new NotFoundError('thumbnail of task', task.id);
        const etag = `"${stored.size.toString(36)}-${Math.round(stored.modified).toString(36)}"`;
        reply.header('cache-control', 'no-cache').header('etag', etag).type(stored.contentType);
        if (req.headers['if-none-match'] === etag) return reply.status(304).send(null);
        return reply.send(readFileSync(stored.path));
      },
    );

    app.get(
      '/jobs/:job/thumbnails',
      {
        schema: {
          tags,
          summary: "The thumbnails of a job's tasks, by frame",
          params: JobThumbnailsParams,
          response: { 200: Type.Array(ThumbnailView), ...errors },
        },
      },
      async (req) => {
        const job = await resolveJob(ctx, req.params.job);
        const stored = store.list(job.id);
        if (stored.length === 0) return [];
        const tasks = new Map(
          (await listTasks(ctx.db, { ids: stored.map((s) => s.taskId) })).map((t) => [t.id, t]),
        );
        return stored
          .filter((s) => tasks.get(s.taskId)?.jobId === job.id)
          .map((s) => view(job, tasks.get(s.taskId)!, s))
          .sort((a, b) => a.frame - b.frame || (a.tile ?? 0) - (b.tile ?? 0));
      },
    );
  };
}
