/**
 * Python's difflib.unified_diff (with `lineterm=''`), for `drover exec --diff`: the hunks must come out
 * as clush prints them, and difflib's SequenceMatcher (longest matching blocks, "popular" lines treated
 * as junk in sequences of 200+ lines) does not produce the same hunks as a minimal diff would.
 */
type Opcode = ['equal' | 'replace' | 'delete' | 'insert', number, number, number, number];
type Block = [number, number, number];

class SequenceMatcher {
  private readonly b2j = new Map<string, number[]>();

  constructor(
    private readonly a: readonly string[],
    private readonly b: readonly string[],
  ) {
    b.forEach((line, j) => {
      const indices = this.b2j.get(line);
      if (indices) indices.push(j);
      else this.b2j.set(line, [j]);
    });
    // autojunk: in long sequences, lines found in more than 1% of b do not seed matches.
    if (b.length >= 200) {
      const limit = Math.floor(b.length / 100) + 1;
      for (const [line, indices] of [...this.b2j]) if (indices.length > limit) this.b2j.delete(line);
    }
  }

  private longestMatch(alo: number, ahi: number, blo: number, bhi: number): Block {
    const { a, b } = this;
    let [besti, bestj, bestsize] = [alo, blo, 0];
    let j2len = new Map<number, number>();
    for (let i = alo; i < ahi; i++) {
      const next = new Map<number, number>();
      for (const j of this.b2j.get(a[i]!) ?? []) {
        if (j < blo) continue;
        if (j >= bhi) break;
        const k = (j2len.get(j - 1) ?? 0) + 1;
        next.set(j, k);
        if (k > bestsize) [besti, bestj, bestsize] = [i - k + 1, j - k + 1, k];
      }
      j2len = next;
    }
    // No line is junk (no isjunk function), so only the "interesting" extension applies; popular lines
    // may still extend a match here, as in Python (bjunk is empty, so isbjunk is always false).
    while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
      besti -= 1;
      bestj -= 1;
      bestsize += 1;
    }
    while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
      bestsize += 1;
    }
    return [besti, bestj, bestsize];
  }

  private matchingBlocks(): Block[] {
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    const blocks: Block[] = [];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.longestMatch(alo, ahi, blo, bhi);
      if (k) {
        blocks.push([i, j, k]);
        if (alo < i && blo < j) queue.push([alo, i, blo, j]);
        if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
      }
    }
    blocks.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
    const merged: Block[] = [];
    let [i1, j1, k1] = [0, 0, 0];
    for (const [i2, j2, k2] of blocks) {
      if (i1 + k1 === i2 && j1 + k1 === j2) k1 += k2;
      else {
        if (k1) merged.push([i1, j1, k1]);
        [i1, j1, k1] = [i2, j2, k2];
      }
    }
    if (k1) merged.push([i1, j1, k1]);
    merged.push([this.a.length, this.b.length, 0]);
    return merged;
  }

  private opcodes(): Opcode[] {
    let [i, j] = [0, 0];
    const answer: Opcode[] = [];
    for (const [ai, bj, size] of this.matchingBlocks()) {
      if (i < ai && j < bj) answer.push(['replace', i, ai, j, bj]);
      else if (i < ai) answer.push(['delete', i, ai, j, bj]);
      else if (j < bj) answer.push(['insert', i, ai, j, bj]);
      [i, j] = [ai + size, bj + size];
      if (size) answer.push(['equal', ai, i, bj, j]);
    }
    return answer;
  }

  *groupedOpcodes(n: number): Generator<Opcode[]> {
    const codes = this.opcodes();
    if (codes.length === 0) codes.push(['equal', 0, 1, 0, 1]);
    const first = codes[0]!;
    if (first[0] === 'equal') {
      codes[0] = [
        'equal',
        Math.max(first[1], first[2] - n),
        first[2],
        Math.max(first[3], first[4] - n),
        first[4],
      ];
    }
    const last = codes[codes.length - 1]!;
    if (last[0] === 'equal') {
      codes[codes.length - 1] = [
        'equal',
        last[1],
        Math.min(last[2], last[1] + n),
        last[3],
        Math.min(last[4], last[3] + n),
      ];
    }
    let group: Opcode[] = [];
    for (const code of codes) {
      const [tag, , i2, , j2] = code;
      let [, i1, , j1] = code;
      if (tag === 'equal' && i2 - i1 > 2 * n) {
        group.push([tag, i1, Math.min(i2, i1 + n), j1, Math.min(j2, j1 + n)]);
        yield group;
        group = [];
        [i1, j1] = [Math.max(i1, i2 - n), Math.max(j1, j2 - n)];
      }
      group.push([tag, i1, i2, j1, j2]);
    }
    if (group.length > 0 && !(group.length === 1 && group[0]![0] === 'equal')) yield group;
  }
}

function range(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return `${beginning}`;
  if (!length) beginning -= 1;
  return `${beginning},${length}`;
}

/** The lines of `difflib.unified_diff(a, b, fromfile, tofile, lineterm='')`. */
export function* unifiedDiff(
  a: readonly string[],
  b: readonly string[],
  fromFile: string,
  toFile: string,
  n = 3,
): Generator<string> {
  let started = false;
  for (const group of new SequenceMatcher(a, b).groupedOpcodes(n)) {
    if (!started) {
      started = true;
      yield `--- ${fromFile}`;
      yield `+++ ${toFile}`;
    }
    const first = group[0]!;
    const last = group[group.length - 1]!;
    yield `@@ -${range(first[1], last[2])} +${range(first[3], last[4])} @@`;
    for (const [tag, i1, i2, j1, j2] of group) {
      if (tag === 'equal') {
        for (const line of a.slice(i1, i2)) yield ` ${line}`;
        continue;
      }
      if (tag === 'replace' || tag === 'delete') for (const line of a.slice(i1, i2)) yield `-${line}`;
      if (tag === 'replace' || tag === 'insert') for (const line of b.slice(j1, j2)) yield `+${line}`;
    }
  }
}
