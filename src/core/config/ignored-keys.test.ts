import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadDefaults } from './defaults.js';
import { KEY_ALIASES, ignoredReason } from './ignored-keys.js';
import { CONFIG_KEYS } from './schema.js';

describe('ignored keys', () => {
  const ignored = Object.keys(loadDefaults().values).filter(
    (key) => !(CONFIG_KEYS as string[]).includes(key),
  );

  it('each have a reason', () => {
    for (const key of ignored) expect(ignoredReason(key), key).toMatch(/\S/);
  });

  it('are all listed in the README', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Configuration'));
    for (const key of ignored) {
      expect(
        section.includes(`\`${key}\``) || (key.startsWith('table_') && section.includes('`table_*`')),
        key,
      ).toBe(true);
    }
  });

  it('never overlap the typed keys or the renamed ones', () => {
    for (const key of CONFIG_KEYS) expect(ignoredReason(key), key).toBeUndefined();
    for (const [old, renamed] of Object.entries(KEY_ALIASES)) {
      expect(CONFIG_KEYS).not.toContain(old);
      expect(CONFIG_KEYS).toContain(renamed);
    }
  });
});
