/**
 * No 5xx for anything a client can send to the job type, software, queue and group routes: generated
 * bodies (known keys with values of any JSON type, unknown keys, near-valid entries) and path segments
 * (names, huge numbers, odd characters) on every database.
 */
import fc from 'fast-check';
import { beforeAll, expect, it } from 'vitest';
import { forEachDialectMaster, type TestMaster } from '../support/master.js';

const NAMES = [
  'FuzzType',
  'FuzzSoft',
  'fuzzq',
  '1',
  '0',
  '999999999999999',
  '9007199254740991',
  '99999999999999999999',
  'schema',
  'a b',
  'ü',
  '%',
  '..',
];

const segment = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NAMES, 'FuzzNew', '1.0', '2.0', '2') },
  fc.string({ minLength: 1, maxLength: 30 }),
  fc.bigInt({ min: 0n, max: 10n ** 30n }).map(String),
);

const scalar = fc.oneof(
  fc.string({ maxLength: 70 }),
  fc.constantFrom('', 'FuzzType', 'FuzzSoft', '1.0', '2.0', 'fuzzq', 'admin-user', 'x'.repeat(300)),
  fc.integer(),
  fc.integer({ min: -1, max: 3 }),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  fc.array(scalar, { maxLength: 3 }),
  fc.array(
    fc.dictionary(
      fc.constantFrom('software', 'min_version', 'max_version', 'version', 'rank', 'default', 'zz'),
      scalar,
    ),
    {
      maxLength: 3,
    },
  ),
  fc.jsonValue({ maxDepth: 2 }),
);

const name = fc.oneof(fc.constantFrom(...NAMES, 'FuzzNew', 'q2'), fc.string({ minLength: 1, maxLength: 70 }));
const plausible: Record<string, fc.Arbitrary<unknown>> = {
  name,
  title: name,
  software: name,
  version: fc.oneof(fc.constantFrom('1.0', '2.0', '3.0'), name),
  min_version: fc.oneof(fc.constantFrom('1.0', '2.0', null), name),
  max_version: fc.oneof(fc.constantFrom('1.0', '2.0', null), name),
  classname: fc.oneof(name, fc.constant(null)),
  code: fc.string({ maxLength: 200 }),
  description: fc.oneof(fc.string(), fc.constant(null)),
  success_subject: fc.oneof(fc.string(), fc.constant(null)),
  fail_body: fc.oneof(fc.string(), fc.constant(null)),
  discovery_code: fc.oneof(fc.string({ minLength: 1 }), fc.constant(null)),
  discovery_function_name: fc.oneof(name, fc.constant(null)),
  main_jobtype: fc.oneof(fc.constantFrom('FuzzType'), name, fc.integer({ min: 1, max: 5 })),
  user: fc.oneof(fc.constantFrom('admin-user', 'artist-user', null), name),
  max_batch: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constant(null)),
  rank: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.constant(2 ** 31)),
  priority: fc.integer({ min: -2000, max: 2000 }),
  weight: fc.integer({ min: -1, max: 100 }),
  minimum_agents: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constant(null)),
  maximum_agents: fc.oneof(fc.integer({ min: -1, max: 10 }), fc.constant(null)),
  parent_jobqueue_id: fc.oneof(fc.integer({ min: 1, max: 6 }), fc.constant(null)),
  batch_contiguous: fc.boolean(),
  no_automatic_start_time: fc.boolean(),
  supports_tiling: fc.boolean(),
  default: fc.boolean(),
};
plausible.software_requirements = fc.array(
  fc.record(
    {
      software: plausible.software!,
      min_version: plausible.min_version!,
      max_version: plausible.max_version!,
    },
    { requiredKeys: ['software'] },
  ),
  { maxLength: 3 },
);
plausible.versions = fc.array(
  fc.record(
    { version: plausible.version!, rank: plausible.rank!, default: fc.boolean() },
    { requiredKeys: ['version'] },
  ),
  { maxLength: 4 },
);

/** Mostly near-valid bodies (known keys, plausible values), some with wrong types or unknown keys. */
function bodyOf(keys: readonly string[]) {
  const fields = Object.fromEntries(
    keys.map((k) => [k, fc.oneof({ weight: 12, arbitrary: plausible[k]! }, value)]),
  );
  return fc.oneof(
    { weight: 6, arbitrary: fc.record(fields, { requiredKeys: [] }) },
    fc.dictionary(fc.constantFrom(...keys, 'unknown_key'), value, { maxKeys: keys.length + 1 }),
    fc.jsonValue({ maxDepth: 2 }),
  );
}

const JOBTYPE_KEYS = [
  'name',
  'code',
  'description',
  'classname',
  'max_batch',
  'batch_contiguous',
  'no_automatic_start_time',
  'supports_tiling',
  'software_requirements',
  'success_subject',
  'fail_body',
];
const SOFTWARE_KEYS = ['software', 'versions'];
const VERSION_KEYS = ['version', 'rank', 'default', 'discovery_code', 'discovery_function_name'];
const QUEUE_KEYS = ['name', 'parent_jobqueue_id', 'priority', 'weight', 'minimum_agents', 'maximum_agents'];
const GROUP_KEYS = ['title', 'main_jobtype', 'user'];

interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: (s: string[]) => string;
  segments: number;
  keys?: readonly string[];
}

const ROUTES: Route[] = [
  { method: 'POST', path: () => '/jobtypes/', segments: 0, keys: JOBTYPE_KEYS },
  { method: 'GET', path: ([a]) => `/jobtypes/${a}`, segments: 1 },
  { method: 'PUT', path: ([a]) => `/jobtypes/${a}`, segments: 1, keys: JOBTYPE_KEYS },
  { method: 'POST', path: ([a]) => `/jobtypes/${a}`, segments: 1, keys: JOBTYPE_KEYS },
  { method: 'DELETE', path: ([a, b]) => `/jobtypes/${a}/versions/${b}`, segments: 2 },
  { method: 'GET', path: ([a, b]) => `/jobtypes/${a}/versions/${b}/code`, segments: 2 },
  {
    method: 'POST',
    path: ([a]) => `/jobtypes/${a}/software_requirements/`,
    segments: 1,
    keys: ['software', 'min_version', 'max_version'],
  },
  { method: 'GET', path: ([a, b]) => `/jobtypes/${a}/software_requirements/${b}`, segments: 2 },
  { method: 'DELETE', path: ([a, b]) => `/jobtypes/${a}/software_requirements/${b}`, segments: 2 },
  { method: 'POST', path: () => '/software/', segments: 0, keys: SOFTWARE_KEYS },
  { method: 'PUT', path: ([a]) => `/software/${a}`, segments: 1, keys: SOFTWARE_KEYS },
  { method: 'POST', path: ([a]) => `/software/${a}/versions/`, segments: 1, keys: VERSION_KEYS },
  { method: 'POST', path: ([a, b]) => `/software/${a}/versions/${b}`, segments: 2, keys: VERSION_KEYS },
  { method: 'GET', path: ([a, b]) => `/software/${a}/versions/${b}/discovery_code`, segments: 2 },
  { method: 'DELETE', path: ([a, b]) => `/software/${a}/versions/${b}`, segments: 2 },
  { method: 'POST', path: () => '/jobqueues/', segments: 0, keys: QUEUE_KEYS },
  { method: 'POST', path: ([a]) => `/jobqueues/${a}`, segments: 1, keys: QUEUE_KEYS },
  { method: 'GET', path: ([a]) => `/jobqueues/${a}`, segments: 1 },
  { method: 'DELETE', path: ([a]) => `/jobqueues/${a}`, segments: 1 },
  { method: 'POST', path: () => '/jobgroups/', segments: 0, keys: GROUP_KEYS },
  { method: 'POST', path: ([a]) => `/jobgroups/${a}`, segments: 1, keys: GROUP_KEYS },
  { method: 'GET', path: ([a]) => `/jobgroups/${a}/jobs`, segments: 1 },
  { method: 'DELETE', path: ([a]) => `/jobgroups/${a}`, segments: 1 },
];

async function seed(f: TestMaster): Promise<void> {
  const post = (url: string, payload: object) => f.inject({ method: 'POST', url: `/api/v1${url}`, payload });
  await post('/software/', { software: 'FuzzSoft', versions: [{ version: '1.0' }, { version: '2.0' }] });
  await post('/jobtypes/', {
    name: 'FuzzType',
    code: 'x',
    software_requirements: [{ software: 'FuzzSoft' }],
  });
  await post('/jobqueues/', { name: 'fuzzq' });
  await post('/jobgroups/', { title: 'g', main_jobtype: 'FuzzType' });
}

forEachDialectMaster((_dialect, farm) => {
  beforeAll(async () => seed(farm()));

  it('answers every generated request without a server error', async () => {
    const f = farm();
    const request = fc.integer({ min: 0, max: ROUTES.length - 1 }).chain((i) => {
      const route = ROUTES[i]!;
      return fc.record({
        route: fc.constant(route),
        segments: fc.array(segment, { minLength: route.segments, maxLength: route.segments }),
        body: route.keys ? bodyOf(route.keys) : fc.constant(undefined),
        as: fc.constantFrom(
          'admin',
          'admin',
          'admin',
          'admin',
          'admin',
          'admin',
          'wrangler',
          'artist',
        ) as fc.Arbitrary<'admin' | 'wrangler' | 'artist'>,
      });
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ route, segments, body, as }) => {
        const url = `/api/v1${route.path(segments.map(encodeURIComponent))}`;
        const res = await f.inject({
          method: route.method,
          url,
          as,
          ...(body === undefined
            ? {}
            : { payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
        });
        expect(res.statusCode, `${route.method} ${url} ${JSON.stringify(body)} → ${res.body}`).toBeLessThan(
          500,
        );
      }),
      { numRuns: 400 },
    );
  });
});
