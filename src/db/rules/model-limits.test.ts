import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { DEFAULT_MODEL_LIMITS, modelLimitsFromConfig } from './model-limits.js';

describe('modelLimitsFromConfig', () => {
  it('keeps the defaults for missing keys', () => {
    expect(modelLimitsFromConfig({})).toEqual(DEFAULT_MODEL_LIMITS);
  });

  it('reads models.yml keys', () => {
    const limits = modelLimitsFromConfig({
      agent_max_cpus: 512,
      allow_agents_from_loopback: true,
      max_tag_length: 32,
    });
    expect(limits).toMatchObject({ agentMaxCpus: 512, allowAgentsFromLoopback: true, maxTagLength: 32 });
  });

  it('reports every problem together', () => {
    try {
      modelLimitsFromConfig({
        max_tag_length: 100,
        agent_min_ram: 'lots',
        queue_min_priority: 5,
        queue_max_priority: 1,
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.key).sort()).toEqual([
        'agent_min_ram',
        'max_tag_length',
        'queue_min_priority',
      ]);
    }
  });
});
