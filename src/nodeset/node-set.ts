/**
 * NodeSet: a set of node names with ClusterShell's syntax and semantics (folding, expansion, set
 * algebra, groups). Strings are parsed with this set's group resolver; see node-set-base.ts for the
 * arithmetic and node-set-parser.ts for the syntax.
 *
 * Parsing is synchronous. With a resolver whose sources answer asynchronously, use `NodeSet.resolve`
 * (or run the work inside `resolver.settle`), which waits for group answers and parses again.
 */
import { GroupResolverError, NodeSetExternalError } from './errors.js';
import type { GroupResolver } from './groups/group-resolver.js';
import { NodeSetBase } from './node-set-base.js';
import { NodeSetParser } from './node-set-parser.js';
import { escapePercent, scanSingle } from './node-set-scanner.js';
import { pyStrip } from './python-text.js';

export interface NodeSetOptions {
  /** Resolves `@group` items; without one, `@` and `*` are ordinary characters. */
  resolver?: GroupResolver | null;
  /** Minimum number of equally spaced indexes written `a-b/step`; null (default) never. */
  autostep?: number | null;
  /** 0-based axes to fold nD names along (negative from the end); null (default) all. */
  foldAxis?: readonly number[] | null;
}

export class NodeSet extends NodeSetBase {
  private resolverRef: GroupResolver | null = null;
  private parser = new NodeSetParser(null);

  constructor(nodes?: string | NodeSetBase, options: NodeSetOptions = {}) {
    super();
    if (options.autostep !== undefined && options.autostep !== null) this.autostep = options.autostep;
    this.foldAxis = options.foldAxis ?? null;
    this.setResolver(options.resolver ?? null);
    if (nodes !== undefined) this.update(nodes);
  }

  /** Parses a node set string; throws NodeSetParseError (with the faulty part) on bad input. */
  static parse(text: string, options: NodeSetOptions = {}): NodeSet {
    return new NodeSet(text, options);
  }

  /** Like `parse`, waiting for asynchronous group sources. */
  static async resolve(text: string, options: NodeSetOptions = {}): Promise<NodeSet> {
    const resolver = options.resolver;
    if (!resolver) return new NodeSet(text, options);
    return resolver.settle(() => new NodeSet(text, options));
  }

  /** The union of several node set strings. */
  static fromList(items: Iterable<string>, options: NodeSetOptions = {}): NodeSet {
    const set = new NodeSet(undefined, options);
    for (const item of items) set.update(item);
    return set;
  }

  /**
   * The union of single names, each taken literally (no operators, brackets or groups): how ClusterShell
   * re-folds names produced by an output format.
   */
  static fromNames(names: Iterable<string>, options: NodeSetOptions = {}): NodeSet {
    const set = new NodeSet(undefined, options);
    for (const name of names) set.updateBase(set.parser.parseSingle(name, set.autostep));
    return set;
  }

  /** Every node of a group source (its `all` answer, else the union of its groups). */
  static fromAll(source: string | undefined, options: NodeSetOptions = {}): NodeSet {
    const set = new NodeSet(undefined, options);
    if (!set.resolverRef) throw new NodeSetExternalError('Group resolver is not defined');
    let all: string[];
    try {
      all = set.parser.allNodes(source);
    } catch (err) {
      if (err instanceof GroupResolverError) {
        throw new NodeSetExternalError(`Group source error (${err.name}: ${err.message})`);
      }
      throw err;
    }
    for (const item of all) set.update(item);
    return set;
  }

  get resolver(): GroupResolver | null {
    return this.resolverRef;
  }

  private setResolver(resolver: GroupResolver | null): void {
    this.resolverRef = resolver;
    this.parser = new NodeSetParser(resolver);
  }

  /** @internal The parser bound to this set's resolver. */
  get groupParser(): NodeSetParser {
    return this.parser;
  }

  private toBase(other: string | NodeSetBase): NodeSetBase {
    return typeof other === 'string' ? this.parser.parse(other, this.autostep) : other;
  }

