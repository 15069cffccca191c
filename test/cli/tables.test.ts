import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { createEmptyDatabase, DIALECTS, unavailableReason } from '../support/databases.js';

describe('drover tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-tables-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the seed default SQLite database in the working directory, then has nothing to do', async () => {
    const first = await runCli(['tables'], { cwd: dir });
    expect(first).toMatchObject({ code: 0, stderr: '' });
    expect(first.stdout).toBe(
      'main tables in sqlite:///pyfarm.sqlite: created (0001-initial, 0002-roles, 0003-scheduler, 0004-agent-link-indexes, 0005-job-listing-indexes, 0006-task-sent-time, 0007-duplicate-task-index)\n' +
        'statistics tables in sqlite:///pyfarm-statistics.sqlite: created (0001-initial)\n',
    );
    const again = await runCli(['tables'], { cwd: dir });
    expect(again.stdout).toContain('main tables in sqlite:///pyfarm.sqlite: nothing to do');
  });

  it('takes the URL from PYFARM_DATABASE_URI and DROVER_DATABASE', async () => {
    const pyfarm = await runCli(['tables'], {
      cwd: dir,
      env: { PYFARM_DATABASE_URI: 'sqlite:///from-pyfarm.db' },
    });
    expect(pyfarm.stdout).toContain('sqlite:///from-pyfarm.db: created');
    const drover = await runCli(['tables'], {
      cwd: dir,
      env: { PYFARM_DATABASE_URI: 'sqlite:///from-pyfarm.db', DROVER_DATABASE: 'sqlite:///from-drover.db' },
    });
    expect(drover.stdout).toContain('sqlite:///from-drover.db: created');
  });

  it('drops everything with --drop-all --no-create-tables, and echoes SQL with --echo', async () => {
    const url = `sqlite:///${join(dir, 'echo.db')}`;
    await runCli(
      ['tables', '--database', url, '--statistics-database', `sqlite:///${join(dir, 'stats.db')}`],
      { cwd: dir },
    );
    const dropped = await runCli(
      ['tables', '--database', url, '--drop-all', '--no-create-tables', '--echo'],
      { cwd: dir },
    );
    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toContain(
      `main tables in ${url}: dropped (0007-duplicate-task-index, 0006-task-sent-time, 0005-job-listing-indexes, 0004-agent-link-indexes, 0003-scheduler, 0002-roles, 0001-initial)`,
    );
    expect(dropped.stderr).toMatch(/"sql":"drop table/);
    const recreated = await runCli(['tables', '--database', url, '--drop-all'], { cwd: dir });
    expect(recreated.stdout).toContain('main tables in ' + url + ': nothing to do');
    expect(recreated.stdout).toContain(
      `main tables in ${url}: created (0001-initial, 0002-roles, 0003-scheduler, 0004-agent-link-indexes, 0005-job-listing-indexes, 0006-task-sent-time, 0007-duplicate-task-index)`,
    );
  });

  it('reports a bad URL as a configuration error (exit 2) and an unreachable server as exit 1', async () => {
    const bad = await runCli(['tables', '--database', 'oracle://x/y'], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('database: must be a database URL');
    const down = await runCli(
      ['tables', '--database', 'postgresql://u:secret@127.0.0.1:1/db?connect_timeout=2'],
      { cwd: dir },
    );
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('cannot connect to postgres database postgresql://u:***@127.0.0.1:1/db');
    expect(down.stderr).not.toContain('secret');
  });

  for (const dialect of DIALECTS.filter((d) => d !== 'sqlite')) {
    const reason = unavailableReason(dialect);
    it.skipIf(reason !== undefined)(`works on ${dialect}${reason ? ` (${reason})` : ''}`, async () => {
      const database = await createEmptyDatabase(dialect);
      try {
        const created = await runCli(['tables', '--database', database.url]);
        expect(created.code).toBe(0);
        expect(created.stdout).toContain(
          'created (0001-initial, 0002-roles, 0003-scheduler, 0004-agent-link-indexes, 0005-job-listing-indexes, 0006-task-sent-time, 0007-duplicate-task-index)',
        );
        const dropped = await runCli([
          'tables',
          '--database',
          database.url,
          '--drop-all',
          '--no-create-tables',
        ]);
        expect(dropped.stdout).toContain(
          'dropped (0007-duplicate-task-index, 0006-task-sent-time, 0005-job-listing-indexes, 0004-agent-link-indexes, 0003-scheduler, 0002-roles, 0001-initial)',
        );
        expect(dropped.stdout).toContain('statistics tables');
      } finally {
        await database.drop();
      }
    });
  }
});
