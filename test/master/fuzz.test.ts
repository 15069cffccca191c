/**
 * No 5xx for anything a client can send: for every registered route (whoever registered it), seeded
 * fast-check sends generated path parameters, query strings and bodies — derived from the route's own
 * schemas, broken in one place, or random — with every content type and as every role, and collects any
 * answer ≥ 500. Existing ids and names are mixed in so that requests reach the handlers, not only the
 * validators. Each dialect has a time budget shared by the routes, so the file stays under a minute
 * however many routes there are; the seed makes a run reproducible up to where the budget cut it (a
 * failure prints the exact request).
 */
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/db/dialect-name.js';
import { createTaskLog, linkTaskLog } from '../../src/db/tasklogs/task-log.repository.js';
import { createTasksForFrameRange, listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { findTokenByHash } from '../../src/db/users/token.repository.js';
import { createAccountWithPassword, createApiToken } from '../../src/master/auth/auth.service.js';
import { hashSecret } from '../../src/master/auth/token-secret.js';
import type { Role } from '../../src/master/http/access.js';
import { registeredRoutes, type RouteEntry } from '../../src/master/http/route-catalog.js';
import { createTestDatabase, unavailableReason, type TestDatabase } from '../support/databases.js';
import { makeAgent, makeJob, unique } from '../support/fixtures.js';
import { createTestMaster, TEST_PASSWORD, TEST_ROLES, type TestMaster } from '../support/master.js';
import { anyJson, mutatedFromSchema, validFromSchema, type Hints } from '../support/schema-arbitrary.js';

// DROVER_FUZZ_SEED and DROVER_FUZZ_BUDGET_MS (per dialect) allow longer hunts with other seeds.
const SEED = Number(process.env.DROVER_FUZZ_SEED ?? 20_260_101);
const budgetOverride = Number(process.env.DROVER_FUZZ_BUDGET_MS ?? 0);
/** Time for all routes together, per dialect. */
const BUDGET_MS: Partial<Record<DialectName, number>> = {
  sqlite: budgetOverride || 20_000,
  postgres: budgetOverride || 14_000,
};
const RUNS_PER_ROUTE = 300;
const MIN_RUNS = 5;

type Caller = Role | 'anonymous';

interface FuzzRequest {
  caller: Caller;
  url: string;
  headers: Record<string, string>;
  payload: string | Buffer | undefined;
}

for (const dialect of Object.keys(BUDGET_MS) as DialectName[]) {
  const reason = unavailableReason(dialect);
  const suite = reason === undefined ? describe : describe.skip;
  suite(`${dialect}${reason ? ` (${reason})` : ''}`, () => {
    let database: TestDatabase;
    let farm: TestMaster;
    let hints: Hints;
    const tokens = new Map<Caller, string>();

    beforeAll(async () => {
      database = await createTestDatabase(dialect);
      farm = await createTestMaster(database);
      for (const role of TEST_ROLES) tokens.set(role, farm.tokens[role]);
      hints = await seedFarm(farm);
    });
    afterAll(async () => {
      await farm?.close();
      await database?.destroy();
    });

    it(
      'answers every generated request with a status below 500',
      async () => {
        await farm.master.app.ready();
        const routes = registeredRoutes(farm.master.app);
        const budgetEnd = performance.now() + BUDGET_MS[dialect]!;
        const failures: string[] = [];
        let sent = 0;
        for (const [index, route] of routes.entries()) {
          // What is left of the budget, shared by the routes still to fuzz (a slow route borrows from
          // the rest); every route gets at least MIN_RUNS requests whatever the clock says.
          const deadline = performance.now() + (budgetEnd - performance.now()) / (routes.length - index);
          let runs = 0;
          let failuresOfRoute = 0;
          await fc.assert(
            fc.asyncProperty(requestFor(route, hints), async (request) => {
              if (runs >= MIN_RUNS && performance.now() > deadline) return;
              runs += 1;
              const res = await send(farm, tokens, route.method, request);
              sent += 1;
              if (res.statusCode >= 500 && failuresOfRoute++ < 3)
                failures.push(describeFailure(route, request, res));
            }),
            { seed: SEED + index, numRuns: RUNS_PER_ROUTE },
          );
          await restoreCredentials(farm, tokens);
        }
        console.log(`fuzz ${dialect}: ${sent} requests over ${routes.length} routes`);
        if (failures.length > 0) console.log(`5xx answers:\n${failures.join('\n')}`);
        expect(failures).toEqual([]);
        expect((await farm.master.app.inject({ url: '/api/v1/health' })).statusCode).toBe(200);
      },
      BUDGET_MS[dialect]! + 30_000,
    );
  });
}

/** A job with tasks, an agent of the agent token, a task log: things for the generated ids to hit. */
async function seedFarm(farm: TestMaster): Promise<Hints> {
  const db = farm.master.context.db;
  const agentToken = await findTokenByHash(db, hashSecret(farm.tokens.agent));
  const agent = await makeAgent(db, { tokenId: agentToken!.id });
  const job = await makeJob(db);
  await createTasksForFrameRange(db, job.id, { start: 1, end: 3 });
  const tasks = await listTasks(db, { jobId: job.id });
  await updateTask(db, tasks[0]!.id, { agentId: agent.id });
  const identifier = `${unique('fuzz')}.csv`;
  const log = await createTaskLog(db, { identifier, agentId: agent.id });
  await linkTaskLog(db, { taskLogId: log.id, taskId: tasks[0]!.id, attempt: 1 });
  return {
    strings: [
      job.title,
      identifier,
      agent.id,
      agent.hostname,
      ...TEST_ROLES.map((role) => `${role}-user`),
      'admin',
      'done',
      'running',
      'queued',
    ],
    numbers: [job.id, ...tasks.map((t) => t.id), 0, 1, 2, ...Object.values(farm.users).map((u) => u.id)],
  };
}

const pathValues = [
  '1',
  '0',
  '-1',
  '999999999',
  '99999999999999999999999',
  '1e309',
  '1.5',
  'NaN',
  '..',
  '.',
  '%2e%2e',
  '..%2F..%2Fetc',
  'a%2Fb',
  '%00',
  '%C3%BC%E6%97%A5%F0%9F%98%80',
  '%20',
  'x'.repeat(1100),
  '00000000-0000-0000-0000-000000000000',
  '%ZZ',
];

function requestFor(route: RouteEntry, hints: Hints): fc.Arbitrary<FuzzRequest> {
  const schema = (route.schema ?? {}) as Record<string, unknown>;
  const names = [...route.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
  const paramSchemas = ((schema.params as Record<string, unknown> | undefined)?.properties ?? {}) as Record<
    string,
    unknown
  >;
  const segment = (name: string) =>
    fc.oneof(
      {
        weight: 4,
        arbitrary: validFromSchema(paramSchemas[name], hints).map((v) => encodeURIComponent(String(v))),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(...hints.strings, ...hints.numbers.map(String)).map(encodeURIComponent),
      },
      { weight: 2, arbitrary: fc.constantFrom(...pathValues) },
      { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(encodeURIComponent) },
    );
  const params = fc.tuple(
    ...names.map(segment),
    route.url.endsWith('*') ? fc.constantFrom('', 'a.js', '../x', 'index.html') : fc.constant(''),
  );
  const query = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 4, arbitrary: validFromSchema(schema.querystring ?? { type: 'object' }, hints).map(toQuery) },
    { weight: 2, arbitrary: mutatedFromSchema(schema.querystring, hints).map(toQuery) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('?a=%', '?%zz=1', '?page=-1&per_page=1e9', '?x=1&x=2', '?=', '?min_ram=abc'),
    },
  );
  const mutating = route.method !== 'GET' && route.method !== 'DELETE';
  const json = (value: unknown) => ({
    contentType: 'application/json',
    payload: JSON.stringify(value) as string | Buffer | undefined,
  });
  const body = fc.oneof(
    {
      weight: mutating ? 1 : 6,
      arbitrary: fc.constant({
        contentType: undefined as string | undefined,
        payload: undefined as string | Buffer | undefined,
      }),
    },
    { weight: mutating ? 5 : 0, arbitrary: validFromSchema(schema.body, hints).map(json) },
    { weight: mutating ? 4 : 0, arbitrary: mutatedFromSchema(schema.body, hints).map(json) },
    { weight: 2, arbitrary: anyJson().map(json) },
    {
      weight: 1,
      arbitrary: fc.record({
        contentType: fc.constantFrom(
          'application/json',
          'application/json; charset=latin1',
          'text/csv',
          'text/plain',
          'application/x-www-form-urlencoded',
          'application/zip',
          'multipart/form-data; boundary=x',
          'invalid content type',
        ),
        payload: fc.oneof(
          fc.string({ maxLength: 60 }),
          fc.constantFrom('{', '{"a":', '[1,2', 'null', '', '\u0000', 'username=a&password=b'),
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        ),
      }),
    },
  );
  return fc
    .record({
      caller: fc.constantFrom<Caller>('admin', 'admin', 'admin', 'wrangler', 'artist', 'agent', 'anonymous'),
      params,
      query,
      body,
    })
    .map(({ caller, params: values, query: q, body: b }) => {
      let i = 0;
      const path = route.url
        .replace(/:[A-Za-z0-9_]+/g, () => String(values[i++]))
        .replace(/\*$/, String(values[values.length - 1]));
      const headers: Record<string, string> = {};
      if (b.contentType !== undefined) headers['content-type'] = b.contentType;
      return { caller, url: `${path}${q}`, headers, payload: b.payload };
    });
}

