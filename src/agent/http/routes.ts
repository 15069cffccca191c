/**
 * The routes of the agent's API (spec §5 table). Each route names its method, path pattern, what it
 * answers (JSON, CSV or an HTML page), its body schema, and whether a master call to it counts as
 * "contact" for the re-announce timer (/assign, /tasks, /versions, /config and /task_logs do; /status
 * does not).
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import {
  CheckSoftwareRequestSchema,
  compileCheck,
  RestartRequestSchema,
  StopRequestSchema,
  UpdateRequestSchema,
  type CheckResult,
  type CheckSoftwareRequest,
  type RestartRequest,
  type StopRequest,
  type UpdateRequest,
} from '../../api/agent-protocol/index.js';
import { execRoute } from './exec-route.js';
import { HttpError, type RequestContext } from './request-context.js';
import { configPage, statusPage } from './status-page.js';
import { streamTaskLog } from './task-log-stream.js';

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  kind: 'json' | 'csv' | 'html';
  masterContact?: boolean;
  check?: (body: unknown) => CheckResult<unknown>;
  handle(ctx: RequestContext): void | Promise<void>;
}

const checkStop = compileCheck(StopRequestSchema);
const checkRestart = compileCheck(RestartRequestSchema);
const checkUpdate = compileCheck(UpdateRequestSchema);
const checkSoftware = compileCheck(CheckSoftwareRequestSchema);

const STATIC_TYPES: Record<string, string> = {
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.html': 'text/html; charset=utf-8',
};

export const apiRoutes: readonly Route[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v1\/versions\/?$/,
    kind: 'json',
    masterContact: true,
    handle: (ctx) => ctx.json(200, { versions: [1] }),
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/status\/?$/,
    kind: 'json',
    handle: (ctx) => ctx.json(200, ctx.control.status()),
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/config\/?$/,
    kind: 'json',
    masterContact: true,
    handle: (ctx) => ctx.json(200, ctx.control.config()),
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/tasks\/?$/,
    kind: 'json',
    masterContact: true,
    handle: (ctx) => ctx.json(200, ctx.control.tasks()),
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/tasks\/?$/,
    kind: 'json',
    handle: (ctx) => ctx.json(400, { error: 'a task id is required: DELETE /api/v1/tasks/<id>' }),
  },
  {
    method: 'DELETE',
    pattern: /^\/api\/v1\/tasks\/([^/]+)\/?$/,
    kind: 'json',
    masterContact: true,
    handle: (ctx) => {
      const raw = ctx.params[0] ?? '';
      if (!/^\d+$/.test(raw))
        return ctx.json(400, { error: `task id must be an integer, not ${JSON.stringify(raw)}` });
      const answer = ctx.control.deleteTask(Number(raw));
      ctx.json(answer.status, answer.body);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/assign\/?$/,
    kind: 'json',
    masterContact: true,
    handle: async (ctx) => {
      if (ctx.body === undefined)
        return ctx.json(400, {
          error: 'Failed to validate the request data against the schema: the body is empty',
        });
      const answer = await ctx.control.assign(ctx.body);
      ctx.json(answer.status, answer.body);
    },
  },
  {
    method: 'GET',
    pattern: /^\/api\/v1\/task_logs\/(.*)$/,
    kind: 'csv',
    masterContact: true,
    handle: (ctx) => {
      const id = ctx.params[0] ?? '';
      if (id.length === 0 || id.length > 255 || /[/\\]/.test(id) || id === '.' || id === '..') {
        throw new HttpError(400, 'invalid log identifier');
      }
      const log = ctx.control.findTaskLog(id);
      if (!log) throw new HttpError(404, `no task log ${JSON.stringify(id)} on this agent`);
      const follow = ['1', 'true', 'yes'].includes((ctx.url.searchParams.get('follow') ?? '').toLowerCase());
      streamTaskLog(ctx.req, ctx.res, log, follow);
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/stop\/?$/,
    kind: 'json',
    check: (b) => checkStop(b) as CheckResult<unknown>,
    handle: async (ctx) => {
      const { wait } = ctx.body as StopRequest;
      if (wait) {
        await ctx.control.stop({ wait: true });
        ctx.json(200, { state: 'stopped' });
      } else {
        ctx.json(202, { state: 'stopping' });
        void ctx.control.stop({ wait: false });
      }
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/restart\/?$/,
    kind: 'json',
    check: (b) => checkRestart(b) as CheckResult<unknown>,
    handle: (ctx) => {
      ctx.json(202, {});
      ctx.control.restart({ immediately: Boolean((ctx.body as RestartRequest).immediately) });
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/update\/?$/,
    kind: 'json',
    check: (b) => checkUpdate(b) as CheckResult<unknown>,
    handle: (ctx) => {
      ctx.control.update((ctx.body as UpdateRequest).version);
      ctx.json(202, {});
    },
  },
  {
    method: 'POST',
    pattern: /^\/api\/v1\/check_software\/?$/,
    kind: 'json',
    check: (b) => checkSoftware(b) as CheckResult<unknown>,
    handle: (ctx) => {
      ctx.control.checkSoftware(ctx.body as CheckSoftwareRequest);
      ctx.json(202, {});
    },
  },
  {
    method: 'GET',
    pattern: /^\/$/,
    kind: 'html',
    handle: (ctx) => ctx.html(200, statusPage(ctx.control.status(), ctx.control.tasks())),
  },
  {
    method: 'GET',
    pattern: /^\/configuration\/?$/,
    kind: 'html',
    handle: (ctx) => ctx.html(200, configPage(ctx.control.config())),
  },
  {
    method: 'GET',
    pattern: /^\/static\/(.+)$/,
    kind: 'html',
    handle: (ctx) => {
      const root = ctx.control.staticFiles;
      if (!root) throw new HttpError(404, 'no static files are served');
      const file = normalize(join(root, ctx.params[0] ?? ''));
      // Never outside the root, never a directory listing.
      if (!file.startsWith(normalize(root) + sep)) throw new HttpError(404, 'not found');
      let size: number;
      try {
        const stat = statSync(file);
        if (!stat.isFile()) throw new Error('not a file');
        size = stat.size;
      } catch {
        throw new HttpError(404, 'not found');
      }
      ctx.res.writeHead(200, {
        'content-type': STATIC_TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': String(size),
        'cache-control': 'max-age=604800',
      });
      createReadStream(file).pipe(ctx.res);
    },
  },
  execRoute,
];
