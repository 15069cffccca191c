/**
 * GET /metrics: the Prometheus text exposition. Who may read it is `metrics_access` (drover.yml):
 * `token` (default) any authenticated caller whatever `public_read` says, because the figures describe the
 * farm; `loopback` anyone on the master's own host (a local Prometheus without credentials) and token holders
 * elsewhere; `public` anyone.
 */
import { isIP } from 'node:net';
import Type from 'typebox';
import { UnauthenticatedError } from '../../core/errors.js';
import type { MasterContext } from '../context.js';
import { ROLES, type Access } from '../http/access.js';
import type { Authenticator, MasterApp } from '../http/app.js';
import type { MasterMetrics } from './master-metrics.js';

export function metricsRoutes(ctx: MasterContext, metrics: MasterMetrics, authenticate: Authenticator) {
  const mode = ctx.config.metrics_access;
  const access: Access = mode === 'token' ? { roles: ROLES } : 'public';
  return (app: MasterApp) => {
    app.get(
      '/metrics',
      {
        config: { access },
        schema: {
          tags: ['operations'],
          summary: `Prometheus metrics (metrics_access: ${mode})`,
          produces: ['text/plain'],
          response: {
            200: {
              description: 'Prometheus text format 0.0.4',
              content: { 'text/plain': { schema: Type.String() } },
            },
          },
        },
        onRequest:
          mode === 'loopback'
            ? async (request) => {
                if (isLoopback(request.socket.remoteAddress) && !forwarded(request.headers)) return;
                request.principal = await authenticate(request);
                if (!request.principal) throw new UnauthenticatedError('authentication required');
              }
            : [],
      },
      async (_request, reply) => {
        const { contentType, body } = await metrics.render();
        return reply.type(contentType).send(body);
      },
    );
  };
}

/**
 * A request relayed by a proxy on the master's host arrives from loopback too; proxies say so in these
 * headers, and such a request is not a local client.
 */
function forwarded(headers: Record<string, string | string[] | undefined>): boolean {
  return headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
}

/** The connection's own address (never X-Forwarded-For, which the client chooses). */
function isLoopback(address: string | undefined): boolean {
  if (address === undefined || isIP(address) === 0) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\./.test(v4);
}