function toQuery(value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return '';
  const search = new URLSearchParams();
  for (const [key, v] of Object.entries(value)) {
    for (const item of Array.isArray(v) ? v : [v]) {
      search.append(key, typeof item === 'object' && item !== null ? JSON.stringify(item) : String(item));
    }
  }
  const text = search.toString();
  return text === '' ? '' : `?${text}`;
}

async function send(
  farm: TestMaster,
  tokens: Map<Caller, string>,
  method: string,
  request: FuzzRequest,
): Promise<LightMyRequestResponse> {
  const headers = { ...request.headers };
  const token = tokens.get(request.caller);
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return farm.master.app.inject({
    method: method as 'GET',
    url: request.url,
    headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {}),
  });
}

function describeFailure(route: RouteEntry, request: FuzzRequest, res: LightMyRequestResponse): string {
  const payload =
    request.payload === undefined ? '' : ` body ${JSON.stringify(String(request.payload).slice(0, 300))}`;
  return (
    `${route.method} ${route.url}: ${res.statusCode} ${res.body.slice(0, 200)} ← ${request.caller} ` +
    `${route.method} ${request.url.slice(0, 300)} ${JSON.stringify(request.headers)}${payload}`
  );
}

/**
 * Admin requests may delete or demote the test users or revoke their tokens; each role gets a fresh user
 * and token when its own no longer works, so that later routes are still fuzzed past authentication.
 */
async function restoreCredentials(farm: TestMaster, tokens: Map<Caller, string>): Promise<void> {
  farm.master.authenticator.forget();
  for (const role of TEST_ROLES) {
    const res = await farm.master.app.inject({
      url: '/api/v1/me',
      headers: { authorization: `Bearer ${tokens.get(role)}` },
    });
    if (res.statusCode === 200 && (res.json() as { roles: string[] }).roles.includes(role)) continue;
    const username = unique(`fuzz-${role}`);
    await createAccountWithPassword(farm.master.context, {
      username,
      password: TEST_PASSWORD,
      roles: [role],
    });
    const issued = await createApiToken(farm.master.context, {
      username,
      name: 'fuzz',
      kind: role === 'agent' ? 'agent' : 'api',
    });
    tokens.set(role, issued.token);
  }
}
