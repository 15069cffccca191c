/**
 * The arithmetic core of a node set (ClusterShell's NodeSetBase): a map from pattern to a RangeSet (one
 * dimension), a RangeSetND (several) or null (a name without digits). No string parsing here; see
 * node-set.ts. Set operations work pattern by pattern on element strings, so they are padding sensitive
 * (`n[1-3]` minus `n[01-03]` is still `n[1-3]`) and an unindexed `a` never matches `a1`.
 *
 * The methods follow ClusterShell's step by step (which operand is copied, folded or updated in place),
 * because nD output shapes depend on it.
 */
import { NodeSetParseError, NodeSetValueError } from './errors.js';
import { comparePyStrings, formatPattern, type NodePattern } from './node-pattern.js';
import { AUTOSTEP_DISABLED, RangeSet } from './range-set.js';
import { RangeSetND } from './range-set-nd.js';

export type RangeEntry = RangeSet | RangeSetND | null;

export interface PatternEntry {
  readonly pattern: NodePattern;
  set: RangeEntry;
}

function isFilled(set: RangeEntry): set is RangeSet | RangeSetND {
  return set !== null && !set.isEmpty();
}

// Both operands of these helpers belong to the same pattern, so they have the same dimension count.
function updateSet(a: RangeSet | RangeSetND, b: RangeEntry): void {
  if (a instanceof RangeSet) a.update(b as RangeSet);
  else a.update(b as RangeSetND);
}

function intersectSets(a: RangeSet | RangeSetND, b: RangeEntry): RangeSet | RangeSetND {
  return a instanceof RangeSet ? a.intersection(b as RangeSet) : a.intersection(b as RangeSetND);
}

function subtractSets(a: RangeSet | RangeSetND, b: RangeEntry): void {
  if (a instanceof RangeSet) a.differenceUpdate(b as RangeSet);
  else a.differenceUpdate(b as RangeSetND);
}

function xorSets(a: RangeSet | RangeSetND, b: RangeEntry): void {
  if (a instanceof RangeSet) a.symmetricDifferenceUpdate(b as RangeSet);
  else a.symmetricDifferenceUpdate(b as RangeSetND);
}

function containsSet(a: RangeSet | RangeSetND, b: RangeEntry): boolean {
  return a instanceof RangeSet ? a.isSuperset(b as RangeSet) : a.isSuperset(b as RangeSetND);
}

export class NodeSetBase implements Iterable<string> {
  protected entries = new Map<string, PatternEntry>();
  private sortedCache: PatternEntry[] | undefined;
  /** ClusterShell's NodeSetBase._autostep: null (inherit) or the threshold given to new range sets. */
  protected autostepValue: number | null = null;
  /** 0-based axes along which nD sets fold when printed (negative from the end); null: all. */
  foldAxis: readonly number[] | null = null;

  /** A new empty set of the same class (ClusterShell's `self.__class__()`). */
  protected emptyLike(): NodeSetBase {
    return new (this.constructor as new () => NodeSetBase)();
  }

  get autostep(): number | null {
    return this.autostepValue;
  }

  /** Sets the threshold on the set and on every range set it holds. */
  set autostep(value: number | null) {
    this.autostepValue = value === null ? null : Math.min(Math.trunc(value), AUTOSTEP_DISABLED);
    for (const entry of this.entries.values()) {
      if (isFilled(entry.set)) entry.set.autostep = this.autostepValue;
    }
  }

  /** Entries in ClusterShell's output order (by pattern string). */
  protected sortedEntries(): PatternEntry[] {
    this.sortedCache ??= [...this.entries.values()].sort((a, b) =>
      comparePyStrings(a.pattern.key, b.pattern.key),
    );
    return this.sortedCache;
  }

  protected changed(): void {
    this.sortedCache = undefined;
  }

  /** @internal Raw entries, in insertion order. */
  patternEntries(): IterableIterator<PatternEntry> {
    return this.entries.values();
  }

  /** @internal Adds a pattern known to be absent; the range set is referenced, not copied. */
  addNew(pattern: NodePattern, set: RangeEntry): void {
    this.entries.set(pattern.key, { pattern, set });
    this.changed();
  }

