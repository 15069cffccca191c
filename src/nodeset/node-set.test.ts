import { describe, expect, it } from 'vitest';
import { NodeSetParseError, NodeSetParseRangeError } from './errors.js';
import { GroupResolver } from './groups/group-resolver.js';
import { StaticGroupSource } from './groups/group-source.js';
import { expand, fold, NodeSet } from './index.js';

// Expectations produced by ClusterShell 1.9.1 (`nodeset -f` / `nodeset -c`).
const folding: [string, string, number][] = [
  ['node[1-10],node[01-10]', 'node[1-9,01-10]', 19],
  ['node2,node01,node001', 'node[2,01,001]', 3],
  ['node009,node10', 'node[10,009]', 2],
  ['a[1-2]b[1-2],a,a1,a1b,a-1', 'a,a1,a1b,a[1-2]b[1-2],a-1', 8],
  ['A1,a', 'A1,a', 2],
  ['foo[0]', 'foo0', 1],
  ['1,2,3', '[1-3]', 3],
  ['1-3', '1-3', 1],
  ['node-00[00-99]', 'node-[0000-0099]', 100],
  ['node1[00-02,000-032/8]', 'node[100-102,1000,1008,1016,1024,1032]', 8],
  ['node-[1-2]0-[0-2]5', 'node-[10,20]-[05,15,25]', 6],
  ['n[1-2]0', 'n[10,20]', 2],
  ['node0[1-3]', 'node[01-03]', 3],
  ['x[1-3]y[1-3]!x2y2', 'x[1,3]y[1-3],x2y[1,3]', 8],
  ['x[1-2]y[1-2]z[1-2]!x1y1z1', 'x2y[1-2]z[1-2],x1y2z[1-2],x1y1z2', 7],
  ['r1n[1-4],r2n[1-4],r3n[2-3]', 'r[1-2]n[1-4],r3n[2-3]', 10],
  ['node[1-5],bar[1-2]&node[1-10]', 'node[1-5]', 5],
  ['n[1-3]!n[01-03]', 'n[1-3]', 3],
  ['node[01-10]&node[5-15]', 'node10', 1],
  ['a!a1', 'a', 1],
  ['n[1-5]^n[4-8]', 'n[1-3,6-8]', 6],
  ['cluster%eth[0-1]', 'cluster%eth[0-1]', 2],
  ['nœud[1-3]', 'nœud[1-3]', 3],
  ['n\u0663,n4', 'n[3-4]', 2],
  [' node1 , node2 ', 'node[1-2]', 2],
  ['rack[1-2]node[01-02]', 'rack[1-2]node[01-02]', 4],
  ['n[-1]', 'n-1', 1],
  ['node12-ib0,node12-ib1', 'node12-ib[0-1]', 2],
  ['x,y,x', 'x,y', 2],
];

describe('NodeSet folding', () => {
  it.each(folding)('%j folds to %j (%i nodes)', (input, folded, count) => {
    const ns = NodeSet.parse(input);
    expect(ns.toString()).toBe(folded);
    expect(ns.length).toBe(count);
    expect(fold(input)).toBe(folded);
  });

  it('expands vector by vector, in the folded order', () => {
    expect(expand('x[1-3]y[1-3]!x2y2').join(' ')).toBe('x1y1 x1y2 x1y3 x3y1 x3y2 x3y3 x2y1 x2y3');
    expect(expand('rack[1-2]node[01-02]')).toEqual([
      'rack1node01',
      'rack1node02',
      'rack2node01',
      'rack2node02',
    ]);
    expect(expand('n[3,1],m1')).toEqual(['m1', 'n1', 'n3']);
  });

  it('folds along chosen axes only', () => {
    expect(new NodeSet('x[1-2]y[1-2]', { foldAxis: [0] }).toString()).toBe('x[1-2]y1,x[1-2]y2');
    expect(new NodeSet('x[1-2]y[1-2]', { foldAxis: [-1] }).toString()).toBe('x1y[1-2],x2y[1-2]');
    expect(new NodeSet('n[1-2]', { foldAxis: [1] }).toString()).toBe('n1,n2');
  });

  it('uses autostep when asked', () => {
    expect(new NodeSet('n[1-9/2]', { autostep: 3 }).toString()).toBe('n[1-9/2]');
    expect(new NodeSet('n[1-9/2]').toString()).toBe('n[1,3,5,7,9]');
  });
});

