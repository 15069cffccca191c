import { readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { unusedPort } from '../helpers/ports.js';
import { startListeningMaster, type ListeningMaster } from '../helpers/listening-master.js';
import { TEST_PASSWORD } from '../support/master.js';

let m: ListeningMaster;
beforeAll(async () => {
  m = await startListeningMaster();
});
afterAll(async () => {
  await m?.close();
});

const credentialsFile = () => join(m.home, '.config', 'drover', 'credentials.json');
const readStored = () => JSON.parse(readFileSync(credentialsFile(), 'utf8')) as Record<string, unknown>;

describe('drover login / logout', () => {
  it('stores an API token for an admin in a 0600 file, which the client commands then use', async () => {
    const env = m.env('stored');
    const login = await runCli(['login', '-u', 'admin-user', '--password-stdin'], {
      env,
      stdin: `${TEST_PASSWORD}\n`,
    });
    expect(login).toMatchObject({ code: 0, stderr: '' });
    expect(login.stdout).toBe(
      `logged in to ${m.url} as admin-user; an API token is in ${credentialsFile()}\n`,
    );
    expect(statSync(credentialsFile()).mode & 0o777).toBe(0o600);
    expect(statSync(join(m.home, '.config', 'drover')).mode & 0o777).toBe(0o700);
    const stored = readStored();
    expect(stored).toMatchObject({ master: m.url, username: 'admin-user', kind: 'api' });
    expect(stored.token).toMatch(/^drv_/);

    const queues = await runCli(['queues', '--json'], { env });
    expect(queues).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(queues.stdout)).toEqual([]);

    // Logging in again revokes the previous token.
    const again = await runCli(['login', '-u', 'admin-user', '--password-stdin', '--json'], {
      env,
      stdin: TEST_PASSWORD,
    });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ master: m.url, username: 'admin-user', kind: 'api' });
    m.farm.master.authenticator.forget();
    const old = await runCli(['queues'], {
      env: { ...m.env('anonymous'), DROVER_TOKEN: String(stored.token) },
    });
    expect(old.code).toBe(3);
    expect(old.stderr).toMatch(/^drover: the token is invalid, revoked or expired; log in again/);

    const newToken = String(readStored().token);
    const logout = await runCli(['logout'], { env });
    expect(logout).toMatchObject({ code: 0, stdout: `logged out of ${m.url}\n`, stderr: '' });
    m.farm.master.authenticator.forget();
    const revoked = await runCli(['queues'], { env: { ...m.env('anonymous'), DROVER_TOKEN: newToken } });
    expect(revoked.code).toBe(3);
    expect(await runCli(['logout'], { env })).toMatchObject({ code: 0, stdout: 'not logged in\n' });
    const anonymous = await runCli(['queues'], { env });
    expect(anonymous.code).toBe(3);
    expect(anonymous.stderr).toMatch(/not logged in to http:\/\/127\.0\.0\.1:\d+: run drover login/);
  });

  it('keeps the session of a user who may not create API tokens', async () => {
    const env = m.env('stored');
    const login = await runCli(['login', '--username', 'artist-user', '--password-stdin'], {
      env,
      stdin: TEST_PASSWORD,
    });
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/as artist-user; the session token \(it expires\) is in /);
    expect(readStored()).toMatchObject({ kind: 'session', token_id: null, username: 'artist-user' });
    const queues = await runCli(['queues'], { env });
    expect(queues).toMatchObject({ code: 0, stderr: '' });
    expect(queues.stdout).toMatch(/^ID\s+QUEUE\s+PRIORITY/);
    expect((await runCli(['logout'], { env })).code).toBe(0);
  });

  it('refuses a wrong password, a missing password source and an unreachable master', async () => {
    const env = m.env('stored');
    const wrong = await runCli(['login', '-u', 'admin-user', '--password-stdin'], { env, stdin: 'nope' });
    expect(wrong).toMatchObject({
      code: 3,
      stdout: '',
      stderr: `drover: cannot log in to ${m.url}: wrong username or password\n`,
    });
    const noTerminal = await runCli(['login', '-u', 'admin-user'], { env });
    expect(noTerminal).toMatchObject({
      code: 2,
      stderr: 'drover: no terminal to ask for the password: use --password-stdin\n',
    });
    const noUser = await runCli(['login', '--password-stdin'], { env, stdin: 'x' });
    expect(noUser).toMatchObject({ code: 2, stderr: 'drover: give the user name with --username\n' });
    const closed = `http://127.0.0.1:${await unusedPort()}`;
    const down = await runCli(['login', '-u', 'a', '--password-stdin', '--master', closed], {
      env,
      stdin: 'x',
    });
    expect(down.code).toBe(5);
    expect(down.stderr).toBe(
      `drover: cannot reach the master at ${closed}: connection refused (is it running? drover up starts one)\n`,
    );
    const badUrl = await runCli(['queues', '--master', 'ftp://x'], { env });
    expect(badUrl).toMatchObject({
      code: 2,
      stderr: 'drover: ftp://x: the master URL must be http:// or https://\n',
    });
  });

  it('never sends a stored token to another master, and reports a damaged credentials file', async () => {
    const env = m.env('stored');
    expect(
      (await runCli(['login', '-u', 'admin-user', '--password-stdin'], { env, stdin: TEST_PASSWORD })).code,
    ).toBe(0);
    // The same master under another name is another master as far as the token goes.
    const other = await runCli(['queues', '--master', m.url.replace('127.0.0.1', 'localhost')], { env });
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/not logged in to http:\/\/localhost:/);
    const viaApiPath = await runCli(['queues', '--master', `${m.url}/api/v1/`], { env });
    expect(viaApiPath.code).toBe(0);
    expect((await runCli(['logout'], { env })).code).toBe(0);

    mkdirSync(join(m.home, '.config', 'drover'), { recursive: true });
    writeFileSync(credentialsFile(), '{not json');
    const damaged = await runCli(['queues'], { env });
    expect(damaged).toMatchObject({
      code: 3,
      stderr: `drover: ${credentialsFile()} is not valid JSON; run drover login again\n`,
    });
    const relogin = await runCli(['login', '-u', 'admin-user', '--password-stdin'], {
      env,
      stdin: TEST_PASSWORD,
    });
    expect(relogin.code).toBe(0);
    expect(relogin.stderr).toMatch(/warning: ignoring .*credentials\.json: .* is not valid JSON/);
    expect((await runCli(['logout'], { env })).code).toBe(0);
  });
});
