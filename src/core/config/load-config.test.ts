import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, type ConfigProblem } from '../errors.js';
import { loadDefaults } from './defaults.js';
import { IGNORED_PYFARM_ENV, PYFARM_ENV_KEYS, droverEnvName } from './env-names.js';
import { ignoredReason } from './ignored-keys.js';
import { loadConfig, type LoadConfigOptions } from './load-config.js';
import { CONFIG_KEYS, ConfigSchema } from './schema.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-config-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function writeConfig(text: string): string {
  const path = join(dir, `config-${++files}.yml`);
  writeFileSync(path, text);
  return path;
}

/** A clean environment, so nothing from the machine running the tests leaks in. */
const baseEnv = { HOME: '/home/artist', TMPDIR: '/scratch' };
const load = (options: LoadConfigOptions = {}) =>
  loadConfig({ ...options, env: { ...baseEnv, ...options.env } });

function problemsOf(options: LoadConfigOptions): readonly ConfigProblem[] {
  try {
    load(options);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('package defaults', () => {
  it('load, validate and give every key without a single warning', () => {
    const { config, warnings, sources } = load();
    expect(warnings).toEqual([]);
    expect(Object.keys(config)).toEqual(CONFIG_KEYS);
    expect(new Set(Object.values(sources))).toEqual(new Set(['default']));
  });

  it('hold the seed defaults and Drover’s additions', () => {
    const { config } = load();
    expect(config.database).toBe('sqlite:///pyfarm.sqlite');
    expect(config.base_url).toBe('http://127.0.0.1:5000/');
    expect(config.queue_default_weight).toBe(10);
    expect(config.assign_tasks_interval).toEqual({ minutes: 4 });
    expect(config.agent_api_port).toBe(50000);
    expect(config.smtp_login).toEqual([null, null]);
    expect(config.agent_ram_allocation).toBe(0.8);
    expect(config.jobtype_enable_cache).toBe(true);
    expect(config.success_body).toMatch(
      /^\{\{ job\.jobtype_version\.jobtype\.name \}\} job .*\n\nJob: \{\{ job\.url \}\}\n/s,
    );
    expect(config.public_read).toBe(false);
    expect(config.agent_reannounce_interval).toEqual({ seconds: 30 });
    expect(config.agent_offline_timeout).toEqual({ seconds: 90 });
    expect(config.log_level).toBe('info');
    expect(config.data_dir).toBe('./drover-data');
  });

  it('expand their paths below $temp and ~', () => {
    const { config } = load();
    expect(config.agent_data_root).toBe('/scratch/drover');
    expect(config.agent_lock_file).toBe('/scratch/drover/lock/agent.pid');
    expect(config.jobtype_task_logs).toBe('/scratch/drover/logs/tasks');
    expect(config.tasklogs_dir).toBe('/scratch/drover/task_logs');
    expect(config.agent_user_data).toBe('/home/artist/.pyfarm/agent');
    expect(config.master_api).toBe('http://$master/api/v1');
  });

  it('define every typed key, and type or ignore every key they define', () => {
    const { values, problems } = loadDefaults();
    expect(problems).toEqual([]);
    for (const key of CONFIG_KEYS) expect(Object.hasOwn(values, key), key).toBe(true);
    const untyped = Object.keys(values).filter((key) => !(CONFIG_KEYS as string[]).includes(key));
    expect(untyped.filter((key) => ignoredReason(key) === undefined)).toEqual([]);
    expect(untyped).toContain('scheduler_broker');
  });

  it('describe every key’s type, since the description is the error message', () => {
    for (const [key, schema] of Object.entries(ConfigSchema.properties)) {
      expect((schema as { description?: string }).description, key).toMatch(/\S/);
    }
  });

  it('give a deeply frozen configuration', () => {
    const { config } = load();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.cookie_duration)).toBe(true);
    expect(() => ((config as { farm_name: string }).farm_name = 'x')).toThrow(TypeError);
  });
});

