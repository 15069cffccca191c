import { describe, expect, it } from 'vitest';
import { ConfigError } from '../core/errors.js';
import { resolveTableNames, TABLE_CONFIG_KEYS } from './table-names.js';

describe('resolveTableNames', () => {
  it('defaults to the logical names', () => {
    const { prefix, tables } = resolveTableNames();
    expect(prefix).toBe('');
    for (const logical of Object.keys(TABLE_CONFIG_KEYS))
      expect(tables[logical as keyof typeof tables]).toBe(logical);
  });

  it('applies table_prefix, the table_* keys, and software_versions following table_software', () => {
    const { tables } = resolveTableNames({
      table_prefix: 'farm_',
      table_software: 'apps',
      table_task: 'frames',
    });
    expect(tables.jobs).toBe('farm_jobs');
    expect(tables.software).toBe('apps');
    expect(tables.software_versions).toBe('apps_versions');
    expect(tables.tasks).toBe('frames');
    expect(tables.api_tokens).toBe('farm_api_tokens');
    expect(tables.agent_counts).toBe('farm_agent_counts');
  });

  it('reports bad and clashing names together', () => {
    try {
      resolveTableNames({ table_prefix: 'bad-prefix', table_job: 'tasks', table_tag: 'x'.repeat(64) });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const keys = (err as ConfigError).problems.map((p) => p.key);
      expect(keys).toContain('table_prefix');
      expect(keys).toContain('table_tag');
      expect(keys).toContain('table_task');
    }
  });
});
