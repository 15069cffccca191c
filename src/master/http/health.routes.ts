import Type from 'typebox';
import type { MasterApp } from './app.js';

/** GET /api/v1/health: liveness for load balancers, `drover up` and agents waiting for the master. */
export function healthRoutes(version: string) {
  return (app: MasterApp) => {
    app.get(
      '/health',
      {
        config: { access: 'public' },
        schema: {
          tags: ['operations'],
          summary: 'Liveness',
          response: { 200: Type.Object({ status: Type.Literal('ok'), version: Type.String() }) },
        },
      },
      async () => ({ status: 'ok' as const, version }),
    );
  };
}
