import { expect, test } from 'vitest';
import { Lifecycle } from './lifecycle.js';

test('the documented transitions and nothing else', () => {
  const l = new Lifecycle();
  const seen: string[] = [];
  l.onChange((s) => seen.push(s));
  expect(() => l.moveTo('serving')).toThrow(/starting → serving/);
  l.moveTo('registering');
  l.moveTo('serving');
  l.moveTo('registering');
  l.moveTo('serving');
  expect(l.shuttingDown).toBe(false);
  l.moveTo('stopping');
  expect(l.shuttingDown).toBe(true);
  expect(l.canMoveTo('serving')).toBe(false);
  l.moveTo('stopped');
  expect(seen).toEqual(['registering', 'serving', 'registering', 'serving', 'stopping', 'stopped']);
});
