/**
 * No 5xx from the jobs and tasks routes for anything a client can send: generated bodies (random JSON,
 * and valid submissions with one field replaced by a random value), path segments and query strings,
 * on PostgreSQL (the strictest about types and text) when available, else SQLite; DROVER_FUZZ_DIALECT=mysql
 * (or sqlite) picks another. Seeded and bounded.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DialectName } from '../../src/db/dialect-name.js';
import { listTasks, updateTask } from '../../src/db/tasks/task.repository.js';
import { createTestDatabase, unavailableReason, type TestDatabase } from '../support/databases.js';
import { json, makeAgent, makeJobType } from '../support/job-farm.js';
import { createTestMaster, type TestMaster } from '../support/master.js';

const dialect: DialectName =
  (process.env.DROVER_FUZZ_DIALECT as DialectName | undefined) ??
  (unavailableReason('postgres') === undefined ? 'postgres' : 'sqlite');
const RUNS = 150;
/** A fixed seed keeps CI repeatable; DROVER_FUZZ_SEED explores others. */
const SEED = Number(process.env.DROVER_FUZZ_SEED ?? 0);

describe(`jobs API fuzzing on ${dialect}`, () => {
  let database: TestDatabase;
  let farm: TestMaster;
  let jobtype = '';
  let jobId = 0;
  let taskId = 0;

  beforeAll(async () => {
    database = await createTestDatabase(dialect);
    farm = await createTestMaster(database);
    jobtype = await makeJobType(farm, { supportsTiling: true });
    const job = json<{ id: number }>(
      await farm.inject({
        method: 'POST',
        url: '/api/v1/jobs/',
        payload: { title: 'fuzz target', jobtype, start: 1, end: 3 },
      }),
      201,
    );
    jobId = job.id;
    const agent = await makeAgent(farm);
    const [task] = await listTasks(farm.master.context.db, { jobId });
    taskId = task!.id;
    await updateTask(farm.master.context.db, taskId, { agentId: agent.id });
  });

  afterAll(async () => {
    await farm?.close();
    await database?.destroy();
  });

  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.constantFrom('', '\u0000', 'a\u0000b', '..', '../..', '%', ' ', 'x'.repeat(300), '1e309', '-1'),
  );
  const scalar = fc.oneof(
    text,
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1e300, -1e300, true, false, null),
  );
  const value = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 4 }),
    object: fc.dictionary(text, tie('value'), { maxKeys: 4 }),
  })).value;

  const fields = [
    'title',
    'jobtype',
    'jobtype_version',
    'start',
    'end',
    'by',
    'num_tiles',
    'batch',
    'requeue',
    'cpus',
    'ram',
    'ram_warning',
    'ram_max',
    'priority',
    'weight',
    'minimum_agents',
    'maximum_agents',
    'autodelete_time',
    'hidden',
    'notes',
    'output_link',
    'project',
    'environ',
    'data',
    'job_group_id',
    'jobqueue',
    'parents',
    'tags',
    'tag_requirements',
    'software_requirements',
    'notified_users',
    'user',
    'state',
  ];

  async function send(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) {
    const res = await farm.inject({
      method,
      url,
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
      headers: { 'content-type': 'application/json' },
    });
    if (res.statusCode >= 500) {
      expect.fail(
        `${method} ${url} ${JSON.stringify(payload)?.slice(0, 300)} → ${res.statusCode} ${res.body}`,
      );
    }
    return res;
  }

  it('submissions and updates with a field replaced by anything', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), value, fc.boolean(), async (field, v, update) => {
        if (update) await send('POST', `/api/v1/jobs/${jobId}`, { [field]: v });
        else await send('POST', '/api/v1/jobs/', { title: 'fuzz', jobtype, [field]: v });
      }),
      { numRuns: RUNS * 2, seed: SEED + 42 },
    );
  });

  it('random bodies on every writing route', async () => {
    const routes = [
      '/api/v1/jobs/',
      `/api/v1/jobs/${jobId}`,
      `/api/v1/jobs/${jobId}/notified_users/`,
      `/api/v1/jobs/${jobId}/tasks/${taskId}`,
      `/api/v1/jobs/${jobId}/tasks/${taskId}/failed_on_agents/`,
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...routes), value, async (route, body) => {
        await send('POST', route, body);
      }),
      { numRuns: RUNS, seed: SEED + 7 },
    );
  });

  it('task reports with generated fields', async () => {
    const report = fc.record(
      {
        state: fc.oneof(fc.constantFrom('queued', 'running', 'done', 'failed', 'paused', 105), scalar),
        progress: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), scalar),
        last_error: fc.oneof(text, fc.constant(null)),
        time_started: fc.oneof(
          fc.constant('now'),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
          scalar,
        ),
        attempt: fc.oneof(fc.integer({ min: 0, max: 3 }), scalar),
        agent_id: fc.oneof(fc.constant(null), fc.uuid(), text),
        priority: fc.oneof(fc.integer({ min: -1000, max: 1000 }), scalar),
        hidden: fc.oneof(fc.boolean(), scalar),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(report, fc.constantFrom('admin', 'agent', 'artist'), async (body, as) => {
        const res = await farm.inject({
          method: 'POST',
          url: `/api/v1/jobs/${jobId}/tasks/${taskId}`,
          payload: body,
          as: as as 'admin' | 'agent' | 'artist',
        });
        expect(res.statusCode, `${as} ${JSON.stringify(body)}: ${res.body}`).toBeLessThan(500);
      }),
      { numRuns: RUNS, seed: SEED + 3 },
    );
  });

  it('path segments and query strings', async () => {
    const segment = fc.oneof(
      text.map((s) => encodeURIComponent(s)),
      fc.constantFrom('0', '1', '99999999999', '999999999999999999999', '-1', '1.5', '%00', '%FF', 'schema'),
    );
    const query = fc.dictionary(
      fc.constantFrom(
        'jobtype',
        'user',
        'title',
        'jobqueue',
        'state',
        'hidden',
        'page',
        'per_page',
        'order_by',
        'order_dir',
        'task_counts',
        'x',
      ),
      fc.oneof(text, fc.integer().map(String)),
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(segment, segment, query, async (job, task, params) => {
        const qs = new URLSearchParams(params).toString();
        await send('GET', `/api/v1/jobs/?${qs}`);
        await send('GET', `/api/v1/jobs/${job}`);
        await send('GET', `/api/v1/jobs/${job}/tasks/?${qs}`);
        await send('GET', `/api/v1/jobs/${job}/tasks/${task}`);
        await send('GET', `/api/v1/jobs/${job}/tasks/${task}/failed_on_agents/`);
        await send('DELETE', `/api/v1/jobs/${job}/notified_users/${task}`);
        await send('DELETE', `/api/v1/jobs/${jobId}/tasks/${taskId}/failed_on_agents/${task}`);
        await send('POST', `/api/v1/jobs/${job}/tasks/${task}/rerun`);
      }),
      { numRuns: RUNS, seed: SEED + 11 },
    );
  });
});
