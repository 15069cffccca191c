/**
 * RangeSetND: a set of n-dimensional index vectors, held as a list of RangeSet vectors (their cartesian
 * products), e.g. `rack[1-2]node[01-40]` is one vector [1-2][01-40].
 *
 * The list is folded lazily, exactly when ClusterShell's RangeSetND folds (its `precond_fold` methods and
 * `len()`), with the same algorithm: a "univariate" fold when all vectors differ on one axis only, else
 * the multivariate expand-and-merge of range-set-nd-fold.ts. Which vectors come out, and in which order,
 * depends on that history, and `nodeset -f`/`-e` print that shape, so this class keeps ClusterShell's
 * structure (dirty flag, multivariate hint, which operand is folded first) rather than a canonical form.
 */
import { AUTOSTEP_DISABLED, RangeSet, sliceBounds } from './range-set.js';
import { expandToPoints, mergeVectorsGreedily, type Vector } from './range-set-nd-fold.js';

export type { Vector } from './range-set-nd-fold.js';

function vectorCount(vec: Vector): number {
  let n = 1;
  for (const rg of vec) n *= rg.length;
  return n;
}

export class RangeSetND {
  private veclist: Vector[] = [];
  private dirty = true;
  private multivarHint = false;
  /** Same meaning as RangeSet.autostepRaw; given to the range sets this object creates. */
  autostepRaw = AUTOSTEP_DISABLED;

  /** Vectors of range sets, copied unless `copy` is false (ownership is then transferred). */
  static fromVectors(
    vectors: readonly Vector[],
    options: { autostep?: number | null; copy?: boolean } = {},
  ): RangeSetND {
    const nd = new RangeSetND(options.autostep);
    for (const vec of vectors) {
      if (vec.length) nd.veclist.push(options.copy === false ? vec : vec.map((rg) => rg.copy()));
    }
    return nd;
  }

  /** Points given as tuples of element strings (each becomes a one-element range set). */
  static fromPoints(points: readonly (readonly string[])[], autostep?: number | null): RangeSetND {
    const nd = new RangeSetND(autostep);
    for (const point of points) {
      if (point.length) nd.veclist.push(point.map((e) => RangeSet.fromElements([e], autostep)));
    }
    return nd;
  }

  constructor(autostep?: number | null) {
    this.autostep = autostep ?? null;
  }

  get autostep(): number | null {
    return this.autostepRaw >= AUTOSTEP_DISABLED ? null : this.autostepRaw + 1;
  }

  /** Sets the threshold here and on every range set held (folded or not, like ClusterShell). */
  set autostep(value: number | null) {
    this.autostepRaw = value === null ? AUTOSTEP_DISABLED : Math.trunc(value) - 1;
    for (const vec of this.veclist) for (const rg of vec) rg.autostepRaw = this.autostepRaw;
  }

  // ---- folding ----------------------------------------------------------------------------------------

  private fold(): void {
    if (!this.dirty) return;
    if (this.veclist.length > 1) {
      if (!this.foldUnivariate()) {
        this.veclist = mergeVectorsGreedily(expandToPoints(this.veclist, this.autostepRaw));
        this.dirty = false;
      }
    } else this.dirty = false;
  }

  /** Merges all vectors into the first when they differ on one axis only; false when several vary. */
  private foldUnivariate(): boolean {
    const dim = this.dim();
    let vardim = 0;
    let dimdiff = 0;
    if (dim > 1) {
      for (let i = 0; i < dim; i++) {
        const first = this.veclist[0]![i]!;
        if (!this.veclist.every((vec) => vec[i]!.equals(first))) {
          dimdiff++;
          if (dimdiff > 1) break;
          vardim = i;
        }
      }
    }
    const univar = dim === 1 || dimdiff === 1;
    if (univar) {
      const target = this.veclist[0]![vardim]!;
      for (let k = 1; k < this.veclist.length; k++) target.update(this.veclist[k]![vardim]!);
      this.veclist.length = 1;
      this.dirty = false;
    }
    this.multivarHint = !univar;
    return univar;
  }

  /** The folded vectors (folding first, as ClusterShell's `veclist` property does). */
  vectors(): readonly Vector[] {
    this.fold();
    return this.veclist;
  }

  /** Replaces the vector list; folded on next read. */
  private setVectors(vectors: Vector[]): void {
    this.veclist = vectors;
    this.dirty = true;
  }

  // ---- reading ----------------------------------------------------------------------------------------

  /** Number of axes (0 when empty); does not fold. */
  dim(): number {
    return this.veclist[0]?.length ?? 0;
  }

  isEmpty(): boolean {
    return this.veclist.length === 0;
  }

  get length(): number {
    let n = 0;
    for (const vec of this.vectors()) n += vectorCount(vec);
    return n;
  }

  copy(): RangeSetND {
    this.fold();
    const cpy = new RangeSetND();
    cpy.veclist = this.veclist.map((vec) => vec.map((rg) => rg.copy()));
    cpy.dirty = this.dirty;
    return cpy;
  }

