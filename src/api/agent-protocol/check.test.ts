import { describe, expect, test } from 'vitest';
import { AssignmentSchema } from './assignment.js';
import { AgentRegistrationSchema } from './agent-registration.js';
import { compileCheck } from './check.js';
import { TaskReportSchema } from './task-report.js';

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