describe('precedence', () => {
  const file = () => writeConfig('farm_name: from-file\nagent_api_port: 50010\nlog_level: debug\n');

  it('goes defaults < file < environment < overrides, and records each source', () => {
    const { config, sources } = load({
      file: file(),
      env: { DROVER_AGENT_API_PORT: '50020', DROVER_LOG_LEVEL: 'warn' },
      overrides: { log_level: 'error', farm_name: undefined },
    });
    expect(config.farm_name).toBe('from-file');
    expect(config.agent_api_port).toBe(50020);
    expect(config.log_level).toBe('error');
    expect(config.database).toBe('sqlite:///pyfarm.sqlite');
    expect(sources.farm_name).toMatch(/config-\d+\.yml:1$/);
    expect(sources.agent_api_port).toBe('env:DROVER_AGENT_API_PORT');
    expect(sources.log_level).toBe('override');
    expect(sources.database).toBe('default');
  });

  it('reads the file named by DROVER_CONFIG, relative to cwd, unless a file is given', () => {
    mkdirSync(join(dir, 'site'), { recursive: true });
    writeFileSync(join(dir, 'site', 'drover.yml'), 'farm_name: site\n');
    expect(load({ cwd: dir, env: { DROVER_CONFIG: 'site/drover.yml' } }).config.farm_name).toBe('site');
    const explicit = writeConfig('farm_name: explicit\n');
    expect(load({ file: explicit, env: { DROVER_CONFIG: 'site/drover.yml' } }).config.farm_name).toBe(
      'explicit',
    );
  });

  it('accepts an empty file', () => {
    expect(load({ file: writeConfig('# nothing here\n') }).config.farm_name).toBe('');
  });

  it('expands file values against keys set in any layer', () => {
    const { config } = load({
      file: writeConfig('agent_logs_root: /var/log/drover\n'),
      env: { DROVER_AGENT_DATA_ROOT: '/srv/drover' },
    });
    expect(config.agent_lock_file).toBe('/srv/drover/lock/agent.pid');
    expect(config.agent_log).toBe('/var/log/drover/agent.log');
    expect(config.jobtype_task_logs).toBe('/var/log/drover/tasks');
  });
});

describe('environment variables', () => {
  it('are read as YAML scalars and flow values when the key accepts the result', () => {
    const { config } = load({
      env: {
        DROVER_PUBLIC_READ: 'true',
        DROVER_TRANSACTION_RETRIES: '5',
        DROVER_AGENT_POLL_INTERVAL: '{seconds: 10}',
        DROVER_SMTP_LOGIN: '[mailer, hunter2]',
        DROVER_JOBTYPE_DEFAULT_ENVIRONMENT: '{OCIO: /studio/config.ocio}',
        DROVER_AGENT_RAM: 'auto',
        DROVER_MASTER: '',
      },
    });
    expect(config.public_read).toBe(true);
    expect(config.transaction_retries).toBe(5);
    expect(config.agent_poll_interval).toEqual({ seconds: 10 });
    expect(config.smtp_login).toEqual(['mailer', 'hunter2']);
    expect(config.jobtype_default_environment).toEqual({ OCIO: '/studio/config.ocio' });
    expect(config.agent_ram).toBe('auto');
    expect(config.master).toBeNull();
  });

  it('stay strings when the key wants a string', () => {
    const { config } = load({
      env: {
        DROVER_SUCCESS_SUBJECT: 'Done: {{ job.title }}',
        DROVER_FARM_NAME: '007',
        DROVER_SECRET_KEY: 'true',
      },
    });
    expect(config.success_subject).toBe('Done: {{ job.title }}');
    expect(config.farm_name).toBe('007');
    expect(config.secret_key).toBe('true');
  });

  it('accept 1/0 and yes/no for booleans, as PyFarm did', () => {
    const { config } = load({
      env: { PYFARM_SQL_ECHO: '1', DROVER_PRETTY_JSON: 'yes', DROVER_LOGIN_DISABLED: '0' },
    });
    expect(config.echo_sql).toBe(true);
    expect(config.pretty_json).toBe(true);
    expect(config.login_disabled).toBe(false);
  });

  it('include every PYFARM_* name of the seed', () => {
    const { config, sources } = load({
      env: {
        PYFARM_DATABASE_URI: 'postgresql://farm@db/farm',
        PYFARM_SECRET_KEY: 's3cret',
        PYFARM_BASE_URL: 'https://farm.example/',
        PYFARM_FARM_NAME: 'main',
        PYFARM_LOGFILES_DIR: '/var/drover/logs',
        PYFARM_AGENT_REQUEST_TIMEOUT: '20',
        PYFARM_DEFAULT_JOB_DELETE_TIME: '3600',
      },
    });
    expect(config.database).toBe('postgresql://farm@db/farm');
    expect(config.secret_key).toBe('s3cret');
    expect(config.base_url).toBe('https://farm.example/');
    expect(config.farm_name).toBe('main');
    expect(config.tasklogs_dir).toBe('/var/drover/logs');
    expect(config.agent_request_timeout).toBe(20);
    expect(config.default_job_delete_time).toBe(3600);
    expect(sources.database).toBe('env:PYFARM_DATABASE_URI');
    for (const key of Object.values(PYFARM_ENV_KEYS)) {
      expect((CONFIG_KEYS as string[]).includes(key) || ignoredReason(key) !== undefined, key).toBe(true);
    }
  });

  it('prefer DROVER_<KEY> over the PYFARM_* name, with a warning', () => {
    const { config, warnings } = load({
      env: { PYFARM_DATABASE_URI: 'sqlite:///old.sqlite', DROVER_DATABASE: 'sqlite:///new.sqlite' },
    });
    expect(config.database).toBe('sqlite:///new.sqlite');
    expect(warnings).toEqual([
      {
        key: 'database',
        message: 'is set by both DROVER_DATABASE and PYFARM_DATABASE_URI; PYFARM_DATABASE_URI is not used',
        source: 'env:PYFARM_DATABASE_URI',
      },
    ]);
  });

  it('skip DROVER_ variables that are not configuration keys', () => {
    expect(() =>
      load({ env: { DROVER_CONFIG: '', DROVER_DEBUG: '1', DROVER_TEST_SKIP_DATABASES: 'mysql' } }),
    ).not.toThrow();
  });

  it('warn about PyFarm variables Drover has no use for', () => {
    const name = Object.keys(IGNORED_PYFARM_ENV)[0] as string;
    const { warnings } = load({ env: { [name]: 'True' } });
    expect(warnings).toEqual([expect.objectContaining({ key: name, source: `env:${name}` })]);
  });
});

