/**
 * /api/v1/jobs: the job index (list, submit), single jobs by id or title (get, update, delete), the
 * schema, the job actions (rerun, rerun_failed, pause, unpause) and the notified users. Task routes
 * under /jobs/<x>/tasks live in ../tasks/task.routes.ts.
 */
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import { errors, IdOrName } from '../../api/schemas/common.js';
import { TableSchema } from '../../api/schemas/table-schema.js';
import {
  JobListItem,
  JobListQuery,
  JobView,
  NotifiedUserInput,
  NotifiedUserParams,
  NotifiedUserView,
  SubmitJobBody,
  UpdateJobBody,
} from '../../api/schemas/jobs.js';
import { readChangeVersion } from '../../db/change-version.js';
import { listNotifiedUsers } from '../../db/jobs/job-associations.repository.js';
import type { MasterContext } from '../context.js';
import type { Access, Principal } from '../http/access.js';
import type { MasterApp } from '../http/app.js';
import { deleteJobTree, pauseJob, rerunJob, unpauseJob } from './job-actions.service.js';
import { JobListCache, type CachedJobList } from './job-list-cache.js';
import { listJobsForRequest } from './job-list.service.js';
import { getJobByKey } from './job-lookup.js';
import { JOB_SCHEMA } from './job-schema.js';
import { submitJob } from './job-submit.service.js';
import { updateJobFromRequest } from './job-update.service.js';
import { jobView, notifiedUserView } from './job.view.js';
import { addNotifiedUser, deleteNotifiedUser } from './notified-users.service.js';

const tags = ['jobs'];
/** Artists pass the role check; the services then allow them their own jobs only. */
const changeJobs: Access = { roles: ['wrangler', 'artist'] };
const JobParams = Type.Object({ job: IdOrName });

