/**
 * A prefix tree of output lines keyed by source (ClusterShell's MsgTree): every source (a node of a
 * worker) points at the element holding its last line, and sources whose whole output is identical share
 * one element, which is how `drover exec -b` gathers nodes. Identical lines are stored once, so 10,000
 * nodes printing the same 50 lines cost 50 lines.
 *
 * Lines are bytes (commands may print anything); inside the tree each is kept as a latin1 string, one char
 * per byte, which is lossless and makes it a cheap Map key.
 */

/** One node of the tree; as a message, the lines from the root down to it. */
class Element {
  readonly children = new Map<string, Element>();

  constructor(
    readonly line: string | undefined,
    readonly parent: Element | undefined,
  ) {}

  child(line: string): Element {
    let elem = this.children.get(line);
    if (!elem) {
      elem = new Element(line, this);
      this.children.set(line, elem);
    }
    return elem;
  }
}

/** A whole buffer of a tree: its lines, root first. */
export class Message {
  private constructor(private readonly rawLines: readonly string[]) {}

  /** @internal */
  static of(elem: Element): Message {
    const lines: string[] = [];
    for (let e: Element | undefined = elem; e?.line !== undefined; e = e.parent) lines.push(e.line);
    return new Message(lines.reverse());
  }

  /** @internal Lines as latin1 byte strings (one char per byte). */
  static fromByteStrings(lines: readonly string[]): Message {
    return new Message(lines);
  }

  get lineCount(): number {
    return this.rawLines.length;
  }

  lines(): Buffer[] {
    return this.rawLines.map((l) => Buffer.from(l, 'latin1'));
  }

  /** The lines joined with `\n`, without a final newline (ClusterShell's `bytes(msg)`). */
  toBuffer(): Buffer {
    return Buffer.from(this.rawLines.join('\n'), 'latin1');
  }

  /** The buffer decoded as UTF-8. */
  toString(): string {
    return this.toBuffer().toString('utf8');
  }

  /** @internal */
  byteStrings(): readonly string[] {
    return this.rawLines;
  }
}

export interface Gathered<K> {
  message: Message;
  keys: K[];
}

export class MsgTree<K> {
  private root = new Element(undefined, undefined);
  private readonly last = new Map<K, Element>();

  /** Number of keys holding a message. */
  get size(): number {
    return this.last.size;
  }

  has(key: K): boolean {
    return this.last.has(key);
  }

  add(key: K, line: Buffer | string): void {
    const text = typeof line === 'string' ? line : line.toString('latin1');
    this.last.set(key, (this.last.get(key) ?? this.root).child(text));
  }

  get(key: K): Message | undefined {
    const elem = this.last.get(key);
    return elem && Message.of(elem);
  }

  keys(): IterableIterator<K> {
    return this.last.keys();
  }

  /** Every key with its message, in the order keys first appeared. */
  *items(match?: (key: K) => boolean): Generator<[K, Message]> {
    for (const [key, elem] of this.last) if (!match || match(key)) yield [key, Message.of(elem)];
  }

  messages(match?: (key: K) => boolean): Message[] {
    return [...this.walk(match)].map((g) => g.message);
  }

  /**
   * One entry per distinct whole message, with its keys. The order is ClusterShell's depth-first walk
   * (a stack: the most recent sibling first), which clush relies on to break ties when sorting.
   */
  *walk(match?: (key: K) => boolean): Generator<Gathered<K>> {
    const keysAt = new Map<Element, K[]>();
    for (const [key, elem] of this.last) {
      if (match && !match(key)) continue;
      const keys = keysAt.get(elem);
      if (keys) keys.push(key);
      else keysAt.set(elem, [key]);
    }
    if (keysAt.size === 0) return;
    const stack: Element[] = [this.root];
    while (stack.length > 0) {
      const elem = stack.pop()!;
      for (const child of elem.children.values()) stack.push(child);
      const keys = keysAt.get(elem);
      if (keys) yield { message: Message.of(elem), keys };
    }
  }

  /** Forgets the matching keys (their lines stay shared with other keys, if any). */
  remove(match: (key: K) => boolean): void {
    for (const key of [...this.last.keys()]) if (match(key)) this.last.delete(key);
  }

  clear(): void {
    this.root = new Element(undefined, undefined);
    this.last.clear();
  }
}