  /** @internal ClusterShell's `_add`: merges into an existing pattern, else stores a copy. */
  add(pattern: NodePattern, set: RangeEntry, copy = true): void {
    const existing = this.entries.get(pattern.key);
    if (existing) {
      if ((existing.set === null) !== (set === null))
        throw new NodeSetParseError(undefined, 'Invalid operation');
      if (isFilled(existing.set)) updateSet(existing.set, set);
      return;
    }
    if (isFilled(set) && copy) {
      set = set.copy();
      if (this.autostepValue !== null) set.autostep = this.autostepValue;
    }
    this.addNew(pattern, set);
  }

  // ---- size and iteration -------------------------------------------------------------------------------

  get length(): number {
    let n = 0;
    for (const entry of this.entries.values()) n += isFilled(entry.set) ? entry.set.length : 1;
    return n;
  }

  isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** Calls `fn` with every node name, in ClusterShell's iteration order. */
  forEach(fn: (node: string) => void): void {
    for (const { pattern, set } of this.sortedEntries()) {
      if (!isFilled(set)) fn(formatPattern(pattern, []));
      else if (set instanceof RangeSet) {
        const [before, after] = pattern.parts as [string, string];
        set.forEach((e) => fn(before + e + after));
      } else set.forEachPoint((point) => fn(formatPattern(pattern, point)));
    }
  }

  *[Symbol.iterator](): Iterator<string> {
    const all: string[] = [];
    this.forEach((n) => all.push(n));
    yield* all;
  }

  /** One-node sets, in iteration order (ClusterShell's `_iterbase`). */
  nodeSets(): NodeSetBase[] {
    const out: NodeSetBase[] = [];
    for (const { pattern, set } of this.sortedEntries()) {
      if (!isFilled(set)) {
        const one = new NodeSetBase();
        one.addNew(pattern, null);
        out.push(one);
      } else if (set instanceof RangeSet) {
        set.forEach((e) => {
          const one = new NodeSetBase();
          one.addNew(pattern, RangeSet.fromElements([e], set.autostep));
          out.push(one);
        });
      } else {
        set.forEachPoint((point) => {
          const one = new NodeSetBase();
          one.addNew(pattern, RangeSetND.fromPoints([point], set.autostep));
          out.push(one);
        });
      }
    }
    return out;
  }

  // ---- printing -----------------------------------------------------------------------------------------

  private ndStrings(pattern: NodePattern, set: RangeSetND, out: string[]): void {
    const dimcnt = set.dim();
    const foldAxis =
      this.foldAxis === null
        ? null
        : this.foldAxis
            .filter((x) => x >= -dimcnt && x < dimcnt)
            .map((x) => ((x % dimcnt) + dimcnt) % dimcnt);
    for (const vec of set.vectors()) {
      let combos: string[][] = [];
      vec.forEach((rg, axis) => {
        let strings: string[];
        if (rg.length > 1) {
          strings = foldAxis !== null && !foldAxis.includes(axis) ? [...rg] : [`[${rg.toString()}]`];
        } else strings = [rg.toString()];
        const next: string[][] = [];
        for (const s of strings) {
          if (combos.length === 0) next.push([s]);
          else for (const combo of combos) next.push([...combo, s]);
        }
        combos = next;
      });
      for (const combo of combos) out.push(formatPattern(pattern, combo));
    }
  }

  /** The folded form, e.g. `node[1-3,5],rack[1-2]node[01-40]`. */
  toString(): string {
    const results: string[] = [];
    for (const { pattern, set } of this.sortedEntries()) {
      if (!isFilled(set)) results.push(formatPattern(pattern, []));
      else if (set instanceof RangeSet) {
        if (this.foldAxis === null || this.foldAxis.some((x) => x >= -1 && x < 1)) {
          const rgs = set.toString();
          results.push(formatPattern(pattern, [set.length > 1 ? `[${rgs}]` : rgs]));
        } else set.forEach((e) => results.push(formatPattern(pattern, [e])));
      } else this.ndStrings(pattern, set, results);
    }
    return results.join(',');
  }

  // ---- comparisons --------------------------------------------------------------------------------------

  isSuperset(other: NodeSetBase): boolean {
    for (const [key, { set: eset }] of other.entries) {
      const entry = this.entries.get(key);
      const ok = entry && isFilled(entry.set) ? containsSet(entry.set, eset) : !!entry;
      if (!ok) return false;
    }
    return true;
  }

