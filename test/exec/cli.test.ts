/**
 * `drover exec` in-process: what the differential test does not cover — help and version, tree mode
 * from a topology file, output files, verbose and progress output, copies, regrouping, the interactive
 * case.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { shortHostname } from '../../src/exec/index.js';
import { runCli } from '../helpers/cli.js';
import { GROUPS_CONF } from '../nodeset/differential-cases.js';
import { GATEWAY_COMMAND } from './support/gateway-command.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-exec-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('drover exec', () => {
  it('prints clush-style help and version', async () => {
    const help = await runCli(['exec', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: clush \[options\] command\n/);
    expect(help.stdout).toContain("'ssh' or 'agent', default is 'ssh')");
    expect(help.stdout).toContain('--agent-password=PASSWORD');
    expect(await runCli(['exec', '--version'])).toEqual({ code: 0, stdout: 'clush 1.9.1\n', stderr: '' });
  });

  it('fans out through the gateways of a topology file', { timeout: 60_000 }, async () => {
    const topology = join(dir, 'topology.conf');
    writeFileSync(topology, `[routes]\n${shortHostname()}: gw[1-2]\ngw[1-2]: n[1-10]\n`);
    const result = await runCli(
      ['exec', '-R', 'exec', '--topology', topology, '-v', '-w', 'n[1-10]', '-b', 'echo %h | cut -c1'],
      {
        env: { DROVER_GATEWAY_COMMAND: GATEWAY_COMMAND },
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout.endsWith('---------------\nn[1-10] (10)\n---------------\nn\n')).toBe(true);
    expect(result.stderr).toMatch(/^clush: enabling tree topology \(2 gateways\)\n/);
  });

  it("writes each node's output to --outdir and --errdir", async () => {
    const out = join(dir, 'out');
    const err = join(dir, 'err');
    const result = await runCli([
      'exec',
      '-R',
      'exec',
      '-w',
      'n[1-2]',
      '--outdir',
      out,
      '--errdir',
      err,
      'echo o%n; echo e%n >&2',
    ]);
    expect(result.code).toBe(0);
    expect(readFileSync(join(out, 'n2'), 'utf8')).toBe('o1\n');
    expect(readFileSync(join(err, 'n1'), 'utf8')).toBe('e0\n');
  });

  it('prints lines live with -v in gathered mode, then the gathered blocks', async () => {
    const result = await runCli(['exec', '-R', 'exec', '-w', 'n1', '-bv', 'echo hi']);
    expect(result.stdout).toBe('n1: hi\n---------------\nn1\n---------------\nhi\n');
  });

  it('shows the progress meter with -P for runs over 1.33 s', { timeout: 20_000 }, async () => {
    const result = await runCli(['exec', '-R', 'exec', '-w', 'n[1-2]', '-P', 'sleep 2; echo done']);
    expect(result.stderr).toMatch(/clush: [0-2]\/2\r/);
    expect(result.stdout.split('\n').sort()).toEqual(['', 'n1: done', 'n2: done']);
  });

  it('copies files to the nodes and back with --copy/--rcopy', async () => {
    const source = join(dir, 'payload.txt');
    writeFileSync(source, 'data\n');
    const remote = join(dir, 'remote');
    mkdirSync(remote);
    const copy = await runCli([
      'exec',
      '-R',
      'exec',
      '-w',
      'n[1-2]',
      '-v',
      '--copy',
      source,
      '--dest',
      join(remote, 'copy.%h'),
    ]);
    expect(copy.code).toBe(0);
    expect(copy.stdout).toBe(`\`${source}' -> n[1-2]:\`${join(remote, 'copy.%h')}'\n`);
    expect(readFileSync(join(remote, 'copy.n2'), 'utf8')).toBe('data\n');
    const back = join(dir, 'back');
    mkdirSync(back);
    const rcopy = await runCli([
      'exec',
      '-R',
      'exec',
      '-w',
      'n[1-2]',
      '--rcopy',
      join(remote, 'copy.%h'),
      '--dest',
      back,
    ]);
    expect(rcopy.code).toBe(0);
    expect(readFileSync(join(back, 'copy.n1.n1'), 'utf8')).toBe('data\n');
    const missing = await runCli(['exec', '-R', 'exec', '-w', 'n1', '--copy', join(dir, 'nope')]);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `ERROR: file "${join(dir, 'nope')}" not found\n`,
    });
    expect(existsSync(join(dir, 'nope'))).toBe(false);
  });

  it('regroups node sets in headers with -r', async () => {
    // As clush: the groups of the chosen source (-s), prefixed unless -G.
    const regrouped = await runCli([
      'exec',
      '-R',
      'exec',
      '--groupsconf',
      GROUPS_CONF,
      '-s',
      'roles',
      '-w',
      '@roles:io',
      '-br',
      'echo same',
    ]);
    expect(regrouped.stdout).toBe('---------------\n@roles:io (3)\n---------------\nsame\n');
    const bare = await runCli([
      'exec',
      '-R',
      'exec',
      '--groupsconf',
      GROUPS_CONF,
      '-s',
      'roles',
      '-w',
      '@roles:io',
      '-brG',
      'echo same',
    ]);
    expect(bare.stdout).toBe('---------------\n@io (3)\n---------------\nsame\n');
  });

  it('refuses the interactive mode clush offers on a terminal', async () => {
    const stdin = Object.assign(Readable.from([]), { isTTY: true });
    let stderr = '';
    const io: CliIO = {
      stdout: { write: () => true },
      stderr: { write: (s: string) => (stderr += s) },
      stdin,
      env: {},
      cwd: process.cwd(),
    };
    expect(await main(['exec', '-R', 'exec', '-w', 'n1'], io)).toBe(1);
    expect(stderr).toBe('ERROR: interactive mode is not supported by drover exec; give a command\n');
  });
});
