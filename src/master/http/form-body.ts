/**
 * application/x-www-form-urlencoded bodies, for the routes that PyFarm's HTML forms posted to (login,
 * setup). Registered inside those routes' plugin only; every other route accepts JSON alone.
 */
import type { FastifyInstance } from 'fastify';

export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
}
