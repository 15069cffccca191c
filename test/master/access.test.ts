/**
 * Every registered route, whoever registered it, against its declared access (`config.access`):
 * anonymous callers get 401 unless the route is public (or a read with `public_read`), callers without one
 * of the route's roles get 403, and callers with one pass the gate. Path parameters name nothing that
 * exists and bodies are empty, so no request changes the fixtures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { hasRole, type Principal, type Role } from '../../src/master/http/access.js';
import { registeredRoutes, type RouteEntry } from '../../src/master/http/route-catalog.js';
import { createTestDatabase, type TestDatabase } from '../support/databases.js';
import { createTestMaster, TEST_ROLES, type TestMaster } from '../support/master.js';

const AUTHENTICATION_REQUIRED = 'authentication required';
const ROLE_REFUSED = /^this needs one of the roles/;

/** A concrete URL for a route: every parameter an id that does not exist, wildcards a harmless file name. */
function concreteUrl(route: RouteEntry): string {
  return route.url.replace(/:[A-Za-z0-9_]+/g, '999999999').replace(/\*$/, 'none.txt');
}

function isMutating(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS';
}

function errorOf(res: LightMyRequestResponse): string | undefined {
  try {
    return (res.json() as { error?: string }).error;
  } catch {
    return undefined;
  }
}

function principalWith(role: Role): Principal {
  return { userId: 0, username: role, roles: new Set([role]), tokenId: null, via: 'token' };
}

describe('access rules of every route', () => {
  const databases: TestDatabase[] = [];
  const farms: TestMaster[] = [];
  let strict: TestMaster;
  let publicRead: TestMaster;
  let routes: RouteEntry[];
  beforeAll(async () => {
    for (const config of [{ public_read: false }, { public_read: true }]) {
      const database = await createTestDatabase('sqlite');
      databases.push(database);
      farms.push(await createTestMaster(database, { config }));
    }
    [strict, publicRead] = farms as [TestMaster, TestMaster];
    await strict.master.app.ready();
    routes = registeredRoutes(strict.master.app);
  });
  afterAll(async () => {
    for (const farm of farms) await farm.close();
    for (const database of databases) await database.destroy();
  });

  it('finds the routes, and every mutating one declares its access', () => {
    expect(routes.length).toBeGreaterThan(10);
    const undeclared = routes.filter((r) => isMutating(r.method) && r.access === undefined);
    expect(undeclared.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Nothing but setup, login and logout changes anything without credentials.
    const openWrites = routes.filter((r) => isMutating(r.method) && r.access === 'public');
    for (const route of openWrites) expect(route.url).toMatch(/^(\/api\/v1)?\/(setup|login|logout)$/);
  });

  it('refuses anonymous callers unless the route is public', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const access = route.access ?? 'read';
      for (const farm of [strict, publicRead]) {
        const res = await farm.inject({
          method: route.method as 'GET',
          url: concreteUrl(route),
          as: 'anonymous',
        });
        const refused = res.statusCode === 401 && errorOf(res) === AUTHENTICATION_REQUIRED;
        const open = access === 'public' || (access === 'read' && farm === publicRead);
        if (refused === open) {
          failures.push(
            `${route.method} ${route.url} (${JSON.stringify(access)}, public_read ${farm === publicRead}) → ${res.statusCode}`,
          );
        }
        expect(res.statusCode, `${route.method} ${route.url}`).toBeLessThan(500);
      }
    }
    expect(failures).toEqual([]);
  });

  it('refuses callers without one of the route’s roles, and lets the others through the gate', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const access = route.access ?? 'read';
      for (const role of TEST_ROLES) {
        const res = await strict.inject({ method: route.method as 'GET', url: concreteUrl(route), as: role });
        const refusedByRole = res.statusCode === 403 && ROLE_REFUSED.test(errorOf(res) ?? '');
        const unauthenticated = res.statusCode === 401 && errorOf(res) === AUTHENTICATION_REQUIRED;
        const allowed = typeof access === 'string' || hasRole(principalWith(role), access.roles);
        if (unauthenticated || refusedByRole === allowed) {
          failures.push(
            `${route.method} ${route.url} (${JSON.stringify(access)}) as ${role} → ${res.statusCode}`,
          );
        }
        expect(res.statusCode, `${route.method} ${route.url} as ${role}`).toBeLessThan(500);
      }
    }
    expect(failures).toEqual([]);
  });
});
