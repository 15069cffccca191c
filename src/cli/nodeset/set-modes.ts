/**
 * `nodeset` works on node sets, or on plain range sets with `-R`. The command is written once against
 * this small interface (ClusterShell does the same with its `class_set` variable).
 */
import { NodeSet, RangeSet, type GroupResolver } from '../../nodeset/index.js';

export interface SetMode<S> {
  readonly name: 'NodeSet' | 'RangeSet';
  /** An empty set (`class_set(autostep=...)`). */
  create(autostep: number | null): S;
  /** One string, operators and all (`class_set(text, autostep=...)`). */
  parse(text: string, autostep: number | null): S;
  /** Adds one word read from standard input (`target.update(class_set(word, autostep=...))`). */
  addWord(target: S, word: string, autostep: number | null): void;
  /** The union of several lines (`class_set.fromlist(lines, autostep=...)`). */
  fromLines(lines: readonly string[], autostep: number | null): S;
  update(target: S, other: S): void;
  intersectionUpdate(target: S, other: S): void;
  differenceUpdate(target: S, other: S): void;
  symmetricDifferenceUpdate(target: S, other: S): void;
  length(set: S): number;
  isEmpty(set: S): boolean;
  slice(set: S, start: number, stop: number): S;
  split(set: S, parts: number): Iterable<S>;
  contiguous(set: S): Iterable<S>;
  setAutostep(set: S, value: number): void;
  forEach(set: S, fn: (item: string) => void): void;
  toString(set: S): string;
}

/** A word without operators, brackets, groups, wildcards or `%`: one node name. */
const PLAIN_NAME = /^[^,!&^[\]@*?%]+$/;

export function nodeSetMode(resolver: GroupResolver): SetMode<NodeSet> {
  return {
    name: 'NodeSet',
    create: (autostep) => new NodeSet(undefined, { autostep, resolver }),
    parse: (text, autostep) => new NodeSet(text, { autostep, resolver }),
    addWord: (target, word, autostep) => {
      if (PLAIN_NAME.test(word)) target.addName(word);
      else target.update(new NodeSet(word, { autostep, resolver }));
    },
    fromLines: (lines, autostep) => NodeSet.fromList(lines, { autostep, resolver }),
    update: (t, o) => t.update(o),
    intersectionUpdate: (t, o) => t.intersectionUpdate(o),
    differenceUpdate: (t, o) => t.differenceUpdate(o),
    symmetricDifferenceUpdate: (t, o) => t.symmetricDifferenceUpdate(o),
    length: (s) => s.length,
    isEmpty: (s) => s.length === 0,
    slice: (s, start, stop) => s.slice(start, stop),
    split: (s, n) => s.split(n),
    contiguous: (s) => s.contiguous(),
    setAutostep: (s, v) => {
      s.autostep = v;
    },
    forEach: (s, fn) => s.forEach(fn),
    toString: (s) => s.toString(),
  };
}

export const rangeSetMode: SetMode<RangeSet> = {
  name: 'RangeSet',
  create: (autostep) => new RangeSet(autostep),
  parse: (text, autostep) => RangeSet.parse(text, autostep),
  addWord: (target, word, autostep) => target.update(RangeSet.parse(word, autostep)),
  fromLines: (lines, autostep) => {
    const set = new RangeSet(autostep);
    for (const line of lines) set.update(RangeSet.parse(line));
    return set;
  },
  update: (t, o) => t.update(o),
  intersectionUpdate: (t, o) => t.intersectionUpdate(o),
  differenceUpdate: (t, o) => t.differenceUpdate(o),
  symmetricDifferenceUpdate: (t, o) => t.symmetricDifferenceUpdate(o),
  length: (s) => s.length,
  isEmpty: (s) => s.length === 0,
  slice: (s, start, stop) => s.slice(start, stop),
  split: (s, n) => s.split(n),
  contiguous: (s) => s.contiguous(),
  setAutostep: (s, v) => {
    s.autostep = v;
  },
  forEach: (s, fn) => s.forEach(fn),
  toString: (s) => s.toString(),
};
