import { describe, expect, it } from 'vitest';
import {
  GroupResolutionPendingError,
  GroupResolverIllegalCharError,
  GroupResolverSourceError,
  NodeSetExternalError,
  NodeSetValueError,
} from '../errors.js';
import { groupsOf, regroup } from '../node-set-groups.js';
import { NodeSet } from '../node-set.js';
import { createFarmGroupResolver } from './farm-group-resolver.js';
import { GroupResolver } from './group-resolver.js';
import { StaticGroupSource, type GroupAnswer, type GroupSource } from './group-source.js';

/** A source answering asynchronously, counting its calls. */
function asyncSource(name: string, groups: Record<string, string>, calls: string[] = []): GroupSource {
  return {
    name,
    map: async (group: string): Promise<GroupAnswer> => {
      calls.push(group);
      await new Promise((r) => setTimeout(r, 1));
      return groups[group] ?? '';
    },
    list: async () => Object.keys(groups),
  };
}

describe('GroupResolver', () => {
  it('resolves synchronous sources during a plain parse', () => {
    const resolver = new GroupResolver([new StaticGroupSource('s', { a: 'n[1-2]', b: '@a,n3' })]);
    expect(NodeSet.parse('@b', { resolver }).toString()).toBe('n[1-3]');
    expect(resolver.sourceNames()).toEqual(['s']);
    expect(resolver.defaultSourceName).toBe('s');
  });

  it('waits for asynchronous sources in resolve(), one round per nesting level', async () => {
    const calls: string[] = [];
    const resolver = new GroupResolver([asyncSource('s', { a: 'n[1-2]', b: '@a,n3', c: '@b,@a' }, calls)]);
    expect(() => NodeSet.parse('@c', { resolver })).toThrow(GroupResolutionPendingError);
    expect((await NodeSet.resolve('@c', { resolver })).toString()).toBe('n[1-3]');
    expect(calls.sort()).toEqual(['a', 'b', 'c']);
    // cached now: a plain parse no longer waits
    expect(NodeSet.parse('@c!n1', { resolver }).toString()).toBe('n[2-3]');
  });

  it('reports a failing asynchronous answer once, then asks again', async () => {
    let fail = true;
    const source: GroupSource = {
      name: 's',
      map: async () => {
        if (fail) throw new Error('inventory down');
        return 'n1';
      },
    };
    const resolver = new GroupResolver([source]);
    await expect(NodeSet.resolve('@x', { resolver })).rejects.toThrow('inventory down');
    fail = false;
    expect((await NodeSet.resolve('@x', { resolver })).toString()).toBe('n1');
  });

  it('expires cached answers after their time to live', async () => {
    let now = 0;
    let value = 'n1';
    const source: GroupSource = { name: 's', cacheTtlMs: 1000, map: async () => value };
    const resolver = new GroupResolver([source], { now: () => now });
    expect((await NodeSet.resolve('@g', { resolver })).toString()).toBe('n1');
    value = 'n2';
    now = 500;
    expect(NodeSet.parse('@g', { resolver }).toString()).toBe('n1');
    now = 1500;
    expect((await NodeSet.resolve('@g', { resolver })).toString()).toBe('n2');
  });

  it('knows its sources and refuses unknown ones', () => {
    const resolver = new GroupResolver([new StaticGroupSource('a', {}), new StaticGroupSource('b', {})], {
      defaultSource: 'b',
    });
    expect(resolver.sourceNames()).toEqual(['b', 'a']);
    expect(() => (resolver.defaultSourceName = 'c')).toThrow(GroupResolverSourceError);
    expect(() => resolver.addSource(new StaticGroupSource('a', {}))).toThrow(NodeSetValueError);
    expect(() => NodeSet.parse('@c:x', { resolver })).toThrow('c');
    expect(() => new GroupResolver().groupNodes('x')).toThrow('<default>');
  });

  it('computes all nodes from list + map when the source has no `all`', () => {
    const source: GroupSource = { name: 's', map: (g) => `n${g}`, list: () => '1 2\n3' };
    const resolver = new GroupResolver([source]);
    expect(NodeSet.parse('@*', { resolver }).toString()).toBe('n[1-3]');
    expect(NodeSet.parse('n*!n2', { resolver }).toString()).toBe('n[1,3]');
    const mapOnly = new GroupResolver([{ name: 'm', map: () => 'x' }]);
    expect(() => NodeSet.parse('@*', { resolver: mapOnly })).toThrow(NodeSetExternalError);
  });

  it('refuses group names with illegal characters', () => {
    const resolver = new GroupResolver([{ name: 's', map: () => '', list: () => ['ok', 'bad,name'] }]);
    expect(() => NodeSet.parse('@@s', { resolver })).toThrow(GroupResolverIllegalCharError);
  });

  it('stops runaway group recursion with a parse error', () => {
    const resolver = new GroupResolver([new StaticGroupSource('s', { a: '@b', b: '@a' })]);
    expect(() => NodeSet.parse('@a', { resolver })).toThrow('maximum recursion depth exceeded');
  });
});

describe('group membership', () => {
  const resolver = new GroupResolver([
    new StaticGroupSource('local', {
      io1: 'node[1-2]',
      io2: 'node[3-4]',
      io3: 'node[5-6]',
      all: 'node[1-6]',
    }),
  ]);

  it('regroups with the largest fully contained groups', () => {
    expect(regroup(NodeSet.parse('node[1-6]', { resolver }))).toBe('@all');
    expect(regroup(NodeSet.parse('node[1-3]', { resolver }))).toBe('@io1,node3');
    expect(regroup(NodeSet.parse('x1', { resolver }))).toBe('x1');
  });

  it('lists the groups of some nodes', () => {
    const groups = groupsOf(NodeSet.parse('node[2-3]', { resolver }));
    expect([...groups.keys()]).toEqual(['@all', '@io1', '@io2']);
    expect(groups.get('@io1')!.matched.toString()).toBe('node2');
    expect(groups.get('@io1')!.nodes.toString()).toBe('node[1-2]');
  });
});

describe('farm groups', () => {
  const agents = [
    { hostname: 'render01', state: 'online', tags: ['gpu', 'linux'] },
    { hostname: 'render02', state: 'running', tags: ['linux'] },
    { hostname: 'render03', state: 'offline', tags: ['gpu'] },
  ];

  it('answers @all, @tag:<tag>, @state:<state> and membership from one agent listing', async () => {
    let listings = 0;
    const resolver = createFarmGroupResolver({
      listAgents: async () => {
        listings++;
        return agents;
      },
    });
    const resolve = async (s: string): Promise<string> => (await NodeSet.resolve(s, { resolver })).toString();
    expect(await resolve('@all')).toBe('render[01-03]');
    expect(await resolve('@tag:gpu')).toBe('render[01,03]');
    expect(await resolve('@state:online,@state:running')).toBe('render[01-02]');
    expect(await resolve('@tag:*!@tag:gpu')).toBe('render02');
    expect(await resolve('@@tag')).toBe('gpu,linux');
    expect(listings).toBe(1);
    const groups = await resolver.settle(() => groupsOf(NodeSet.parse('render01', { resolver }), 'tag'));
    expect([...groups.keys()]).toEqual(['@tag:gpu', '@tag:linux']);
  });
});
