/**
 * `drover nodeset`, in-process: ClusterShell's documented behaviours (spec §2), one command line each.
 * Every command names the fixture group configuration, so the host's /etc/clustershell plays no part.
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const GROUPS = resolve(import.meta.dirname, 'fixtures/groups/groups.conf');

async function nodeset(args: string[], stdin?: string) {
  return runCli(['nodeset', '--groupsconf', GROUPS, ...args], stdin === undefined ? {} : { stdin });
}

describe('drover nodeset', () => {
  const cases: [string[], string | undefined, string][] = [
    [['-f', 'node[1-10]', 'node[01-10]'], undefined, 'node[1-9,01-10]\n'],
    [['-c', 'node[1-10]', 'node[01-10]'], undefined, '19\n'],
    [['-f', 'node2', 'node01', 'node001'], undefined, 'node[2,01,001]\n'],
    [['-e', 'x[1-3]y[1-3]!x2y2'], undefined, 'x1y1 x1y2 x1y3 x3y1 x3y2 x3y3 x2y1 x2y3\n'],
    [['-f', 'x[1-3]y[1-3]', '-x', 'x2y2'], undefined, 'x[1,3]y[1-3],x2y[1,3]\n'],
    [['-f', '--autostep=3', 'n1', 'n3', 'n5', 'n6', 'n7'], undefined, 'n[1-5/2,6-7]\n'],
    [['-f', '--autostep=auto', 'n[1-9/2]'], undefined, 'n[1-9/2]\n'],
    [['-f', '--autostep=50%', 'n[1-9/2],n20'], undefined, 'n[1-9/2,20]\n'],
    [['-f', 'node[1-5],bar[1-2]&node[1-10]'], undefined, 'node[1-5]\n'],
    [['-f', '-x', 'node2', 'node[1-5]'], undefined, 'node[1-5]\n'],
    [['-f', '-X', 'n4', '-x', 'n4'], 'n[1-3]\n', 'n[1-4]\n'],
    [['-f', 'n1', '-f'], undefined, '-f,n1\n'],
    [['-f', 'n1', '--exclude=node[1-3]'], undefined, '--exclude=node[1-3],n1\n'],
    [['-f', 'a\nb'], undefined, 'a,b\n'],
    [['-f'], 'n1 n2 # n3\nn5#n6\n', 'n[1-2,5]\n'],
    [['-f'], 'n1 n2', 'n,n1\n'],
    [['-e', '-S', '\\n', 'n[1-3]'], undefined, 'n1\nn2\nn3\n'],
    [['-c', '-O', '%05d', 'n[1-10]'], undefined, '00010\n'],
    [['-O', '%s1', '-f', 'n[1-3]'], undefined, 'n[11,21,31]\n'],
    [['-e', '-O', 'x%sy', 'n[1-2]'], undefined, 'xn1y xn2y\n'],
    [['-I', '0-2', '-f', 'n[1-10]'], undefined, 'n[1-3]\n'],
    [['-I', '-1', '-f', 'n[1-10]'], undefined, '\n'],
    [['--split=3', '-f', 'n[1-10]'], undefined, 'n[1-4]\nn[5-7]\nn[8-10]\n'],
    [['--contiguous', '-f', 'node[8-12]', 'node[09-10]'], undefined, 'node[8-9]\nnode[09-12]\n'],
    [['--split=2', '-c'], '', '0\n'],
    [['--axis=1', '-f', 'x[1-2]y[1-2]'], undefined, 'x[1-2]y1,x[1-2]y2\n'],
    [['-fR', '1-5', '-x', '2-3'], undefined, '1,4-5\n'],
    [['-R', '-e', '--', '-3-1'], undefined, '-3 -2 -1 0 1\n'],
    [['-f', '@io[1-3]'], undefined, 'node[1-6]\n'],
    [['-f', '@racks:old'], undefined, 'example[0,2,32-159]\n'],
    [['-f', '@unknown'], undefined, '\n'],
    [['-f', '@@'], undefined, 'adm,all,compute,gpu,io,io[1-3],mds,nested,oss\n'],
    [['-r', 'node[1-3]'], undefined, '@io1,node3\n'],
    [['-r', '-s', 'rack', 'node[1-18]'], undefined, '@rack:J[1-2],node[17-18]\n'],
    [['-ll', '-s', 'rev'], undefined, '@rev:even n[2,4,6]\n@rev:odd n[1,3,5]\n'],
    [['-lll', 'node[1-3]'], undefined, '@io1 node[1-2] 2/2\n@io2 node3 1/2\n'],
    [['--groupsources'], undefined, 'local (default)\nrev\nroles\nracks\ncpu\nrack\nbroken\nnolist\n'],
    [['-a', '-s', 'rack', '-c'], undefined, '20\n'],
  ];
  it.each(cases)('%j (stdin %j) prints %j', async (args, stdin, stdout) => {
    const result = await nodeset(args, stdin);
    const warned = ['-x', '-i', '-X'].includes(args[1]!) && stdin === undefined;
    const stderr = warned ? 'WARNING: empty left operand for set operation\n' : '';
    expect(result).toEqual({ code: 0, stdout, stderr });
  });

  const failures: [string[], number, string][] = [
    [['n1'], 2, 'nodeset: error: No command specified.'],
    [['-f', '-c', 'n1'], 2, 'nodeset: error: Multiple commands not allowed.'],
    [['-g'], 2, 'nodeset: error: no such option: -g'],
    [['-R', '-a', '-f'], 2, 'nodeset: error: -a/-r only supported in NodeSet mode'],
    [['--split=2', '--contiguous', '-f', 'n1'], 2, 'incompatible splitting options (split, contiguous)'],
    [['--axis=1', '-e', 'n1'], 2, '--axis option is only supported when folding nodeset'],
    [['-f', 'node[1-2'], 1, 'nodeset: Parse error: missing bracket: "node[1-2"'],
    [['-f', 'n[1-02]'], 1, 'nodeset: Parse error: bad range: "padding length mismatch : "1-02""'],
    [['-f', 'n[1-2000000000]'], 1, 'ERROR: range too large'],
    [['-f', 'n1', '-x'], 1, 'ERROR: pop from empty list'],
    [['-e', '-S', '\\', 'n1'], 1, 'ERROR: invalid separator'],
    [['-e', '-O', '%d', 'n1'], 1, 'nodeset: %d format: a real number is required, not str'],
    [['-f', '@nosuch:x'], 1, 'nodeset: Unknown group source: "nosuch"'],
    [['-f', '@broken:x'], 1, 'nodeset: Parse error: exit 3: "@broken:x"'],
    [['-l', '-s', 'nolist'], 1, 'nodeset: No list upcall defined for group source "nolist"'],
    [['--contiguous', '-f', 'n[-3--1,5]'], 1, 'ERROR: Invalid range upper limit (0)'],
  ];
  it.each(failures)('%j exits %i with %j', async (args, code, message) => {
    const result = await nodeset(args);
    expect(result.code).toBe(code);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('warns about an empty left operand on stderr only', async () => {
    expect(await nodeset(['-f', '-x', 'n1', 'n[1-3]'])).toEqual({
      code: 0,
      stdout: 'n[1-3]\n',
      stderr: 'WARNING: empty left operand for set operation\n',
    });
  });

  it('prints ClusterShell-compatible help and version', async () => {
    const help = await nodeset(['--help']);
    expect(help.stdout).toMatch(/^Usage: nodeset \[COMMAND\] \[OPTIONS\] \[ns1 \[-ixX\] ns2\|\.\.\.\]\n/);
    expect(help.stdout).toContain(
      '  --axis=RANGESET     fold along these axis only (axis 1..n for nD nodeset)\n',
    );
    expect(await nodeset(['--version'])).toEqual({ code: 0, stdout: 'nodeset 1.9.1\n', stderr: '' });
  });

  it('expands a million names', async () => {
    const result = await runCli(['nodeset', '-e', '-S', '\\n', 'n[1-1000000]']);
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(7_888_896);
    expect(result.stdout.endsWith('\nn1000000\n')).toBe(true);
  });
});
