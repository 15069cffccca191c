import { expect, test } from 'vitest';
import { HOSTNAME_PATTERN, resolveHostname, type HostnameSources } from './hostname.js';

function sources(overrides: Partial<HostnameSources>): HostnameSources {
  return {
    osHostname: () => 'node7',
    localAddresses: () => ['10.0.0.7'],
    lookupAll: async () => {
      throw new Error('ENOTFOUND');
    },
    reverse: async () => {
      throw new Error('ENOTFOUND');
    },
    ...overrides,
  };
}

test('the qualified name wins when it resolves to this host', async () => {
  const s = sources({
    lookupAll: async (n) => (n === 'node7' || n === 'node7.farm.example' ? ['10.0.0.7'] : []),
    reverse: async () => ['node7.farm.example'],
  });
  expect(await resolveHostname(s)).toBe('node7.farm.example');
});

test('the short name when only it resolves here', async () => {
  const s = sources({ lookupAll: async (n) => (n === 'node7' ? ['10.0.0.7'] : ['10.9.9.9']) });
  expect(await resolveHostname(s)).toBe('node7');
});

test('a unique reverse-DNS name, else the OS name', async () => {
  expect(await resolveHostname(sources({ reverse: async () => ['r7.example'] }))).toBe('r7.example');
  expect(await resolveHostname(sources({}))).toBe('node7');
});

test('hostname rule of the master', () => {
  expect(HOSTNAME_PATTERN.test('render-01.farm')).toBe(true);
  expect(HOSTNAME_PATTERN.test('-bad')).toBe(false);
  expect(HOSTNAME_PATTERN.test('under_score')).toBe(false);
});
