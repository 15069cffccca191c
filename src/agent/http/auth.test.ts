import { expect, test } from 'vitest';
import { authenticate } from './auth.js';

const creds = {
  masterSecrets: () => ['m1', 'm0'],
  controlSecret: 'local',
  username: 'agent',
  password: 'pw',
};
const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

test('the master secret, the local secret, Basic with the configured password; nothing else', () => {
  expect(authenticate('Bearer m1', creds)).toBe('master');
  expect(authenticate('Bearer m0', creds)).toBe('master');
  expect(authenticate('Bearer local', creds)).toBe('local');
  expect(authenticate(basic('agent', 'pw'), creds)).toBe('user');
  expect(authenticate(basic('agent', 'nope'), creds)).toBeUndefined();
  expect(authenticate('Bearer other', creds)).toBeUndefined();
  expect(authenticate(undefined, creds)).toBeUndefined();
});

test('without a password Basic never works (not even with an empty one)', () => {
  const open = { ...creds, password: undefined };
  expect(authenticate(basic('agent', ''), open)).toBeUndefined();
  expect(authenticate(basic('agent', 'agent'), open)).toBeUndefined();
});
