/**
 * `GET /api/v1/session`: what the web UI needs before it draws anything — the farm's name, whether the first
 * admin still has to be created, and who the caller is (null when not logged in). It is public and answers
 * 200 either way, so opening the UI logged out does not fill the browser console with a 401.
 */
import Type from 'typebox';
import { DroverError } from '../../core/errors.js';
import { MeView } from '../../api/schemas/auth.js';
import { Nullable } from '../../api/schemas/common.js';
import { setupRequired } from '../auth/auth.service.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { MasterContext } from '../context.js';
import type { MasterApp } from '../http/app.js';

export const UiSession = Type.Object({
  farm_name: Nullable(Type.String()),
  public_read: Type.Boolean(),
  setup_required: Type.Boolean(),
  user: Nullable(MeView),
});

export function uiSessionRoutes(ctx: MasterContext, authenticator: Authenticator) {
  return (app: MasterApp) => {
    app.get(
      '/session',
      {
        config: { access: 'public' },
        schema: {
          tags: ['auth'],
          summary: 'The farm and the caller, for the web UI (user null when not logged in)',
          response: { 200: UiSession },
        },
      },
      async (request) => {
        let principal;
        try {
          principal = await authenticator.authenticate(request);
        } catch (err) {
          // An ended session or a revoked token is "not logged in" here, not an error.
          if (!(err instanceof DroverError)) throw err;
        }
        return {
          farm_name: ctx.config.farm_name,
          public_read: ctx.config.public_read,
          setup_required: await setupRequired(ctx),
          user: principal
            ? {
                id: principal.userId,
                username: principal.username,
                roles: [...principal.roles],
                via: principal.via,
              }
            : null,
        };
      },
    );
  };
}
