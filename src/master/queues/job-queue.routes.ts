/**
 * /api/v1/jobqueues: the job queue tree. Wranglers manage queues. `<x>` is an id, a name (when no other
 * queue has it) or a path such as `/studio/lighting` (URL-encoded).
 */
import Type from 'typebox';
import { errors } from '../../api/schemas/common.js';
import {
  CreateJobQueueBody,
  JobQueueParams,
  JobQueueSummary,
  JobQueueView,
  UpdateJobQueueBody,
} from '../../api/schemas/jobqueues.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import { listJobQueues } from '../../db/queues/job-queue.repository.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import { changeQueue, createQueue, getQueueDetail, removeQueue } from './job-queue.service.js';
import { JOBQUEUE_COLUMNS, jobQueueSummary, jobQueueView } from './job-queue.view.js';

const tags = ['jobqueues'];
const wranglers = { access: { roles: ['wrangler'] as const } };

export function jobQueueRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    app.get(
      '/jobqueues/',
      {
        schema: {
          tags,
          summary: 'List job queues (parents before children)',
          response: { 200: Type.Array(JobQueueSummary), ...errors },
        },
      },
      async () => (await listJobQueues(ctx.db)).map(jobQueueSummary),
    );
    app.post(
      '/jobqueues/',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Create a job queue (sibling names are unique)',
          body: CreateJobQueueBody,
          response: { 201: JobQueueView, ...errors },
        },
      },
      async (req, reply) => reply.status(201).send(jobQueueView(await createQueue(ctx, req.body))),
    );
    app.get(
      '/jobqueues/schema',
      { schema: { tags, summary: 'The columns of a job queue', response: { 200: TableSchema, ...errors } } },
      async () => JOBQUEUE_COLUMNS,
    );
    app.get(
      '/jobqueues/:queue',
      {
        schema: {
          tags,
          summary: 'One job queue with its children and jobs',
          params: JobQueueParams,
          response: { 200: JobQueueView, ...errors },
        },
      },
      async (req) => jobQueueView(await getQueueDetail(ctx.db, idOrName(req.params.queue))),
    );
    app.post(
      '/jobqueues/:queue',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Change a job queue (given fields only; queues do not move)',
          params: JobQueueParams,
          body: UpdateJobQueueBody,
          response: { 200: JobQueueView, ...errors },
        },
      },
      async (req) => jobQueueView(await changeQueue(ctx, idOrName(req.params.queue), req.body)),
    );
    app.delete(
      '/jobqueues/:queue',
      {
        config: wranglers,
        schema: {
          tags,
          summary: 'Delete an empty job queue (204 also when unknown)',
          params: JobQueueParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await removeQueue(ctx, idOrName(req.params.queue));
        return reply.status(204).send(null);
      },
    );
  };
}
