/**
 * Live updates for browsers (Server-Sent Events, read access):
 * - `GET /api/v1/events`: every farm event, coalesced (see farm-event-feed.ts);
 * - `GET /api/v1/task_logs/<identifier>/stream`: a task log from its first line, then each line as the
 *   agent writes it, ending when the log is closed; a finished log comes from the master's store.
 * Open streams are ended when the master shuts down.
 */
import { NotFoundError } from '../../core/errors.js';
import { findAgent } from '../../db/agents/agent.repository.js';
import { findTaskLog } from '../../db/tasklogs/task-log.repository.js';
import { masterUserAgent } from '../../api/agent-protocol/user-agent.js';
import type { FastifyRequest } from 'fastify';
import { ErrorResponse, errors } from '../../api/schemas/common.js';
import {
  eventStream,
  FarmEventMessage,
  TaskLogStreamMessage,
  TaskLogStreamParams,
} from '../../api/schemas/live.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';
import { feedFarmEvents } from './farm-event-feed.js';
import { SseStreams } from './sse-stream.js';
import { followTaskLog } from './task-log-follower.js';

const tags = ['live'];

/**
 * An SSE route answers only clients that ask for an event stream (EventSource always does). Anything else
 * gets a 406 instead of a response that never ends — a script or a test that forgot the header would hang.
 */
function acceptsEventStream(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('text/event-stream');
}

const NOT_ACCEPTABLE = { error: 'this route streams Server-Sent Events: send Accept: text/event-stream' };

export function liveRoutes(ctx: MasterContext) {
  return (app: MasterApp) => {
    const streams = new SseStreams();
    app.addHook('preClose', async () => streams.closeAll());

    app.get(
      '/events',
      {
        schema: {
          tags,
          summary: 'Farm events as Server-Sent Events (job, task, agent and queue changes)',
          response: {
            200: eventStream(FarmEventMessage, 'one JSON event per message'),
            ...errors,
            406: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        if (!acceptsEventStream(request)) return reply.status(406).send(NOT_ACCEPTABLE);
        feedFarmEvents(ctx.events, streams.start(request, reply));
      },
    );

    app.get(
      '/task_logs/:identifier/stream',
      {
        schema: {
          tags,
          summary: 'Follow a task log as Server-Sent Events (live from the agent, or stored)',
          params: TaskLogStreamParams,
          response: {
            200: eventStream(TaskLogStreamMessage, 'batches of log lines, then end'),
            ...errors,
            406: ErrorResponse,
          },
        },
      },
      async (request, reply) => {
        const { identifier } = request.params;
        const taskLog = await findTaskLog(ctx.db, identifier);
        if (!taskLog) throw new NotFoundError('task log', identifier);
        if (!acceptsEventStream(request)) return reply.status(406).send(NOT_ACCEPTABLE);
        const agent = taskLog.agentId === null ? undefined : await findAgent(ctx.db, taskLog.agentId);
        const stream = streams.start(request, reply);
        await followTaskLog(
          {
            identifier: taskLog.identifier,
            tasklogsDir: ctx.config.tasklogs_dir,
            agentUrlTemplate: ctx.config.agent_api_url_template,
            agent,
            userAgent: masterUserAgent(ctx.version),
            log: ctx.log,
          },
          stream,
        );
      },
    );
  };
}