  isSubset(other: NodeSetBase): boolean {
    return other.isSuperset(this);
  }

  equals(other: NodeSetBase): boolean {
    return this.length === other.length && this.isSuperset(other);
  }

  // ---- slicing ------------------------------------------------------------------------------------------

  /** Nodes at positions [start, stop) of the iteration order (Python slice bounds). */
  sliceBase(start?: number, stop?: number): NodeSetBase {
    const inst = new NodeSetBase();
    const length = this.length;
    const from = start === undefined ? 0 : start < 0 ? Math.max(0, length + start) : start;
    const to = stop === undefined ? Infinity : stop < 0 ? Math.max(0, length + stop) : stop;
    let next = from;
    if (to <= next) return inst;
    let position = 0;
    for (const { pattern, set } of this.sortedEntries()) {
      let count: number;
      let taken: number;
      if (isFilled(set)) {
        count = set.length;
        const offset = next - position;
        if (offset >= count) {
          position += count;
          continue;
        }
        taken = Math.min(to - next, count - offset);
        inst.add(pattern, set.slice(offset, offset + taken));
      } else {
        count = taken = 1;
        if (next > position) {
          position += count;
          continue;
        }
        inst.add(pattern, null);
      }
      next += taken;
      if (next >= to) break;
      position += count;
    }
    return inst;
  }

  // ---- in-place algebra ---------------------------------------------------------------------------------

  updateBase(other: NodeSetBase): void {
    for (const { pattern, set } of other.entries.values()) this.add(pattern, set);
  }

  intersectionUpdateBase(other: NodeSetBase): void {
    if (other === this) return;
    const tmp = new NodeSetBase();
    for (const { pattern, set: iset } of other.entries.values()) {
      const entry = this.entries.get(pattern.key);
      if (entry && isFilled(entry.set)) {
        const irset = intersectSets(entry.set, iset);
        if (irset.length > 0) tmp.add(pattern, irset, false);
      } else if (!isFilled(iset) && entry) tmp.add(pattern, null);
    }
    this.entries = tmp.entries;
    this.changed();
  }

  differenceUpdateBase(other: NodeSetBase): void {
    const purge: string[] = [];
    for (const [key, { set: eset }] of other.entries) {
      const entry = this.entries.get(key);
      if (entry && isFilled(entry.set)) {
        subtractSets(entry.set, eset);
        if (entry.set.length === 0) purge.push(key);
      } else if (entry) purge.push(key);
    }
    for (const key of purge) this.entries.delete(key);
    this.changed();
  }

  symmetricDifferenceUpdateBase(other: NodeSetBase): void {
    const purge: string[] = [];
    for (const [key, entry] of this.entries) {
      const bentry = other.entries.get(key);
      if (bentry && isFilled(bentry.set)) {
        if (entry.set !== null) xorSets(entry.set, bentry.set);
      } else if (bentry) purge.push(key);
    }
    for (const { pattern, set } of other.entries.values()) {
      const entry = this.entries.get(pattern.key);
      if (!entry) this.add(pattern, set);
    }
    for (const [key, { set }] of this.entries) {
      if (set !== null && set.length === 0) purge.push(key);
    }
    for (const key of purge) this.entries.delete(key);
    this.changed();
  }

  /** @internal A copy of the entries (range sets copied, which folds nD sets like ClusterShell's copy). */
  protected copyEntriesTo(target: NodeSetBase): void {
    const entries = new Map<string, PatternEntry>();
    for (const [key, { pattern, set }] of this.entries)
      entries.set(key, { pattern, set: set ? set.copy() : null });
    target.entries = entries;
    target.changed();
    target.foldAxis = this.foldAxis;
    target.autostepValue = this.autostepValue;
  }

  /** @internal Takes `other`'s entries (ClusterShell's `inst._patterns = base._patterns`). */
  protected adoptEntries(other: NodeSetBase): void {
    this.entries = other.entries;
    this.changed();
  }

  /** Guards ClusterShell's `assert nbr > 0` in split(). */
  protected static checkParts(n: number): void {
    if (!(n > 0)) throw new NodeSetValueError('split: number of parts must be positive');
  }
}