  // ---- in place ---------------------------------------------------------------------------------------

  /**
   * Adds one plain node name — no operators, brackets, groups or wildcards — with the same result as
   * `update(new NodeSet(name, { autostep }))`, without building that set: the fast path for long lists.
   */
  addName(name: string): void {
    const { pattern, ranges } = scanSingle(escapePercent(pyStrip(name)), this.autostep);
    this.add(pattern, ranges);
  }

  update(other: string | NodeSetBase): void {
    this.updateBase(this.toBase(other));
  }

  intersectionUpdate(other: string | NodeSetBase): void {
    this.intersectionUpdateBase(this.toBase(other));
  }

  differenceUpdate(other: string | NodeSetBase): void {
    this.differenceUpdateBase(this.toBase(other));
  }

  symmetricDifferenceUpdate(other: string | NodeSetBase): void {
    this.symmetricDifferenceUpdateBase(this.toBase(other));
  }

  // ---- new sets ---------------------------------------------------------------------------------------

  copy(): NodeSet {
    const cpy = new NodeSet();
    this.copyEntriesTo(cpy);
    cpy.setResolver(this.resolverRef);
    return cpy;
  }

  union(other: string | NodeSetBase): NodeSet {
    const cpy = this.copy();
    cpy.update(other);
    return cpy;
  }

  intersection(other: string | NodeSetBase): NodeSet {
    const cpy = this.copy();
    cpy.intersectionUpdate(other);
    return cpy;
  }

  difference(other: string | NodeSetBase): NodeSet {
    const cpy = this.copy();
    cpy.differenceUpdate(other);
    return cpy;
  }

  symmetricDifference(other: string | NodeSetBase): NodeSet {
    const cpy = this.copy();
    cpy.symmetricDifferenceUpdate(other);
    return cpy;
  }

  // ---- membership -------------------------------------------------------------------------------------

  isSupersetOf(other: string | NodeSetBase): boolean {
    return this.isSuperset(this.toBase(other));
  }

  isSubsetOf(other: string | NodeSetBase): boolean {
    return this.toBase(other).isSuperset(this);
  }

  /** True when every node of `nodes` (a name or a node set string) is in this set. */
  has(nodes: string | NodeSetBase): boolean {
    return this.isSupersetOf(nodes);
  }

  // ---- positions --------------------------------------------------------------------------------------

  /** The node at `index` (negative from the end), or undefined. */
  at(index: number): string | undefined {
    const length = this.length;
    const i = index < 0 ? length + index : index;
    if (i < 0 || i >= length) return undefined;
    return [...this.slice(i, i + 1)][0];
  }

  /**
   * Nodes at positions [start, stop) of the iteration order, Python slice bounds. Like ClusterShell the
   * result keeps the autostep and resolver but not the fold axes.
   */
  slice(start?: number, stop?: number): NodeSet {
    const inst = new NodeSet(undefined, { autostep: this.autostep, resolver: this.resolverRef });
    inst.adoptEntries(this.sliceBase(start, stop));
    return inst;
  }

  /** `n` parts in order, sizes differing by at most one, larger parts first. */
  split(n: number): NodeSet[] {
    NodeSetBase.checkParts(n);
    const length = this.length;
    const size = Math.floor(length / n);
    const left = length % n;
    const parts: NodeSet[] = [];
    let begin = 0;
    for (let i = 0; i < Math.min(n, length); i++) {
      const count = size + (i < left ? 1 : 0);
      parts.push(this.slice(begin, begin + count));
      begin += count;
    }
    return parts;
  }

  /** One set per run of contiguous indexes of one pattern (nD: split along every axis). */
  *contiguous(): Generator<NodeSet> {
    for (const { pattern, set } of this.sortedEntries()) {
      if (set === null || set.isEmpty()) {
        const one = new NodeSet();
        one.addNew(pattern, null);
        yield one;
        continue;
      }
      for (const piece of set.contiguous()) {
        const one = new NodeSet();
        one.addNew(pattern, piece);
        yield one;
      }
    }
  }
}
