/**
 * What a task keeps from its last run: output lines gathered per stream in message trees, return codes
 * and timed-out nodes, all per *source* — one node of one worker — so that a node reached by two workers
 * keeps two results. Sources are interned, so they can be compared by identity.
 */
import { MsgTree } from './msg-tree.js';

export interface Source {
  readonly worker: object;
  readonly node: string;
}

export type BufferStream = 'stdout' | 'stderr';

export class TaskResults {
  private readonly sources = new Map<object, Map<string, Source>>();
  private readonly trees = new Map<BufferStream, MsgTree<Source>>();
  private readonly rcBySource = new Map<Source, number>();
  private readonly sourcesByRc = new Map<number, Set<Source>>();
  private readonly timeouts = new Set<Source>();
  private max: number | undefined;

  source(worker: object, node: string): Source {
    let byNode = this.sources.get(worker);
    if (!byNode) this.sources.set(worker, (byNode = new Map()));
    let source = byNode.get(node);
    if (!source) byNode.set(node, (source = { worker, node }));
    return source;
  }

  /** The tree of a stream, created on first use. */
  tree(stream: BufferStream): MsgTree<Source> {
    let tree = this.trees.get(stream);
    if (!tree) this.trees.set(stream, (tree = new MsgTree()));
    return tree;
  }

  existingTree(stream: BufferStream): MsgTree<Source> | undefined {
    return this.trees.get(stream);
  }

  setRc(source: Source, rc: number): void {
    const previous = this.rcBySource.get(source);
    if (previous !== undefined) this.sourcesByRc.get(previous)?.delete(source);
    this.rcBySource.set(source, rc);
    let set = this.sourcesByRc.get(rc);
    if (!set) this.sourcesByRc.set(rc, (set = new Set()));
    set.add(source);
    if (this.max === undefined || rc > this.max) this.max = rc;
  }

  rcOf(source: Source): number | undefined {
    return this.rcBySource.get(source);
  }

  /** Return codes of a node over every worker. */
  rcsOfNode(node: string): number[] {
    const codes: number[] = [];
    for (const [source, rc] of this.rcBySource) if (source.node === node) codes.push(rc);
    return codes;
  }

  /** `[rc, sources]` in the order return codes first appeared. */
  *byRc(match?: (source: Source) => boolean): Generator<[number, Source[]]> {
    for (const [rc, set] of this.sourcesByRc) {
      const sources = match ? [...set].filter(match) : [...set];
      if (sources.length > 0) yield [rc, sources];
    }
  }

  get maxRc(): number | undefined {
    return this.max;
  }

  addTimeout(source: Source): void {
    this.timeouts.add(source);
  }

  timedOut(match?: (source: Source) => boolean): Source[] {
    return match ? [...this.timeouts].filter(match) : [...this.timeouts];
  }

  clear(): void {
    this.sources.clear();
    this.trees.clear();
    this.rcBySource.clear();
    this.sourcesByRc.clear();
    this.timeouts.clear();
    this.max = undefined;
  }
}
