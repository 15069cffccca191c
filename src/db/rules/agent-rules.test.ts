import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors.js';
import {
  checkAgentCpus,
  checkAgentPort,
  checkAgentRam,
  checkHostname,
  checkMacAddress,
  checkRemoteIp,
} from './agent-rules.js';
import { DEFAULT_MODEL_LIMITS as limits } from './model-limits.js';

function rejection(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError');
}

describe('agent ranges', () => {
  it.each([
    [checkAgentPort, 'port', 1024, 65535],
    [checkAgentCpus, 'cpus', 1, 256],
    [checkAgentRam, 'ram', 16, 262144],
  ] as const)('%o accepts exactly %s..%s', (check, field, min, max) => {
    expect(check(min, limits)).toBe(min);
    expect(check(max, limits)).toBe(max);
    for (const bad of [min - 1, max + 1, 1.5, Number.NaN, '2048', null]) {
      const err = rejection(() => check(bad, limits));
      expect(err.field).toBe(field);
      expect(err.value).toBe(bad);
    }
  });

  it('takes its bounds from the limits', () => {
    expect(checkAgentPort(80, { ...limits, agentMinPort: 1 })).toBe(80);
    expect(() => checkAgentCpus(300, limits)).toThrow(/cpus: must be between 1 and 256 \(got 300\)/);
  });
});

describe('checkHostname', () => {
  it.each(['render01', 'render-01.farm.example.com', 'A.B.C.', 'x', '1-2'])('accepts %s', (name) => {
    expect(checkHostname(name, limits)).toBe(name);
  });
  it.each(['', '-render', 'render-', 'a..b', 'under_score', 'sp ace', 'a'.repeat(64), `${'a.'.repeat(128)}`])(
    'rejects %j',
    (name) => {
      expect(rejection(() => checkHostname(name, limits)).field).toBe('hostname');
    },
  );
  it('respects max_hostname_length', () => {
    expect(() => checkHostname('abcdef', { ...limits, maxHostnameLength: 5 })).toThrow(/at most 5/);
  });
});

describe('checkRemoteIp', () => {
  it.each(['10.0.0.1', '192.168.1.20', '8.8.8.8', '172.16.5.4', '100.64.0.1'])('accepts %s', (ip) => {
    expect(checkRemoteIp(ip, limits)).toBe(ip);
  });
  it.each([
    ['127.0.0.1', 'loopback'],
    ['169.254.3.4', 'link-local'],
    ['224.0.0.1', 'multicast'],
    ['239.1.2.3', 'multicast'],
    ['255.255.255.0', 'netmask'],
    ['255.255.255.255', 'netmask'],
    ['0.0.0.0', 'netmask'],
    ['0.0.255.255', 'host mask'],
    ['0.1.2.3', 'reserved'],
    ['192.0.2.7', 'reserved'],
    ['198.51.100.1', 'reserved'],
    ['203.0.113.9', 'reserved'],
    ['240.1.1.1', 'reserved'],
    ['10.0.0.256', 'IPv4'],
    ['::1', 'IPv4'],
    ['render01', 'IPv4'],
    ['1.2.3', 'IPv4'],
  ])('rejects %s (%s)', (ip, problem) => {
    const err = rejection(() => checkRemoteIp(ip, limits));
    expect(err.field).toBe('remote_ip');
    expect(err.message).toContain(problem);
  });
  it('allows loopback when configured', () => {
    expect(checkRemoteIp('127.0.0.1', { ...limits, allowAgentsFromLoopback: true })).toBe('127.0.0.1');
  });
  it('canonicalises leading zeros', () => {
    expect(checkRemoteIp('010.000.000.001', limits)).toBe('10.0.0.1');
  });
  it('never accepts a private 10/8 address as a mask, and never crashes on any octets', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        try {
          expect(checkRemoteIp(ip, limits)).toBe(ip);
        } catch (err) {
          expect(err).toBeInstanceOf(ValidationError);
          expect(ip.startsWith('10.') && !/^10\.255\.255\.255$/.test(ip)).toBe(false);
        }
      }),
    );
  });
});

describe('checkMacAddress', () => {
  it.each([
    ['aa:bb:cc:dd:ee:ff', 'aa:bb:cc:dd:ee:ff'],
    ['AA:BB:CC:DD:EE:FF', 'aa:bb:cc:dd:ee:ff'],
    ['00-1A-2b-3C-4d-5E', '00:1a:2b:3c:4d:5e'],
    ['001a2b3c4d5e', '00:1a:2b:3c:4d:5e'],
  ])('%s → %s', (input, output) => {
    expect(checkMacAddress(input)).toBe(output);
  });
  it.each(['aa:bb:cc:dd:ee', 'aa:bb-cc:dd:ee:ff', 'gg:bb:cc:dd:ee:ff', 'aabbccddeeff00', 42])(
    'rejects %j',
    (mac) => {
      expect(rejection(() => checkMacAddress(mac)).field).toBe('mac_address');
    },
  );
  it('round-trips every 48-bit value', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 6, maxLength: 6 }), (bytes) => {
        const mac = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(':');
        expect(checkMacAddress(mac.toUpperCase().replace(/:/g, '-'))).toBe(mac);
      }),
    );
  });
});
