/**
 * The routes an app registered, recorded by its onRoute hook. Fastify offers no route listing besides
 * `printRoutes()` text; the access and fuzz tests enumerate this catalog, and the OpenAPI test checks that
 * every visible route is documented.
 *
 * Entries are read lazily from Fastify's route options objects, because a plugin's own onRoute hook
 * (running after the app's) may still change them, e.g. hide an alias from the documentation.
 */
import type { FastifySchema, RouteOptions } from 'fastify';
import type { Access } from './access.js';

export interface RouteEntry {
  readonly method: string;
  /** The full path with its prefix, Fastify syntax: `/api/v1/jobs/:job`. */
  readonly url: string;
  /** The declared access; undefined means the default (`read`). */
  readonly access: Access | undefined;
  readonly schema: FastifySchema | undefined;
  /** Left out of the OpenAPI document (aliases, the document itself, the docs UI's assets). */
  readonly hidden: boolean;
}

const catalogs = new WeakMap<object, RouteOptions[]>();

/** Starts recording the routes of `app` (call before anything registers routes). */
export function startRouteCatalog(app: object): (route: RouteOptions) => void {
  const routes: RouteOptions[] = [];
  catalogs.set(app, routes);
  return (route) => {
    routes.push(route);
  };
}

/** Every method/path pair the app serves, in registration order (HEAD twins of GET routes left out). */
export function registeredRoutes(app: object): RouteEntry[] {
  const routes = catalogs.get(app);
  if (!routes) throw new Error('this app does not record its routes');
  const entries: RouteEntry[] = [];
  for (const route of routes) {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method === 'HEAD') continue;
      const schema = route.schema as (FastifySchema & { hide?: boolean }) | undefined;
      entries.push({
        method,
        url: route.url,
        access: route.config?.access,
        schema,
        hidden: schema?.hide === true,
      });
    }
  }
  return entries;
}
