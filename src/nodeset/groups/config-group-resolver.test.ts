import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupResolverConfigError, GroupSourceQueryFailedError, NodeSetValueError } from '../errors.js';
import { NodeSet } from '../node-set.js';
import { createConfigGroupResolver, defaultGroupsConfigPaths, shlexSplit } from './config-group-resolver.js';
import { IniConfig, IniConfigError } from './ini-config.js';

let dir: string;

function write(path: string, text: string): string {
  const full = join(dir, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, text);
  return full;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-groups-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('groups.conf resolver', () => {
  it('loads confdir upcall sources, autodir YAML sources and its own sections, in that order', async () => {
    const conf = write(
      'groups.conf',
      [
        '[Main]',
        'default: local',
        'confdir: $CFGDIR/groups.conf.d',
        'autodir: $CFGDIR/groups.d "/no/such/dir"',
        '',
        '[local]',
        "map: sed -n 's/^$GROUP: *//p' local.cfg",
        "list: sed -n 's/:.*//p' local.cfg",
      ].join('\n'),
    );
    write('local.cfg', 'io: node[1-2]\ncompute: node[3-9]\nboth: @io,@compute\n');
    write('groups.conf.d/extra.conf', '[extra,extra2]\nmap: echo $SOURCE-$GROUP\n');
    write('groups.d/racks.yaml', "racks:\n  r1: 'node[1-4]'\n  r2:\n    - node5\n    - node6\n");
    const resolver = createConfigGroupResolver({ paths: [conf] });
    expect(resolver.sourceNames()).toEqual(['local', 'extra', 'extra2', 'racks']);
    const resolve = async (s: string): Promise<string> => (await NodeSet.resolve(s, { resolver })).toString();
    expect(await resolve('@both')).toBe('node[1-9]');
    expect(await resolve('@extra2:g1')).toBe('extra2-g1');
    expect(await resolve('@racks:r[1-2]')).toBe('node[1-6]');
    expect(await resolve('@@')).toBe('both,compute,io');
  });

  it('reports a failed upcall with its command line', async () => {
    const conf = write('groups.conf', '[s]\nmap: exit 3\n');
    const resolver = createConfigGroupResolver({ paths: [conf] });
    await expect(resolver.settle(() => resolver.groupNodes('x'))).rejects.toThrow(
      GroupSourceQueryFailedError,
    );
    await expect(NodeSet.resolve('@x', { resolver })).rejects.toThrow('exit 3: "@x"');
  });

  it('reads the configuration at first use only', () => {
    const conf = write('groups.conf', '[broken]\nlist: echo\n');
    const resolver = createConfigGroupResolver({ paths: [conf] });
    expect(NodeSet.parse('n[1-2]').toString()).toBe('n[1-2]');
    expect(() => resolver.sourceNames()).toThrow(GroupResolverConfigError);
    expect(() => createConfigGroupResolver({ paths: [conf] }).sourceNames()).toThrow(
      "No option 'map' in section: 'broken'",
    );
  });

  it.each([
    ['[Main]\ndefault: nope\n[a]\nmap: echo\n', 'Default group source not found: "nope"'],
    ['[a]\nmap: echo\n[a,b]\nmap: echo\n', "GroupSource 'a': name collision"],
    ['[a]\nmap: echo\ncache_time: soon\n', "could not convert string to float: 'soon'"],
  ])('refuses a bad configuration', (text, message) => {
    const conf = write('groups.conf', text);
    expect(() => createConfigGroupResolver({ paths: [conf] }).sourceNames()).toThrow(message);
  });

  it('refuses invalid YAML group files and duplicate source names', () => {
    const conf = write('groups.conf', '[Main]\nautodir: $CFGDIR/groups.d\n');
    write('groups.d/a.yaml', '- not\n- a mapping\n');
    expect(() => createConfigGroupResolver({ paths: [conf] }).sourceNames()).toThrow('base is not a dict');
    write('groups.d/a.yaml', 'src:\n  yes: node1\n');
    expect(() => createConfigGroupResolver({ paths: [conf] }).sourceNames()).toThrow(
      'group name true not a string',
    );
    write('groups.d/a.yaml', 'src:\n  g: node1\n');
    write('groups.d/b.yaml', 'src:\n  g: node2\n');
    expect(() => createConfigGroupResolver({ paths: [conf] }).sourceNames()).toThrow(NodeSetValueError);
  });

  it('has no source when no configuration file exists', () => {
    const resolver = createConfigGroupResolver({ paths: [join(dir, 'missing.conf')] });
    expect(resolver.sourceNames()).toEqual([]);
    expect(() => NodeSet.parse('@x', { resolver })).toThrow('<default>');
  });

  it('searches ClusterShell locations, CLUSTERSHELL_CFGDIR last', () => {
    expect(defaultGroupsConfigPaths({ HOME: '/h', CLUSTERSHELL_CFGDIR: '/c' })).toEqual([
      '/etc/clustershell/groups.conf',
      '/h/.local/etc/clustershell/groups.conf',
      '/h/.config/clustershell/groups.conf',
      '/c/groups.conf',
    ]);
  });
});

describe('groups.conf syntax', () => {
  it('reads options, continuations, comments and DEFAULT like configparser', () => {
    const ini = new IniConfig();
    ini.readString(
      [
        '# comment',
        '[DEFAULT]',
        'list = echo all',
        '[s]',
        'Map: echo',
        '  continued',
        '; note',
        'x: %(list)s %%',
      ].join('\n'),
    );
    expect(ini.sections()).toEqual(['s']);
    expect(ini.get('s', 'map', true)).toBe('echo\ncontinued');
    expect(ini.hasOption('s', 'list')).toBe(true);
    expect(ini.get('s', 'x')).toBe('echo all %');
    expect(ini.get('s', 'x', true)).toBe('%(list)s %%');
  });

  it('refuses what configparser refuses', () => {
    expect(() => new IniConfig().readString('key: value\n')).toThrow('File contains no section headers.');
    expect(() => new IniConfig().readString('[a]\n[a]\n')).toThrow("section 'a' already exists");
    expect(() => new IniConfig().readString('[a]\nk: 1\nk: 2\n')).toThrow(IniConfigError);
  });

  it('splits directory lists like shlex', () => {
    expect(shlexSplit(`a "b c" 'd e'  f\\ g`)).toEqual(['a', 'b c', 'd e', 'f g']);
    expect(() => shlexSplit('"open')).toThrow('No closing quotation');
  });
});