  /** Calls `fn` with each point (element strings), vector by vector, in product order. */
  forEachPoint(fn: (point: readonly string[]) => void): void {
    for (const vec of this.vectors()) {
      const axes = vec.map((rg) => [...rg]);
      const point = axes.map((a) => a[0]!);
      const idx = new Array<number>(axes.length).fill(0);
      for (;;) {
        fn(point);
        let d = axes.length - 1;
        while (d >= 0 && ++idx[d]! === axes[d]!.length) {
          idx[d] = 0;
          point[d] = axes[d]![0]!;
          d--;
        }
        if (d < 0) break;
        point[d] = axes[d]![idx[d]!]!;
      }
    }
  }

  points(): string[][] {
    const out: string[][] = [];
    this.forEachPoint((p) => out.push(p.slice()));
    return out;
  }

  /** Python slicing of the points in iteration order; the result is rebuilt from single points. */
  slice(start?: number, stop?: number, step = 1): RangeSetND {
    const all = this.points();
    const [from, to] = sliceBounds(all.length, start, stop);
    const picked: string[][] = [];
    for (let i = from; i < to; i += step) picked.push(all[i]!);
    return RangeSetND.fromPoints(picked, this.autostep);
  }

  /** Contiguous pieces, splitting each axis in turn (ClusterShell's RangeSetND.contiguous). */
  *contiguous(): Generator<RangeSetND> {
    let veclist: Vector[] = this.vectors().slice();
    const dim = this.dim();
    for (let d = 0; d < dim; d++) {
      const next: Vector[] = [];
      for (const vec of veclist) {
        for (const piece of vec[d]!.contiguous()) {
          const v = vec.slice();
          v[d] = piece;
          next.push(v);
        }
      }
      veclist = next;
    }
    for (const vec of veclist) yield RangeSetND.fromVectors([vec]);
  }

  isSuperset(other: RangeSetND): boolean {
    this.fold();
    if (this.dim() === 1 && other.dim() === 1) return this.veclist[0]![0]!.isSuperset(other.veclist[0]![0]!);
    if (other.veclist.length === 0) return true;
    const test = other.copy();
    test.differenceUpdate(this);
    return test.isEmpty();
  }

  isSubset(other: RangeSetND): boolean {
    return other.isSuperset(this);
  }

  equals(other: RangeSetND): boolean {
    return this.length === other.length && this.isSubset(other);
  }

  // ---- algebra ------------------------------------------------------------------------------------------

  /** Appends copies of `other`'s vectors (unfolded, as ClusterShell does) with this object's autostep. */
  update(other: RangeSetND | readonly Vector[]): void {
    const vectors = other instanceof RangeSetND ? other.veclist : other;
    for (const vec of vectors) {
      this.veclist.push(
        vec.map((rg) => {
          const cpy = rg.copy();
          cpy.autostepRaw = this.autostepRaw;
          return cpy;
        }),
      );
    }
    this.dirty = true;
    if (!this.multivarHint) this.foldUnivariate();
  }

  union(other: RangeSetND): RangeSetND {
    const cpy = this.copy();
    cpy.update(other);
    return cpy;
  }

  /** Removes `other`'s points, splitting vectors axis by axis (pieces may overlap until folded). */
  differenceUpdate(other: RangeSetND): void {
    const ergvx = other.veclist;
    const result: Vector[] = [];
    for (const rgvec1 of this.veclist) {
      let procvx1: Vector[] = [rgvec1];
      let nextvx1: Vector[] = [];
      for (const rgvec2 of ergvx) {
        for (const rgproc1 of procvx1) {
          let tmpvx: Vector[] = [];
          for (let pos = 0; pos < rgproc1.length; pos++) {
            const rg1 = rgproc1[pos]!;
            const rg2 = rgvec2[pos]!;
            if (rg1.isSubset(rg2)) continue;
            if (rg1.intersects(rg2)) {
              const tmpvec = rgproc1.slice();
              tmpvec[pos] = rg1.difference(rg2);
              tmpvx.push(tmpvec);
            } else {
              tmpvx = [rgproc1];
              break;
            }
          }
          for (const v of tmpvx) nextvx1.push(v);
        }
        // Pieces fully covered by rgvec2 are gone; the others are refined against the next vector.
        procvx1 = nextvx1;
        nextvx1 = [];
      }
      for (const v of procvx1) result.push(v);
    }
    this.setVectors(result);
  }

  difference(other: RangeSetND): RangeSetND {
    const cpy = this.copy();
    cpy.differenceUpdate(other);
    return cpy;
  }

  intersectionUpdate(other: RangeSetND): void {
    if (other === this) return;
    const tmp = new RangeSetND();
    for (const rgvec of this.veclist) {
      for (const ergvec of other.veclist) {
        const irgvec = rgvec.map((rg, i) => rg.intersection(ergvec[i]!));
        if (!irgvec.some((rg) => rg.isEmpty())) tmp.update([irgvec]);
      }
    }
    this.setVectors(tmp.vectors() as Vector[]);
  }

  intersection(other: RangeSetND): RangeSetND {
    const cpy = this.copy();
    cpy.intersectionUpdate(other);
    return cpy;
  }

  symmetricDifferenceUpdate(other: RangeSetND): void {
    const diff2 = other.difference(this);
    this.differenceUpdate(other);
    this.update(diff2);
  }

  symmetricDifference(other: RangeSetND): RangeSetND {
    const cpy = this.copy();
    cpy.symmetricDifferenceUpdate(other);
    return cpy;
  }
}
