import { describe, expect, it } from 'vitest';
import { AgentState, OperatingSystem, UseAgentAddress, WorkState, taskStateName } from './enums.js';
import { ValidationError } from './errors.js';

describe('enums', () => {
  it('carry the seed values', () => {
    expect(WorkState.values).toEqual({ PAUSED: 100, RUNNING: 105, DONE: 106, FAILED: 107 });
    expect(AgentState.values).toEqual({ DISABLED: 200, OFFLINE: 201, ONLINE: 202, RUNNING: 203 });
    expect(OperatingSystem.values).toEqual({ LINUX: 300, WINDOWS: 301, MAC: 302, OTHER: 303, BSD: 304 });
    expect(UseAgentAddress.values).toEqual({ LOCAL: 310, REMOTE: 311, HOSTNAME: 312, PASSIVE: 313 });
  });

  it('accept strings in any case and integers', () => {
    expect(WorkState.parse('done')).toBe(106);
    expect(WorkState.parse('DONE')).toBe(106);
    expect(WorkState.parse(107)).toBe(107);
    expect(AgentState.name(202)).toBe('online');
    expect(UseAgentAddress.names).toEqual(['local', 'remote', 'hostname', 'passive']);
  });

  it('reject unknown values with a ValidationError naming the field', () => {
    expect(() => WorkState.parse('queued', 'state')).toThrow(ValidationError);
    expect(() => WorkState.parse(101, 'state')).toThrow(/state: 101 is not a valid WorkState/);
    expect(() => AgentState.parse(null)).toThrow(ValidationError);
    expect(WorkState.find(true)).toBeUndefined();
  });

  it('synthesise queued and assigned for NULL task states', () => {
    expect(taskStateName(null, false)).toBe('queued');
    expect(taskStateName(null, true)).toBe('assigned');
    expect(taskStateName(106, true)).toBe('done');
  });
});
