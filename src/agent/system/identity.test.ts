import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { expect, test } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { loadOrCreateAgentId, macSystemId, resolveSystemId, SYSTEMID_MAX } from './identity.js';

const dir = () => mkdtempSync(join(tmpdir(), 'drover-identity-'));

test('the agent id is generated once and kept', () => {
  const file = join(dir(), 'sub', 'uuid.dat');
  const id = loadOrCreateAgentId(file, undefined);
  expect(id).toMatch(/^[0-9a-f-]{36}$/);
  expect(loadOrCreateAgentId(file, undefined)).toBe(id);
  expect(readFileSync(file, 'utf8').trim()).toBe(id);
  expect(loadOrCreateAgentId(file, 'AAAAAAAA-0000-4000-8000-000000000000')).toBe(
    'aaaaaaaa-0000-4000-8000-000000000000',
  );
});

test('a corrupt id file is a configuration error, not a new identity', () => {
  const file = join(dir(), 'uuid.dat');
  writeFileSync(file, 'garbage');
  expect(() => loadOrCreateAgentId(file, undefined)).toThrow(ConfigError);
});

test('system id: XOR of the non-zero MACs within 48 bits', () => {
  expect(macSystemId(['00:00:00:00:00:01', '00:00:00:00:00:03'])).toBe(2);
  expect(macSystemId(['00:00:00:00:00:00'])).toBeUndefined();
  expect(macSystemId(['ff:ff:ff:ff:ff:ff'])).toBe(SYSTEMID_MAX);
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: SYSTEMID_MAX }), { minLength: 1, maxLength: 6 }),
      (ints) => {
        const macs = ints.map((n) =>
          n
            .toString(16)
            .padStart(12, '0')
            .replace(/(..)(?!$)/g, '$1:'),
        );
        const expected = ints.reduce((acc, n) => acc ^ BigInt(n), 0n);
        const id = macSystemId(macs);
        expect(id === undefined ? 0n : BigInt(id)).toBe(expected);
      },
    ),
  );
});

test('the system id is cached so it survives a change of network cards', () => {
  const cache = join(dir(), 'systemid.cache');
  expect(resolveSystemId('auto', cache, ['00:00:00:00:00:05'])).toBe(5);
  expect(resolveSystemId('auto', cache, ['00:00:00:00:00:07'])).toBe(5);
  expect(resolveSystemId(42, cache, [])).toBe(42);
});
