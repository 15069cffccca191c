import { describe, expect, it } from 'vitest';
import type { UpdateAgentBody } from '../../api/schemas/agents.js';
import { ForbiddenError, ValidationError } from '../../core/errors.js';
import { AgentState } from '../../core/enums.js';
import { DEFAULT_MODEL_LIMITS } from '../../db/rules/model-limits.js';
import {
  agentPatchOf,
  assertFieldAccess,
  checkFarmName,
  normalizeMacAddresses,
  remoteIpFromConnection,
  reportedState,
} from './agent-input.js';
import type { AgentCaller } from './agent-caller.js';

const agent: AgentCaller = { kind: 'agent', tokenId: 7 };
const wrangler: AgentCaller = { kind: 'wrangler' };
const admin: AgentCaller = { kind: 'admin' };
const { DISABLED, OFFLINE, ONLINE, RUNNING } = AgentState.values;

describe('MAC addresses', () => {
  it('keeps valid addresses lower-cased, sorted and unique, and drops the rest', () => {
    expect(
      normalizeMacAddresses([
        'AA:BB:CC:DD:EE:02',
        'aa-bb-cc-dd-ee-01',
        'aabbccddee02',
        'zz:zz',
        '',
        'aa:bb:cc:dd:ee',
      ]),
    ).toEqual(['aa:bb:cc:dd:ee:01', 'aa:bb:cc:dd:ee:02']);
  });
});

describe('farm name', () => {
  it.each([
    [undefined, 'north', true],
    [null, 'north', true],
    ['north', 'north', true],
    ['', '', true],
    ['', null, true],
    ['south', 'north', false],
    ['x', '', false],
  ] as const)('agent %j on a master %j → accepted %s', (given, ours, ok) => {
    const check = () => checkFarmName(given, ours);
    if (ok) expect(check).not.toThrow();
    else expect(check).toThrow(/^Wrong farm name/);
  });
});

describe('who sets what', () => {
  it('keeps management fields from agents and protocol fields from wranglers; admins set all', () => {
    for (const body of [{ notes: 'x' }, { tags: [] }, { restart_requested: false }, { upgrade_to: '2' }]) {
      expect(() => assertFieldAccess(agent, body)).toThrow(ForbiddenError);
    }
    for (const body of [{ api_secret: 'x' }, { current_assignments: {} }, { upgrade_to: '2' }]) {
      expect(() => assertFieldAccess(wrangler, body)).toThrow(ForbiddenError);
    }
    const reports: UpdateAgentBody[] = [{ ram: 1 }, { state: 'online' }, { mac_addresses: [] }];
    for (const body of reports) {
      expect(() => assertFieldAccess(agent, body)).not.toThrow();
      expect(() => assertFieldAccess(wrangler, body)).not.toThrow();
    }
    expect(() => assertFieldAccess(admin, { upgrade_to: '2', api_secret: 'x', notes: 'n' })).not.toThrow();
  });

  it('ignores a disabled agent’s own state reports and never lets an agent disable itself', () => {
    expect(reportedState(agent, { state: 'running' }, ONLINE)).toBe(RUNNING);
    expect(reportedState(agent, { state: 'online' }, DISABLED)).toBeUndefined();
    expect(reportedState(agent, { state: OFFLINE }, ONLINE)).toBe(OFFLINE);
    expect(() => reportedState(agent, { state: 'disabled' }, ONLINE)).toThrow(/cannot disable themselves/);
    expect(reportedState(wrangler, { state: 'online' }, DISABLED)).toBe(ONLINE);
    expect(reportedState(admin, { state: 'disabled' }, ONLINE)).toBe(DISABLED);
    expect(reportedState(agent, {}, ONLINE)).toBeUndefined();
    expect(() => reportedState(admin, { state: 17 }, ONLINE)).toThrow(ValidationError);
  });

  it('maps wire names to repository fields and parses enums', () => {
    expect(
      agentPatchOf({
        free_ram: 5,
        use_address: 'hostname',
        os_class: null,
        remote_ip: null,
        api_secret: 's',
      }),
    ).toEqual({ freeRam: 5, useAddress: 312, osClass: null, remoteIp: null, apiSecret: 's' });
    expect(() => agentPatchOf({ os_class: 399 })).toThrow(/os_class/);
  });
});

describe('the address of an agent that names none', () => {
  const strict = DEFAULT_MODEL_LIMITS;
  const loose = { ...DEFAULT_MODEL_LIMITS, allowAgentsFromLoopback: true };

  it('takes the IPv4 source address, unwrapping IPv4-mapped IPv6', () => {
    expect(remoteIpFromConnection('10.1.2.3', undefined, strict)).toBe('10.1.2.3');
    expect(remoteIpFromConnection('::ffff:10.1.2.3', undefined, strict)).toBe('10.1.2.3');
    expect(remoteIpFromConnection('::1', undefined, loose)).toBe('127.0.0.1');
    expect(remoteIpFromConnection('127.0.0.1', undefined, loose)).toBe('127.0.0.1');
  });

  it('explains a refused source address', () => {
    expect(() => remoteIpFromConnection('127.0.0.1', undefined, strict)).toThrow(
      'remote_ip: the agent connects from 127.0.0.1, which must not be a loopback address; send remote_ip ' +
        'or start the master with --allow-agent-loopback-addresses',
    );
    expect(() => remoteIpFromConnection('169.254.1.1', undefined, strict)).toThrow(
      /link-local address; send remote_ip$/,
    );
  });

  it('accepts IPv6 only for agents reached by name or never reached', () => {
    expect(() => remoteIpFromConnection('2001:db8::1', undefined, strict)).toThrow(/IPv6/);
    expect(() => remoteIpFromConnection('2001:db8::1', 'remote', strict)).toThrow(/IPv6/);
    expect(remoteIpFromConnection('2001:db8::1', 'hostname', strict)).toBeNull();
    expect(remoteIpFromConnection('2001:db8::1', 313, strict)).toBeNull();
  });
});
