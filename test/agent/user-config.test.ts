import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { readUserConfigValues } from '../../src/agent/settings/user-config-values.js';
import { resolveAgentSettings } from '../../src/agent/settings/agent-settings.js';

describe("the agent's configuration file", () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-agent-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('needs no child process when nothing is configured', () => {
    expect(readUserConfigValues({ env: { HOME: '/x', DROVER_TOKEN: 't' }, cwd: dir })).toEqual({
      values: {},
      warnings: [],
    });
  });

  it('returns what the file and the variables set, which the flags then override', () => {
    const file = join(dir, 'agent.yml');
    writeFileSync(file, 'agent_api_port: 50123\nfarm_name: paris\nagent_ram_report_delta: 250\n');
    const { values } = readUserConfigValues({ file, env: { DROVER_AGENT_ALLOW_SHARING: 'true' }, cwd: dir });
    expect(values).toEqual({
      agent_api_port: 50123,
      farm_name: 'paris',
      agent_ram_report_delta: 250,
      agent_allow_sharing: true,
    });
    const settings = resolveAgentSettings(
      { ...values, agent_api_port: 50999, agent_data_root: dir },
      { purpose: 'control', env: {}, cwd: dir },
    );
    expect(settings).toMatchObject({
      port: 50999,
      farmName: 'paris',
      ramReportDeltaMb: 250,
      allowSharing: true,
    });
  });

  it('reports every problem of a bad file as one ConfigError', () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'agent_api_port: lots\nagent_cpus: -3\n');
    try {
      readUserConfigValues({ file, env: {}, cwd: dir });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems.map((p) => p.key).sort()).toEqual([
        'agent_api_port',
        'agent_cpus',
      ]);
    }
  });
});
