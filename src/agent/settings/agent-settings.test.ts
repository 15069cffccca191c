import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { ConfigError } from '../../core/errors.js';
import { resolveAgentSettings } from './agent-settings.js';

const start = { purpose: 'start' as const, env: {}, cwd: '/work' };

describe('resolveAgentSettings', () => {
  test('every path of one agent derives from its data root, so several agents can share a machine', () => {
    const s = resolveAgentSettings(
      { agent_data_root: '/srv/a1', master: 'farm:5000', agent_token: 't' },
      start,
    );
    expect(s.pidfile).toBe('/srv/a1/lock/agent.pid');
    expect(s.stateFile).toBe('/srv/a1/lock/agent.json');
    expect(s.agentIdFile).toBe('/srv/a1/uuid.dat');
    expect(s.log).toBe('/srv/a1/logs/agent.log');
    expect(s.jobtypes.taskLogDir).toBe('/srv/a1/logs/tasks');
    expect(s.journalDir).toBe('/srv/a1/journal');
    expect(s.updatesDropDir).toBe('/srv/a1/updates');
    expect(s.jobtypes.cacheDirectory).toBe(join(tmpdir(), 'drover', 'jobtype_cache'));
    expect(s.masterApi).toBe('http://farm:5000/api/v1');
    expect(s.reannounceIntervalMs).toBe(30_000);
    expect(s.shutdownTimeoutMs).toBe(15_000);
    expect(s.port).toBe(50000);
    expect(s.apiPassword).toBeUndefined();
  });

  test('the master may be a URL; master_api wins', () => {
    const a = resolveAgentSettings({ master: 'https://m.example:8443/', agent_token: 't' }, start);
    expect(a.masterApi).toBe('https://m.example:8443/api/v1');
    const b = resolveAgentSettings({ master_api: 'http://127.0.0.1:9/api/v1/', agent_token: 't' }, start);
    expect(b.masterApi).toBe('http://127.0.0.1:9/api/v1');
  });

  test('all problems are reported together', () => {
    try {
      resolveAgentSettings({ agent_api_port: 70000, agent_state: 'sleepy', agent_cpus: 0 }, start);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const keys = (err as ConfigError).problems.map((p) => p.key).sort();
      expect(keys).toEqual(['agent_api_port', 'agent_cpus', 'agent_state', 'agent_token', 'master']);
    }
  });

  test('the token comes from the flag, DROVER_TOKEN or a token file', () => {
    const env = { DROVER_TOKEN: 'from-env' };
    expect(resolveAgentSettings({ master: 'm' }, { ...start, env }).token).toBe('from-env');
    expect(resolveAgentSettings({ master: 'm', agent_token: 'flag' }, { ...start, env }).token).toBe('flag');
    const dir = mkdtempSync(join(tmpdir(), 'drover-token-'));
    writeFileSync(join(dir, 'token'), 'from-file\n');
    const s = resolveAgentSettings({ master: 'm', agent_token_file: join(dir, 'token') }, start);
    expect(s.token).toBe('from-file');
  });

  test('control commands need neither master nor token', () => {
    const s = resolveAgentSettings({ agent_data_root: 'rel/dir' }, { purpose: 'control', cwd: '/x' });
    expect(s.pidfile).toBe('/x/rel/dir/lock/agent.pid');
  });

  test('durations accept seconds or timedelta keywords', () => {
    const s = resolveAgentSettings(
      {
        master: 'm',
        agent_token: 't',
        agent_reannounce_interval: { minutes: 1, seconds: 30 },
        agent_http_retry_delay: '0.5',
      },
      start,
    );
    expect(s.reannounceIntervalMs).toBe(90_000);
    expect(s.httpRetryDelayMs).toBe(500);
  });

  test('safety switches: DROVER_ wins over PYFARM_, both default to enforcing', () => {
    const base = { master: 'm', agent_token: 't' };
    expect(resolveAgentSettings(base, start).jobtypes.requireBaseClass).toBe(true);
    const env = {
      PYFARM_JOBTYPE_SUBCLASSES_BASE_CLASS: 'False',
      DROVER_JOBTYPE_ALLOW_CODE_EXECUTION_IN_MODULE_ROOT: '0',
    };
    const s = resolveAgentSettings(base, { ...start, env });
    expect(s.jobtypes.requireBaseClass).toBe(false);
    expect(s.jobtypes.refuseModuleRootCode).toBe(false);
  });

  test('a manhole is never open', () => {
    expect(() => resolveAgentSettings({ master: 'm', agent_token: 't', agent_manhole: true }, start)).toThrow(
      /needs a password/,
    );
  });
});