describe('ignored and renamed keys', () => {
  it('accept keys that make no sense in Drover, with a warning each, and leave them out of the config', () => {
    const file = writeConfig('scheduler_broker: redis://queue\ndebug_queue: true\n');
    const { config, warnings } = load({ file, env: { PYFARM_APP_INSTANCE: 'true' } });
    expect(warnings.map((w) => [w.key, w.source.replace(/^.*config-\d+\.yml/, 'file')])).toEqual([
      ['scheduler_broker', 'file:1'],
      ['debug_queue', 'file:2'],
      ['instance_application', 'env:PYFARM_APP_INSTANCE'],
    ]);
    expect(warnings[0]?.message).toMatch(/^is ignored by Drover: .*broker/);
    expect(config).not.toHaveProperty('scheduler_broker');
  });

  it('expand table names from table_prefix', () => {
    const file = writeConfig('table_prefix: farm_\n');
    const { config, warnings } = load({ file });
    expect(warnings).toEqual([]);
    expect(config.table_job).toBe('farm_jobs');
    expect(config.table_software_version).toBe('farm_software_versions');
  });

  it('let the new name win over the old one in the same layer, whatever the order', () => {
    const file = writeConfig('agent_reannounce_interval: 40\nagent_master_reannounce: 20\n');
    expect(load({ file }).config.agent_reannounce_interval).toBe(40);
    expect(load({ file, overrides: { agent_master_reannounce: 25 } }).config.agent_reannounce_interval).toBe(
      25,
    );
  });

  it('apply agent_master_reannounce to agent_reannounce_interval, with a warning', () => {
    const { config, warnings } = load({ overrides: { agent_master_reannounce: 20 } });
    expect(config.agent_reannounce_interval).toBe(20);
    expect(warnings).toEqual([
      {
        key: 'agent_master_reannounce',
        message: "is PyFarm's name for agent_reannounce_interval; use that instead",
        source: 'override',
      },
    ]);
  });
});