describe('NodeSet parse errors', () => {
  const errors: [string, string | undefined, string][] = [
    ['node[1-2', 'node[1-2', 'missing bracket: "node[1-2"'],
    ['node]1', 'node]1', 'illegal closing bracket: "node]1"'],
    ['n6[1-4]]', ']', 'illegal closing bracket: "]"'],
    ['n[1-4][3-4]', '[3-4]', 'illegal reopening bracket: "[3-4]"'],
    ['n[1-4]0[3-4]', '[3-4]', 'illegal reopening bracket: "[3-4]"'],
    ['node-00[1-6/2]0', '0', 'illegal trailing digits after range with steps: "0"'],
    ['foo,', 'foo', 'missing nodeset operand with \',\' operator: "foo"'],
    ['!foo', 'foo', 'missing nodeset operand with \'!\' operator: "foo"'],
    [',', '', "missing nodeset operand with ',' operator"],
    ['a,,b', 'b', 'missing nodeset operand with \',\' operator: "b"'],
    ['c%[1', 'c%%[1', 'missing bracket: "c%%[1"'],
  ];
  it.each(errors)('%j is refused, naming %j', (input, part, message) => {
    const err = (() => {
      try {
        NodeSet.parse(input);
      } catch (e) {
        return e;
      }
    })() as NodeSetParseError;
    expect(err).toBeInstanceOf(NodeSetParseError);
    expect(err.part).toBe(part);
    expect(err.message).toBe(message);
  });

  it('wraps range errors with the range error as cause', () => {
    const err = (() => {
      try {
        NodeSet.parse('n[3-1]');
      } catch (e) {
        return e;
      }
    })() as NodeSetParseRangeError;
    expect(err).toBeInstanceOf(NodeSetParseRangeError);
    expect(err.message).toBe('bad range: "invalid values in range : "3-1""');
    expect(err.rangeError.part).toBe('3-1');
  });
});

describe('NodeSet as a set', () => {
  it('combines sets and strings', () => {
    const ns = NodeSet.parse('node[1-10]');
    expect(ns.union('node[11-12]').toString()).toBe('node[1-12]');
    expect(ns.intersection('node[5-20]').toString()).toBe('node[5-10]');
    expect(ns.difference('node[2-9]').toString()).toBe('node[1,10]');
    expect(ns.symmetricDifference('node[9-11]').toString()).toBe('node[1-8,11]');
    expect(ns.toString()).toBe('node[1-10]');
    ns.update('a1');
    ns.differenceUpdate(NodeSet.parse('node[1-9]'));
    expect(ns.toString()).toBe('a1,node10');
  });

  it('answers membership', () => {
    const ns = NodeSet.parse('node[1-10],x[1-2]y[1-2]');
    expect(ns.has('node5')).toBe(true);
    expect(ns.has('node[2-3]')).toBe(true);
    expect(ns.has('node05')).toBe(false);
    expect(ns.has('x2y1')).toBe(true);
    expect(ns.isSubsetOf('node[1-10],x[1-3]y[1-3]')).toBe(true);
    expect(NodeSet.parse('b,a').equals(NodeSet.parse('a,b'))).toBe(true);
  });

  it('indexes, slices and splits in iteration order', () => {
    const ns = NodeSet.parse('a,node[1-5]');
    expect(ns.at(0)).toBe('a');
    expect(ns.at(-1)).toBe('node5');
    expect(ns.at(6)).toBeUndefined();
    expect(ns.slice(1, 3).toString()).toBe('node[1-2]');
    expect(NodeSet.parse('foo[1-5]').split(3).map(String)).toEqual(['foo[1-2]', 'foo[3-4]', 'foo5']);
    expect([...NodeSet.parse('n[1-3,5],m').contiguous()].map(String)).toEqual(['m', 'n[1-3]', 'n5']);
  });

  it('re-folds formatted names taken literally', () => {
    expect(NodeSet.fromNames(['n11', 'n21', 'n31']).toString()).toBe('n[11,21,31]');
    expect(NodeSet.fromNames(['n1[1-2]']).toString()).toBe('n1[1-2]');
  });

  it('treats @ and * as plain characters without a resolver', () => {
    expect(NodeSet.parse('@io,n*').toString()).toBe('@io,n*');
  });

  it('resolves groups through a resolver', () => {
    const resolver = new GroupResolver([
      new StaticGroupSource('racks', { r1: 'node[1-4]', r2: ['node5', 'node6 node7'], both: '@r1,@r2' }),
      new StaticGroupSource('roles', { io: '@racks:r1!node1' }),
    ]);
    const parse = (s: string): string => NodeSet.parse(s, { resolver }).toString();
    expect(parse('@r1!node2')).toBe('node[1,3-4]');
    expect(parse('@r2')).toBe('node[5-7]');
    expect(parse('@both')).toBe('node[1-7]');
    expect(parse('@roles:io')).toBe('node[2-4]');
    expect(parse('@r[1-2]')).toBe('node[1-7]');
    expect(parse('@unknown')).toBe('');
    expect(parse('@@racks')).toBe('both,r[1-2]');
    expect(parse('node[1-9]&node*')).toBe('node[1-7]');
    expect(() => parse('@nosuch:x')).toThrow('nosuch');
  });
});
