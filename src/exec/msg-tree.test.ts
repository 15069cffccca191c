import { describe, expect, it } from 'vitest';
import { MsgTree } from './msg-tree.js';

function build(entries: [string, string[]][]): MsgTree<string> {
  const tree = new MsgTree<string>();
  for (const [key, lines] of entries) for (const line of lines) tree.add(key, Buffer.from(line));
  return tree;
}

const walk = (tree: MsgTree<string>) =>
  [...tree.walk()].map(({ message, keys }) => [message.toString(), keys]);

describe('MsgTree', () => {
  it('gathers keys with identical whole messages, not shared prefixes', () => {
    const tree = build([
      ['n1', ['a', 'b']],
      ['n2', ['a', 'b']],
      ['n3', ['a']],
      ['n4', ['a', 'c']],
    ]);
    expect(new Set(walk(tree).map(([m]) => m))).toEqual(new Set(['a\nb', 'a', 'a\nc']));
    expect(walk(tree).find(([m]) => m === 'a\nb')![1]).toEqual(['n1', 'n2']);
  });

  it("walks depth first from the most recent sibling, as ClusterShell's stack does", () => {
    // ClusterShell 1.9.1: MsgTree with n1 'x', n2 'y', n3 'x' 'z' walks y, then x, then x\nz.
    const tree = build([
      ['n1', ['x']],
      ['n2', ['y']],
      ['n3', ['x', 'z']],
    ]);
    expect(walk(tree)).toEqual([
      ['y', ['n2']],
      ['x', ['n1']],
      ['x\nz', ['n3']],
    ]);
  });

  it('keeps bytes exactly and filters keys', () => {
    const tree = new MsgTree<string>();
    tree.add('k', Buffer.from([0xff, 0x00, 0x41]));
    tree.add('j', Buffer.from('other'));
    expect(tree.get('k')!.toBuffer()).toEqual(Buffer.from([0xff, 0x00, 0x41]));
    expect([...tree.walk((k) => k === 'j')].map((g) => g.keys)).toEqual([['j']]);
    tree.remove((k) => k === 'j');
    expect(tree.size).toBe(1);
    expect(tree.get('j')).toBeUndefined();
  });

  it('an empty line is a message of its own', () => {
    const tree = build([['n1', ['']]]);
    expect(walk(tree)).toEqual([['', ['n1']]]);
  });
});
