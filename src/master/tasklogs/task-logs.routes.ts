/**
 * `/jobs/<job>/tasks/<task>/attempts/<attempt>/logs/...`: registering task logs, their metadata, and the
 * log files (text/csv; gzipped at rest under `tasklogs_dir`). Reads are open to every reader; writes to
 * wranglers and agents (agents for their own tasks and logs only, see the service).
 */
import type { FastifyReply } from 'fastify';
import Type from 'typebox';
import {
  RegisterTaskLogBody,
  TaskAttemptParams,
  TaskLogListItem,
  TaskLogParams,
  TaskLogView,
  UpdateTaskLogBody,
} from '../../api/schemas/task-logs.js';
import { ErrorResponse, errors } from '../../api/schemas/common.js';
import { createGunzip } from 'node:zlib';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { idOrName } from '../http/id-or-name.js';
import { configuredTaskLogStore, TaskLogTooLargeError, type TaskLogStore } from './task-log-store.js';
import {
  getLogOfAttempt,
  listLogsOfAttempt,
  locateLogFile,
  registerTaskLog,
  updateTaskLog,
  uploadLogFile,
  type TaskAttempt,
} from './task-logs.service.js';
import { taskLogListItem, taskLogView } from './task-log.view.js';
import { Readable } from 'node:stream';

const tags = ['task logs'];
const writers = { access: { roles: ['wrangler', 'agent'] } } as const;
const LOGS = '/jobs/:job/tasks/:task/attempts/:attempt/logs';

const CsvBody = {
  content: { 'text/csv': { schema: { description: 'CSV rows: time, pid, stream, line number, message' } } },
};

export function taskLogRoutes(ctx: MasterContext, store = configuredTaskLogStore(ctx.config)) {
  return async (app: MasterApp) => {
    registerRoutes(app, ctx, store);
    await app.register(async (scope) => {
      // The upload route takes CSV alone (anything else is a 415), streamed to the store unparsed.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
      registerUploadRoute(scope as unknown as MasterApp, ctx, store);
    });
  };
}

function registerRoutes(app: MasterApp, ctx: MasterContext, store: TaskLogStore): void {
  app.get(
    `${LOGS}/`,
    {
      schema: {
        tags,
        summary: 'The logs of a task attempt',
        params: TaskAttemptParams,
        response: { 200: Type.Array(TaskLogListItem), ...errors },
      },
    },
    async (req) => (await listLogsOfAttempt(ctx, attemptOf(req.params))).map(taskLogListItem),
  );

  app.post(
    `${LOGS}/`,
    {
      config: writers,
      schema: {
        tags,
        summary: 'Register a log for a task attempt (one log may serve several tasks)',
        params: TaskAttemptParams,
        body: RegisterTaskLogBody,
        response: { 201: TaskLogView, ...errors },
      },
    },
    async (req, reply) => {
      const log = await registerTaskLog(ctx, req.principal!, attemptOf(req.params), req.body);
      return reply.status(201).send(taskLogView(log));
    },
  );

  app.get(
    `${LOGS}/:log`,
    {
      schema: {
        tags,
        summary: 'A log of a task attempt',
        params: TaskLogParams,
        response: { 200: TaskLogView, ...errors },
      },
    },
    async (req) => taskLogView((await getLogOfAttempt(ctx.db, attemptOf(req.params), req.params.log)).log),
  );

  app.post(
    `${LOGS}/:log`,
    {
      config: writers,
      schema: {
        tags,
        summary: 'Record the state the attempt reached, or change the log’s agent',
        params: TaskLogParams,
        body: UpdateTaskLogBody,
        response: { 200: TaskLogView, ...errors },
      },
    },
    async (req) =>
      taskLogView(await updateTaskLog(ctx, req.principal!, attemptOf(req.params), req.params.log, req.body)),
  );

  app.get(
    `${LOGS}/:log/logfile`,
    {
      schema: {
        tags,
        summary: 'The log file (CSV), or a redirect to the agent that still holds it',
        params: TaskLogParams,
        produces: ['text/csv'],
        response: {
          200: { description: 'the log file', content: { 'text/csv': { schema: Type.String() } } },
          307: { description: 'the log is still on its agent: follow Location', type: 'null' },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const location = await locateLogFile(ctx, store, attemptOf(req.params), req.params.log);
      if (location.kind === 'agent') return reply.redirect(location.url, 307);
      if (location.kind === 'missing') {
        return reply.status(404).send({ error: `log ${JSON.stringify(req.params.log)} ${location.reason}` });
      }
      const { stored } = location;
      // Streams are sent as they are; the typed reply only knows the JSON shapes.
      const raw = reply as unknown as FastifyReply;
      raw.type('text/csv; charset=utf-8').header('vary', 'accept-encoding');
      if (stored.encoding === 'identity')
        return raw.header('content-length', stored.size).send(stored.stream);
      if (acceptsGzip(req.headers['accept-encoding'])) {
        return raw
          .header('content-encoding', 'gzip')
          .header('content-length', stored.size)
          .send(stored.stream);
      }
      return raw.send(stored.stream.pipe(createGunzip()));
    },
  );
}

function registerUploadRoute(app: MasterApp, ctx: MasterContext, store: TaskLogStore): void {
  app.put(
    `${LOGS}/:log/logfile`,
    {
      config: writers,
      schema: {
        tags,
        summary: 'Upload the log file (text/csv); it replaces an earlier upload',
        params: TaskLogParams,
        consumes: ['text/csv'],
        body: CsvBody,
        response: { 201: { description: 'stored', type: 'null' }, 413: ErrorResponse, ...errors },
      },
    },
    async (req, reply) => {
      const declared = Number(req.headers['content-length']);
      if (Number.isFinite(declared) && declared > store.maxBytes)
        throw new TaskLogTooLargeError(store.maxBytes);
      // No Content-Type (or no body at all) reaches the handler without a parsed body.
      if (!(req.body instanceof Readable)) {
        return reply.status(415).send({ error: 'the log file must be sent as text/csv' });
      }
      await uploadLogFile(ctx, store, req.principal!, attemptOf(req.params), req.params.log, req.body);
      return reply.status(201).send(null);
    },
  );
}

function attemptOf(params: { job: string; task: number; attempt: number }): TaskAttempt {
  return { job: idOrName(params.job), task: params.task, attempt: params.attempt };
}

/** Whether an Accept-Encoding header admits gzip (a `q=0` refuses it). */
export function acceptsGzip(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').some((part) => {
    const [coding = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (coding !== 'gzip' && coding !== '*') return false;
    const q = params.find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