export function jobRoutes(ctx: MasterContext) {
  const listCache = new JobListCache();
  return (app: MasterApp) => {
    app.get(
      '/jobs/',
      {
        schema: {
          tags,
          summary: 'List jobs (all, or one page with ?page/per_page; X-Total-Count then gives the total)',
          querystring: JobListQuery,
          response: {
            200: Type.Array(JobListItem),
            304: Type.Null({ description: 'unchanged since the ETag sent in If-None-Match' }),
            ...errors,
          },
        },
      },
      async (req, reply) => {
        // The change version is read before the list is built (see job-list-cache.ts); none: no cache.
        const version = await readChangeVersion(ctx.db);
        const key = JSON.stringify(req.query);
        if (version !== undefined) {
          const etag = listCache.etag(version);
          reply.header('cache-control', 'no-cache').header('etag', etag);
          if (req.headers['if-none-match'] === etag) return reply.status(304).send(null);
          const cached = listCache.get(key, version);
          if (cached) return sendList(reply, cached);
        }
        const { jobs, total } = await listJobsForRequest(ctx, req.query);
        // The route's serializer (fast-json-stringify) returns a string.
        const body = 'json' in jobs ? jobs.json : Buffer.from(reply.serialize(jobs.objects) as string);
        const list = { body, total };
        if (version !== undefined) listCache.set(key, version, list);
        return sendList(reply, list);
      },
    );

    app.post(
      '/jobs/',
      {
        config: { access: changeJobs },
        schema: {
          tags,
          summary: 'Submit a job (its tasks are created from start, end, by and num_tiles)',
          body: SubmitJobBody,
          response: { 201: JobView, ...errors },
        },
      },
      async (req, reply) => {
        const { job } = await submitJob(ctx, req.principal!, req.body);
        return reply.status(201).send(await jobView(ctx.db, job));
      },
    );

    app.get(
      '/jobs/schema',
      { schema: { tags, summary: 'The job columns and their SQL types', response: { 200: TableSchema } } },
      async () => JOB_SCHEMA,
    );

    app.get(
      '/jobs/:job',
      {
        schema: {
          tags,
          summary: 'One job, by id or title',
          params: JobParams,
          response: { 200: JobView, ...errors },
        },
      },
      async (req) => jobView(ctx.db, await getJobByKey(ctx.db, req.params.job)),
    );

    app.post(
      '/jobs/:job',
      {
        config: { access: changeJobs },
        schema: {
          tags,
          summary: 'Update a job (a new start, end, by or num_tiles re-frames its tasks)',
          params: JobParams,
          body: UpdateJobBody,
          response: { 200: JobView, ...errors },
        },
      },
      async (req) => {
        const { job } = await updateJobFromRequest(ctx, req.principal!, req.params.job, req.body);
        return jobView(ctx.db, job);
      },
    );

    app.delete(
      '/jobs/:job',
      {
        config: { access: changeJobs },
        schema: {
          tags,
          summary: 'Delete a job, its tasks and the jobs that depend on it',
          params: JobParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await deleteJobTree(ctx, req.principal!, req.params.job);
        return reply.status(204).send(null);
      },
    );

    const actions = [
      {
        path: 'rerun',
        summary: 'Rerun every finished task of the job and of the jobs depending on it',
        run: (principal: Principal, segment: string) =>
          rerunJob(ctx, principal, segment, { failedOnly: false }),
      },
      {
        path: 'rerun_failed',
        summary: 'Rerun the failed tasks of the job and of the jobs depending on it',
        run: (principal: Principal, segment: string) =>
          rerunJob(ctx, principal, segment, { failedOnly: true }),
      },
      {
        path: 'pause',
        summary: 'Pause the job (nothing more is assigned; running tasks are stopped)',
        run: (principal: Principal, segment: string) => pauseJob(ctx, principal, segment),
      },
      {
        path: 'unpause',
        summary: 'Put a paused job back in the queue',
        run: (principal: Principal, segment: string) => unpauseJob(ctx, principal, segment),
      },
    ];
    for (const action of actions) {
      app.post(
        `/jobs/:job/${action.path}`,
        {
          config: { access: changeJobs },
          schema: { tags, summary: action.summary, params: JobParams, response: { 200: JobView, ...errors } },
        },
        async (req) => jobView(ctx.db, await action.run(req.principal!, req.params.job)),
      );
    }

    app.get(
      '/jobs/:job/notified_users/',
      {
        schema: {
          tags,
          summary: 'The users notified about the job',
          params: JobParams,
          response: { 200: Type.Array(NotifiedUserView), ...errors },
        },
      },
      async (req) => {
        const job = await getJobByKey(ctx.db, req.params.job);
        return (await listNotifiedUsers(ctx.db, job.id)).map(notifiedUserView);
      },
    );

    app.post(
      '/jobs/:job/notified_users/',
      {
        config: { access: changeJobs },
        schema: {
          tags,
          summary: 'Notify a user about the job (the user must exist)',
          params: JobParams,
          body: NotifiedUserInput,
          response: { 201: NotifiedUserView, ...errors },
        },
      },
      async (req, reply) => {
        const added = await addNotifiedUser(ctx, req.principal!, req.params.job, req.body);
        return reply.status(201).send(notifiedUserView(added));
      },
    );

    app.delete(
      '/jobs/:job/notified_users/:username',
      {
        config: { access: changeJobs },
        schema: {
          tags,
          summary: 'Stop notifying a user about the job',
          params: NotifiedUserParams,
          response: { 204: Type.Null(), ...errors },
        },
      },
      async (req, reply) => {
        await deleteNotifiedUser(ctx, req.principal!, req.params.job, req.params.username);
        return reply.status(204).send(null);
      },
    );
  };
}

/**
 * Sends a list: its JSON text (rendered by the database, or serialised by the route's own serializer) as
 * it is — Fastify does not serialise a Buffer with a JSON content type; the cast only tells the schema's
 * types so — and the total of a paged list.
 */
function sendList(reply: FastifyReply, list: CachedJobList): FastifyReply {
  if (list.total !== undefined) reply.header('x-total-count', String(list.total));
  return reply.type('application/json; charset=utf-8').send(list.body as never);
}
