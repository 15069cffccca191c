/**
 * The master's Fastify application: content-type rules, validation, error translation, authentication,
 * request logging with ids, the OpenAPI document and the routes. It does not listen; `drover master`
 * (and the tests, through `inject`) decide what to do with it.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { UnauthenticatedError, ForbiddenError } from '../../core/errors.js';
import type { Logger } from '../../core/logging.js';
import { hasRole, type Access, type Principal } from './access.js';
import { errorReply } from './error-response.js';
import { startRouteCatalog } from './route-catalog.js';
import { validatorCompiler } from './validation.js';

export type MasterApp = FastifyInstance<Server, IncomingMessage, ServerResponse, Logger, TypeBoxTypeProvider>;

/** Resolves the caller of a request from its credentials; undefined when it presents none. */
export type Authenticator = (request: FastifyRequest) => Promise<Principal | undefined>;

export interface HttpAppOptions {
  logger: Logger;
  authenticate: Authenticator;
  /** Read routes need no credentials (`public_read`). */
  publicRead: boolean;
  /** Each registers its routes; called inside the /api/v1 prefix. */
  apiRoutes: readonly ((app: MasterApp) => void | Promise<void>)[];
  /** Routes outside /api/v1 (the web UI, /metrics, /setup, /login). */
  rootRoutes?: readonly ((app: MasterApp) => void | Promise<void>)[];
  version: string;
  /** Told about every answered request (the metrics). */
  observeRequest?: (observation: RequestObservation) => void;
  bodyLimit?: number;
  trustProxy?: boolean;
}

export interface RequestObservation {
  method: string;
  /** The route template (`/api/v1/jobs/:job`), or undefined when no route matched. */
  route: string | undefined;
  status: number;
  seconds: number;
}

export const API_PREFIX = '/api/v1';

export async function buildHttpApp(options: HttpAppOptions): Promise<MasterApp> {
  const app = Fastify({
    loggerInstance: options.logger,
    // One line per request is written by the onResponse hook below, with the caller and the duration.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1024 },
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
    trustProxy: options.trustProxy ?? false,
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as MasterApp;

  app.setValidatorCompiler(validatorCompiler());
  // Only JSON is parsed by default: any other media type with a body is a 415 (PyFarm did the same). Routes
  // that take CSV logs or zip files register their own parsers.
  app.removeContentTypeParser('text/plain');
  app.decorateRequest('principal', undefined);

  const recordRoute = startRouteCatalog(app);
  // Secure by default: a route that changes state must say who may call it.
  app.addHook('onRoute', (route) => {
    recordRoute(route);
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const mutating = methods.some((m) => m !== 'GET' && m !== 'HEAD' && m !== 'OPTIONS');
    if (mutating && !route.config?.access) {
      throw new Error(`route ${methods.join(',')} ${route.url} declares no access rule`);
    }
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    const access: Access = request.routeOptions.config?.access ?? 'read';
    if (access === 'public') return;
    request.principal = await options.authenticate(request);
    if (access === 'read') {
      if (!request.principal && !options.publicRead)
        throw new UnauthenticatedError('authentication required');
      return;
    }
    if (!request.principal) throw new UnauthenticatedError('authentication required');
    if (!hasRole(request.principal, access.roles)) {
      throw new ForbiddenError(`this needs one of the roles: ${['admin', ...access.roles].join(', ')}`);
    }
  });

  app.addHook('onResponse', async (request, reply) => {
    options.observeRequest?.({
      method: request.method,
      route: request.is404 ? undefined : request.routeOptions.url,
      status: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
    request.log.info(
      {
        method: request.method,
        url: request.url,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime * 100) / 100,
        user: request.principal?.username,
      },
      'request',
    );
  });

  app.setErrorHandler(async (err, request, reply) => {
    const { status, body } = errorReply(err);
    if (status >= 500) request.log.error({ err, reqId: request.id }, 'request failed');
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="drover"');
    return reply.status(status).send(body);
  });

  app.setNotFoundHandler(async (request, reply) =>
    reply.status(404).send({ error: `no such route: ${request.method} ${request.url.split('?')[0]}` }),
  );

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Drover REST API',
        version: options.version,
        description:
          'The REST API of the Drover master: the PyFarm v1 API (same paths, payloads and status codes) ' +
          'plus authentication, tokens and the scheduler explanations.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'drover_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
  });
  // The API documentation is public, like the OpenAPI document it shows.
  await app.register(async (docs) => {
    docs.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), access: 'public' };
    });
    await docs.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  });

  await app.register(
    async (api) => {
      const typed = api as unknown as MasterApp;
      typed.get('/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () =>
        app.swagger(),
      );
      for (const register of options.apiRoutes) await register(typed);
    },
    { prefix: API_PREFIX },
  );
  for (const register of options.rootRoutes ?? []) await register(app);
  return app;
}
