/**
 * `POST /api/v1/exec` (src/api/agent-exec): runs a shell command on this host for `drover exec -R agent`,
 * or forwards it to other agents when this agent is a gateway in tree mode, streaming ExecEvents as
 * NDJSON. Like every route it needs an authenticated caller; on top of that the agent must allow it
 * (`agent_remote_exec`, off by default), else 403. A caller that disconnects kills the command.
 *
 * The runner (src/exec) is loaded on first use: an agent that never runs remote commands does not pay
 * for it in memory.
 */
import { EXEC_CONTENT_TYPE, EXEC_DISABLED_MESSAGE } from '../../api/agent-exec/constants.js';
import { ExecRequest } from '../../api/agent-exec/index.js';
import { compileCheck, type CheckResult } from '../../api/agent-protocol/index.js';
import { HttpError, type RequestContext } from './request-context.js';

const checkExec = compileCheck(ExecRequest);

async function handleExec(ctx: RequestContext): Promise<void> {
  if (!ctx.control.remoteExec) throw new HttpError(403, EXEC_DISABLED_MESSAGE);
  const body = ctx.body as ExecRequest;
  const { serveExec } = await import('../../exec/agent/exec-service.js');
  const gone = new AbortController();
  ctx.res.on('close', () => {
    if (!ctx.res.writableFinished) gone.abort();
  });
  ctx.res.writeHead(200, { 'content-type': EXEC_CONTENT_TYPE, 'cache-control': 'no-store' });
  ctx.logger.info({ caller: ctx.caller, command: body.command, forward: body.forward?.nodes }, 'remote exec');
  await serveExec(body, (event) => ctx.res.write(`${JSON.stringify(event)}\n`), {
    signal: gone.signal,
    ...(ctx.req.headers.authorization ? { authorization: ctx.req.headers.authorization } : {}),
  });
  ctx.res.end();
}

/** The route, listed in routes.ts (typed there: importing its Route type here would be a cycle). */
export const execRoute = {
  method: 'POST' as const,
  pattern: /^\/api\/v1\/exec\/?$/,
  kind: 'json' as const,
  check: (b: unknown) => checkExec(b) as CheckResult<unknown>,
  handle: handleExec,
};
