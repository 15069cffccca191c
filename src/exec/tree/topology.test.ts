import { describe, expect, it } from 'vitest';
import { NodeSet } from '../../nodeset/index.js';
import { TopologyError } from '../errors.js';
import { Router } from './router.js';
import { Topology } from './topology.js';

const TWO_LEVELS =
  '[routes]\nadmin: gw[1-2],proxy\ngw1: n[1-10]\ngw2: n[11-20]\nproxy: p[1-2]\np[1-2]: q[1-100]\n';

describe('Topology', () => {
  it('builds the tree seen from the root and draws it as ClusterShell does', () => {
    // Expected strings from ClusterShell 1.9.1's TopologyTree.
    expect(Topology.parse('[routes]\nadmin: gw[1-2]\ngw[1-2]: n[1-10]\n', 'admin').toString()).toBe(
      'admin\n`- gw[1-2]\n   `- n[1-10]\n',
    );
    expect(Topology.parse(TWO_LEVELS, 'admin').toString()).toBe(
      'admin\n|- gw1\n|  `- n[1-10]\n|- gw2\n|  `- n[11-20]\n`- proxy\n   `- p[1-2]\n      `- q[1-100]\n',
    );
    expect(Topology.parse('[Main]\nadmin: gw1\n', 'admin').toString()).toBe('admin\n`- gw1\n');
    expect(Topology.parse('# comment\n[routes]\nadmin = gw1\n', 'admin').innerNodeCount()).toBe(1);
  });

  it.each([
    ['[routes]\nadmin: gw1\ngw1: admin\n', 'admin', 'Loop detected! Cannot add route gw1 -> admin'],
    [
      '[routes]\nadmin: gw1\ngw1: n1\nother: n1\n',
      'admin',
      'Convergent path detected! Cannot add route other -> n1',
    ],
    ['[routes]\nadmin: gw1\n', 'nobody', '"nobody" is not a valid root node!'],
    ['[routes]\n', 'admin', 'No route found in topology definition!'],
    ['[routes]\nadmin: admin,gw\n', 'admin', 'Source and destination nodesets overlap'],
    ['garbage\n', 'admin', 'Invalid configuration file: t.conf'],
    ['[routes]\na: b\na: c\n', 'a', 'Invalid configuration file: t.conf'],
  ])('rejects %j', (text, root, message) => {
    expect(() => Topology.parse(text, root, 't.conf')).toThrow(new TopologyError(message));
  });
});

describe('Router', () => {
  const hops = (text: string, root: string, targets: string) =>
    Object.fromEntries(
      new Router(Topology.parse(text, root))
        .dispatch(NodeSet.parse(targets))
        .map((h) => [h.gateway ?? '(direct)', h.targets.toString()]),
    );

  it('spreads targets over a group of gateways, least loaded first (as ClusterShell)', () => {
    expect(hops('[routes]\nadmin: gw[1-2]\ngw[1-2]: n[1-10]\n', 'admin', 'n[1-10],gw1,other1')).toEqual({
      gw1: 'n[1,3,5,7,9]',
      gw2: 'n[2,4,6,8,10]',
      '(direct)': 'gw1,other1',
    });
  });

  it('routes deeper targets through the first-level gateway, and from a gateway onwards', () => {
    expect(hops(TWO_LEVELS, 'admin', 'n[5-15],q[1-5],p1')).toEqual({
      gw1: 'n[5-10]',
      gw2: 'n[11-15]',
      proxy: 'p1,q[1-5]',
    });
    expect(hops(TWO_LEVELS, 'proxy', 'q[1-5]')).toEqual({ p1: 'q[1,3,5]', p2: 'q[2,4]' });
  });

  it('routes around a gateway marked unreachable', () => {
    const router = new Router(Topology.parse('[routes]\nadmin: gw[1-2]\ngw[1-2]: n[1-4]\n', 'admin'));
    router.markUnreachable('gw1');
    expect(router.dispatch(NodeSet.parse('n[1-4]')).map((h) => [h.gateway, h.targets.toString()])).toEqual([
      ['gw2', 'n[1-4]'],
    ]);
  });
});
