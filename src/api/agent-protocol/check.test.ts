import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { describe, expect, test } from 'vitest';
import { UpdateRequestSchema } from './agent-api.js';
import { AgentAnnounceSchema, AgentRegistrationSchema } from './agent-registration.js';
import { AssignmentSchema, CurrentAssignmentsSchema } from './assignment.js';
import { compileCheck } from './check.js';
import { JobTypeCodeSchema } from './jobtype-code.js';
import { PathMapListSchema } from './path-map.js';
import { TaskLogRegistrationSchema, TaskReportSchema } from './task-report.js';

const checkAssignment = compileCheck(AssignmentSchema);
const valid = {
  job: { id: 7, by: 1, data: { command: 'true' } },
  jobtype: { name: 'Command', version: 1 },
  tasks: [{ id: 1, frame: 1, attempt: 1 }],
};

describe('assignment schema', () => {
  test('accepts the documented shape and tolerates unknown job keys', () => {
    expect(checkAssignment(valid).ok).toBe(true);
    expect(checkAssignment({ ...valid, job: { ...valid.job, something_new: 1 } }).ok).toBe(true);
  });

  test.each([
    [{ ...valid, job: { by: 1 } }, 'missing required key "job.id"'],
    [{ ...valid, job: { id: 'x', by: 1 } }, 'job.id: must be integer'],
    [{ ...valid, tasks: [] }, 'tasks: must not have fewer than 1 items'],
    [{ ...valid, tasks: [{ id: 1, frame: 1, colour: 'red' }] }, 'unknown key "tasks.0.colour"'],
    [{ ...valid, extra: true }, 'unknown key "extra"'],
    [{ ...valid, agent_id: 'not-a-uuid' }, 'agent_id: must match format "uuid"'],
    [{ ...valid, job: { ...valid.job, environ: { A: 1 } } }, 'job.environ.A: must be string'],
  ])('rejects %j with a message naming the field', (body, message) => {
    const result = checkAssignment(body);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toBe(message);
  });
});

test('registration needs an api_secret and sane hardware numbers', () => {
  const check = compileCheck(AgentRegistrationSchema);
  const base = {
    id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
    hostname: 'render01',
    ram: 2048,
    free_ram: 1024,
    cpus: 4,
    port: 50000,
    api_secret: 'x'.repeat(43),
  };
  expect(check(base).ok).toBe(true);
  expect(check({ ...base, api_secret: undefined }).ok).toBe(false);
  expect(check({ ...base, cpus: 0 }).ok).toBe(false);
  expect(check({ ...base, mac_addresses: ['aa:bb:cc:dd:ee:ff'] }).ok).toBe(true);
  expect(check({ ...base, mac_addresses: ['aabbccddeeff'] }).ok).toBe(false);
});

test('task reports: hand-back, ISO start times, and nothing empty', () => {
  const check = compileCheck(TaskReportSchema);
  expect(check({ state: 'queued', agent_id: null }).ok).toBe(true);
  expect(check({ state: 'running', time_started: '2026-01-02T03:04:05.678Z', attempt: 2 }).ok).toBe(true);
  expect(check({ time_started: 'yesterday' }).ok).toBe(false);
  expect(check({ progress: 1.5 }).ok).toBe(false);
  expect(check({}).ok).toBe(false);
});

describe('the compact checker agrees with TypeBox on every protocol schema', () => {
  const schemas = {
    AssignmentSchema,
    AgentRegistrationSchema,
    TaskReportSchema,
    AgentAnnounceSchema,
    TaskLogRegistrationSchema,
    UpdateRequestSchema,
    CurrentAssignmentsSchema,
    JobTypeCodeSchema,
    PathMapListSchema,
  };
  const samples: Record<string, unknown> = {
    AssignmentSchema: valid,
    AgentRegistrationSchema: {
      id: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      hostname: 'h',
      ram: 32,
      free_ram: 1,
      cpus: 1,
      port: 1,
      api_secret: 'y'.repeat(40),
      remote_ip: '10.0.0.1',
      disks: [{ mountpoint: '/', size: 1, free: 0 }],
    },
    TaskReportSchema: { state: 'done', time_started: '2026-01-02T03:04:05Z' },
    AgentAnnounceSchema: { state: 'online', free_ram: 3 },
    TaskLogRegistrationSchema: { identifier: 'a.csv', agent_id: '3fa85f64-5717-4562-b3fc-2c963f66afa6' },
    UpdateRequestSchema: { version: '1.2.3-rc1' },
    CurrentAssignmentsSchema: {},
    JobTypeCodeSchema: { name: 'a', version: 1, code: 'x', classname: null },
    PathMapListSchema: [{ id: 1, path_linux: '/a', path_windows: 'A:', path_osx: '/b', tag: null }],
  };
  const leaf = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(
      '3fa85f64-5717-4562-b3fc-2c963f66afa6',
      '3FA85F64-5717-4562-B3FC-2C963F66AFA6',
      '2026-01-02T03:04:05.5Z',
      '10.0.0.256',
      '01.2.3.4',
      'running',
      'queued',
      'now',
      -1,
      0,
      1,
      1.5,
      65536,
      null,
      '',
      'aa:bb:cc:dd:ee:ff',
    ),
  );
  /** Replaces one value somewhere inside `value` by `replacement`, or deletes a key. */
  function mutate(value: unknown, path: number[], replacement: unknown, del: boolean): unknown {
    if (typeof value !== 'object' || value === null || path.length === 0) return replacement;
    const keys = Object.keys(value);
    if (keys.length === 0) return replacement;
    const key = keys[path[0]! % keys.length]!;
    const copy: Record<string, unknown> = Array.isArray(value)
      ? ([...value] as unknown as Record<string, unknown>)
      : { ...value };
    if (del && path.length === 1 && !Array.isArray(value)) delete copy[key];
    else copy[key] = mutate((value as Record<string, unknown>)[key], path.slice(1), replacement, del);
    return copy;
  }
  for (const [name, schema] of Object.entries(schemas)) {
    test(name, () => {
      const ours = compileCheck(schema);
      const theirs = Compile(schema);
      expect(ours(samples[name]).ok).toBe(true);
      fc.assert(
        fc.property(
          fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
          leaf,
          fc.boolean(),
          (path, replacement, del) => {
            const candidate = mutate(samples[name], path, replacement, del);
            expect(ours(candidate).ok).toBe(theirs.Check(candidate));
          },
        ),
        { numRuns: 400 },
      );
    });
  }
});
