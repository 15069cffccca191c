import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const env = { HOME: '/home/artist', TMPDIR: '/scratch' };

function writeConfig(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('drover config show', () => {
  it('prints every key as YAML, secrets redacted, each non-default value preceded by its source', async () => {
    const file = writeConfig('site.yml', 'farm_name: main\n');
    const result = await runCli(['config', 'show', '--config', file], {
      env: { ...env, DROVER_DATABASE: 'postgresql://drover:hunter2@db/farm', PYFARM_SECRET_KEY: 'topsecret' },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toMatch(/hunter2|topsecret/);
    expect(result.stdout).toContain(`# from ${file}:1\nfarm_name: main\n`);
    expect(result.stdout).toContain(
      '# from env:DROVER_DATABASE\ndatabase: postgresql://drover:[redacted]@db/farm\n',
    );
    expect(result.stdout).toContain('# from env:PYFARM_SECRET_KEY\nsecret_key: "[redacted]"\n');
    const shown = parse(result.stdout) as Record<string, unknown>;
    expect(shown.agent_data_root).toBe('/scratch/drover');
    expect(shown.assign_tasks_interval).toEqual({ minutes: 4 });
    expect(shown.success_body).toMatch(/^\{\{ job/);
  });

  it('prints JSON with --json', async () => {
    const result = await runCli(['config', 'show', '--json'], { env });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(shown).toMatchObject({ public_read: false, agent_api_port: 50000, secret_key: '[redacted]' });
  });

  it('prints one key: a string as it is, anything else as YAML or JSON', async () => {
    expect((await runCli(['config', 'show', 'tasklogs_dir'], { env })).stdout).toBe(
      '/scratch/drover/task_logs\n',
    );
    expect((await runCli(['config', 'show', 'cookie_duration'], { env })).stdout).toBe('hours: 16\n');
    expect((await runCli(['config', 'show', 'smtp_login', '--json'], { env })).stdout).toBe('[null,null]\n');
    expect((await runCli(['config', 'show', 'secret_key'], { env })).stdout).toBe('[redacted]\n');
  });

  it('names the nearest key for an unknown one and exits 2', async () => {
    const result = await runCli(['config', 'show', 'databse'], { env });
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'drover: databse is not a configuration key (did you mean database?)\n',
    });
  });

  it('explains a key Drover ignores', async () => {
    const result = await runCli(['config', 'show', 'scheduler_broker'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^drover: scheduler_broker is ignored by Drover: .*broker/);
  });

  it('uses DROVER_CONFIG when --config is not given, relative to the working directory', async () => {
    writeConfig('from-env.yml', 'farm_name: from-env\n');
    const result = await runCli(['config', 'show', 'farm_name'], {
      env: { ...env, DROVER_CONFIG: 'from-env.yml' },
      cwd: dir,
    });
    expect(result).toMatchObject({ code: 0, stdout: 'from-env\n' });
  });
});

describe('drover config check', () => {
  it('exits 0 for a valid configuration and prints warnings on stderr', async () => {
    const file = writeConfig('old.yml', 'scheduler_broker: redis://queue\n');
    const result = await runCli(['config', 'check', '--config', file], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('configuration is valid (1 warning)\n');
    expect(result.stderr).toMatch(
      new RegExp(`^drover: warning: scheduler_broker is ignored by Drover: .* \\[${file}:1\\]\n$`),
    );
  });

  it('exits 2 with every problem on stderr in one message, never a stack trace', async () => {
    const file = writeConfig('bad.yml', 'agent_api_port: 70000\ndatabase: ftp://files\nlog_levle: debug\n');
    const result = await runCli(['config', 'check', '--config', file], {
      env: { ...env, DROVER_TRANSACTION_RETRIES: 'many' },
    });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      [
        'drover: invalid configuration (4 problems):',
        `  - log_levle: is not a configuration key (did you mean log_level?) [${file}:3]`,
        `  - database: must be a database URL: sqlite:///file, postgresql://user:pass@host/db or mysql://user:pass@host/db; got "ftp://files" [${file}:2]`,
        '  - transaction_retries: must be an integer >= 0; got "many" [env:DROVER_TRANSACTION_RETRIES]',
        `  - agent_api_port: must be a TCP port from 1 to 65535; got 70000 [${file}:1]`,
        '',
      ].join('\n'),
    );
  });

  it('reports a missing or unparsable file as a configuration problem', async () => {
    const missing = await runCli(['config', 'check', '--config', join(dir, 'nope.yml')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `(file): cannot read the configuration file: no such file [${join(dir, 'nope.yml')}]`,
    );

    const file = writeConfig('broken.yml', 'farm_name: [unclosed\n');
    const broken = await runCli(['config', 'check', '--config', file], { env });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(
      /^drover: invalid configuration \(\d+ problems?\):\n {2}- \(file\): not valid YAML: /,
    );
    expect(broken.stderr).not.toMatch(/\n\s+at /);
  });
});