describe('problems', () => {
  it('are all reported together, each with its key and source', () => {
    const file = writeConfig(
      ['agent_api_port: 70000', 'database: ftp://files', 'cookie_duration: {fortnights: 1}', ''].join('\n'),
    );
    const problems = problemsOf({ file });
    expect(problems).toEqual([
      {
        key: 'database',
        message: expect.stringMatching(/^must be a database URL.*; got "ftp:\/\/files"$/),
        source: `${file}:2`,
      },
      { key: 'cookie_duration', message: expect.stringMatching(/^must be a duration/), source: `${file}:3` },
      {
        key: 'agent_api_port',
        message: 'must be a TCP port from 1 to 65535; got 70000',
        source: `${file}:1`,
      },
    ]);
  });

  it('come from every layer at once', () => {
    const file = writeConfig('farm_nmae: x\n');
    const problems = problemsOf({
      file,
      env: { DROVER_AGENT_API_PROT: '1', DROVER_TRANSACTION_RETRIES: 'many' },
      overrides: { log_level: 'chatty' },
    });
    expect(problems.map((p) => [p.key, p.source])).toEqual([
      ['farm_nmae', `${file}:1`],
      ['agent_api_prot', 'env:DROVER_AGENT_API_PROT'],
      ['transaction_retries', 'env:DROVER_TRANSACTION_RETRIES'],
      ['log_level', 'override'],
    ]);
  });

  it('suggest the nearest key for an unknown one, spelled as its source spells it', () => {
    const file = writeConfig('databse: sqlite:///x.sqlite\n');
    const problems = problemsOf({ file, env: { DROVER_AGENT_API_PROT: '50001' } });
    expect(problems.map((p) => p.message)).toEqual([
      'is not a configuration key (did you mean database?)',
      'is not a configuration key (did you mean DROVER_AGENT_API_PORT?)',
    ]);
  });

  it('include a missing file', () => {
    const path = join(dir, 'missing.yml');
    expect(problemsOf({ file: path })).toEqual([
      { key: '(file)', message: 'cannot read the configuration file: no such file', source: path },
    ]);
  });

  it('include a file that is not YAML, with the line, next to the other problems', () => {
    const file = writeConfig('farm_name: a\nfarm_name: b\nbad: [unclosed\n');
    const problems = problemsOf({ file, env: { DROVER_AGENT_API_PORT: '0' } });
    expect(problems.filter((p) => p.key === '(file)').map((p) => p.source)).toContain(`${file}:2`);
    expect(problems.every((p) => p.message.length > 0 && !p.message.includes('\n'))).toBe(true);
    expect(problems.at(-1)).toMatchObject({ key: 'agent_api_port', source: 'env:DROVER_AGENT_API_PORT' });
  });

  it('include a file that is not a mapping', () => {
    const file = writeConfig('- database\n- farm_name\n');
    expect(problemsOf({ file })).toEqual([
      { key: '(file)', message: 'a configuration file must hold a mapping of keys to values', source: file },
    ]);
  });

  it('include reference cycles', () => {
    const file = writeConfig(
      'agent_data_root: $agent_logs_root/data\nagent_logs_root: $agent_data_root/logs\n',
    );
    expect(problemsOf({ file })).toContainEqual({
      key: 'agent_data_root',
      message: 'refers to itself through agent_data_root -> agent_logs_root -> agent_data_root',
      source: `${file}:1`,
    });
  });

  it('include values that contradict each other', () => {
    const problems = problemsOf({
      overrides: {
        queue_default_priority: 2000,
        agent_min_ram: 1024,
        agent_max_ram: 512,
        agent_offline_timeout: 30,
      },
    });
    expect(problems.map((p) => p.key)).toEqual([
      'queue_default_priority',
      'agent_min_ram',
      'agent_offline_timeout',
    ]);
    expect(problems[2]?.message).toMatch(/must be longer than agent_reannounce_interval \(30 s <= 30 s\)/);
  });

  it('never show a secret value', () => {
    const problems = problemsOf({ overrides: { secret_key: 42, database: 'ftp://u:hunter2@x/' } });
    expect(JSON.stringify(problems)).not.toMatch(/hunter2|42/);
  });

  it('read as one multi-line message', () => {
    try {
      load({ env: { DROVER_AGENT_API_PORT: 'x', DROVER_LOG_LEVEL: 'loud' } });
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toBe(
        [
          'invalid configuration (2 problems):',
          '  - agent_api_port: must be a TCP port from 1 to 65535; got "x" [env:DROVER_AGENT_API_PORT]',
          '  - log_level: must be one of fatal, error, warn, info, debug, trace, silent; got "loud" [env:DROVER_LOG_LEVEL]',
        ].join('\n'),
      );
    }
  });
});

describe('droverEnvName', () => {
  it('is DROVER_ and the key in upper case', () => {
    expect(droverEnvName('agent_api_port')).toBe('DROVER_AGENT_API_PORT');
  });
});
