/**
 * The unfinished tasks of one job, as the scheduler's index holds them: compact parallel arrays in frame
 * order (then tile, then id), each slot queued, held by an agent, or gone (finished or deleted). A job of
 * 100,000 frames costs about 2 MB here instead of 100,000 objects.
 *
 * Invariants:
 * - slots never move; a task that comes back (requeued, handed back) reuses its slot, so frame order holds;
 * - `cursor` is at or before the first queued slot, so batch selection never scans finished work twice;
 * - `heldBy` has an entry exactly for the HELD slots.
 * New tasks (a re-framed job) are not inserted here: the whole job is reloaded instead.
 * Building from a million row objects is what makes loading slow, so the loader passes parallel arrays.
 */

export const GONE = 0;
export const QUEUED = 1;
export const HELD = 2;
export type SlotStatus = typeof GONE | typeof QUEUED | typeof HELD;

/** One row as loaded: an unfinished task of the job. */
export interface TaskSlotInput {
  id: number;
  frame: number;
  tile: number | null;
  /** The agent holding it (assigned or running), or null when it waits in the queue. */
  agentId: string | null;
}

/**
 * The permutation that sorts the slots by frame, tile, id; undefined when they already are (the usual
 * case: tasks are created in frame order and ids grow).
 */
function frameOrder(ids: Float64Array, frames: Float64Array, tiles: Int32Array): Uint32Array | undefined {
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = compareSlots(ids, frames, tiles, i - 1, i) < 0;
  if (sorted) return undefined;
  const order = Uint32Array.from({ length: ids.length }, (_, i) => i);
  return order.sort((a, b) => compareSlots(ids, frames, tiles, a, b));
}

function compareSlots(
  ids: Float64Array,
  frames: Float64Array,
  tiles: Int32Array,
  a: number,
  b: number,
): number {
  return frames[a]! - frames[b]! || tiles[a]! - tiles[b]! || ids[a]! - ids[b]!;
}

function permute<T extends Float64Array | Int32Array>(source: T, order: Uint32Array, target: T): T {
  for (let i = 0; i < order.length; i++) target[i] = source[order[i]!]!;
  return target;
}

/** Frames are Numeric(10,4): two frames closer than this are the same frame. */
const FRAME_EPSILON = 1e-6;

export class JobTasks {
  readonly ids: Float64Array;
  readonly frames: Float64Array;
  /** -1 = no tile. */
  readonly tiles: Int32Array;
  private readonly status: Uint8Array;
  private readonly heldBy = new Map<number, string>();
  private cursor = 0;
  private queued = 0;
  /** Ids ascend with the slots (true for jobs created in one go): positions are found by binary search. */
  private readonly idsAscending: boolean;
  private positions: Map<number, number> | undefined;
  /** taskId → agents the task failed on (only tasks that have such records). */
  private readonly blacklist = new Map<number, Set<string>>();

  /** Parallel columns in any order (tiles -1 = none, holder null = waiting); sorted here by frame, tile, id. */
  private constructor(
    ids: Float64Array,
    frames: Float64Array,
    tiles: Int32Array,
    holders: readonly (string | null)[],
    blacklist: Iterable<{ taskId: number; agentId: string }>,
  ) {
    const n = ids.length;
    const order = frameOrder(ids, frames, tiles);
    this.ids = order ? permute(ids, order, new Float64Array(n)) : ids;
    this.frames = order ? permute(frames, order, new Float64Array(n)) : frames;
    this.tiles = order ? permute(tiles, order, new Int32Array(n)) : tiles;
    this.status = new Uint8Array(n);
    let ascending = true;
    for (let i = 0; i < n; i++) {
      if (i > 0 && this.ids[i]! <= this.ids[i - 1]!) ascending = false;
      const holder = holders[order ? order[i]! : i] ?? null;
      if (holder === null) {
        this.status[i] = QUEUED;
        this.queued++;
      } else {
        this.status[i] = HELD;
        this.heldBy.set(i, holder);
      }
    }
    this.idsAscending = ascending;
    for (const { taskId, agentId } of blacklist) this.addFailedOn(taskId, agentId);
    this.advanceCursor();
  }

  static fromRows(
    rows: readonly TaskSlotInput[],
    blacklist: Iterable<{ taskId: number; agentId: string }> = [],
  ): JobTasks {
    return JobTasks.fromParts(undefined, rows, blacklist);
  }

  /**
   * From the database's two views of a job: its waiting tasks as parallel arrays (tiles -1 = none) and
   * the tasks agents hold.
   */
  static fromParts(
    waiting: { ids: readonly number[]; frames: readonly number[]; tiles: readonly number[] } | undefined,
    held: readonly TaskSlotInput[],
    blacklist: Iterable<{ taskId: number; agentId: string }> = [],
  ): JobTasks {
    const w = waiting?.ids.length ?? 0;
    const n = w + held.length;
    const ids = new Float64Array(n);
    const frames = new Float64Array(n);
    const tiles = new Int32Array(n);
    const holders: (string | null)[] = [];
    if (waiting) {
      ids.set(waiting.ids);
      frames.set(waiting.frames);
      tiles.set(waiting.tiles);
    }
    holders.length = w;
    for (let i = 0; i < held.length; i++) {
      const row = held[i]!;
      ids[w + i] = row.id;
      frames[w + i] = row.frame;
      tiles[w + i] = row.tile ?? -1;
      holders[w + i] = row.agentId;
    }
    return new JobTasks(ids, frames, tiles, holders, blacklist);
  }

  get size(): number {
    return this.ids.length;
  }

  get queuedCount(): number {
    return this.queued;
  }

  get heldCount(): number {
    return this.heldBy.size;
  }

  /** The slot of a task, or -1 when the job has no such unfinished task. */
  position(taskId: number): number {
    if (this.idsAscending) {
      let lo = 0;
      let hi = this.ids.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const id = this.ids[mid]!;
        if (id === taskId) return mid;
        if (id < taskId) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    if (!this.positions) {
      this.positions = new Map();
      for (let i = 0; i < this.ids.length; i++) this.positions.set(this.ids[i]!, i);
    }
    return this.positions.get(taskId) ?? -1;
  }

  statusAt(pos: number): SlotStatus {
    return this.status[pos] as SlotStatus;
  }

  holderAt(pos: number): string | undefined {
    return this.heldBy.get(pos);
  }

  /** Every held slot with its agent. */
  holders(): IterableIterator<[number, string]> {
    return this.heldBy.entries();
  }

  /** Changes one slot; returns the agent that held it before (if any). */
  set(pos: number, status: SlotStatus, agentId?: string): string | undefined {
    const before = this.status[pos] as SlotStatus;
    const previousHolder = this.heldBy.get(pos);
    if (before === QUEUED) this.queued--;
    if (before === HELD) this.heldBy.delete(pos);
    this.status[pos] = status;
    if (status === QUEUED) {
      this.queued++;
      if (pos < this.cursor) this.cursor = pos;
    } else if (status === HELD) {
      if (agentId === undefined) throw new Error('a held task needs its agent');
      this.heldBy.set(pos, agentId);
    }
    if (before === QUEUED && pos === this.cursor) this.advanceCursor();
    return previousHolder;
  }

  addFailedOn(taskId: number, agentId: string): void {
    let agents = this.blacklist.get(taskId);
    if (!agents) {
      agents = new Set();
      this.blacklist.set(taskId, agents);
    }
    agents.add(agentId);
  }

  failedOn(pos: number, agentId: string): boolean {
    return this.blacklist.size > 0 && (this.blacklist.get(this.ids[pos]!)?.has(agentId) ?? false);
  }

  /** Some queued task has not failed on this agent before. */
  hasTaskFor(agentId: string): boolean {
    if (this.queued === 0) return false;
    if (this.blacklist.size === 0) return true;
    for (let i = this.cursor; i < this.status.length; i++) {
      if (this.status[i] === QUEUED && !this.failedOn(i, agentId)) return true;
    }
    return false;
  }

  /** Tasks wait, but every one of them failed on this agent before (for explanations). */
  allQueuedFailedOn(agentId: string): boolean {
    return this.queued > 0 && !this.hasTaskFor(agentId);
  }

  /**
   * PyFarm's get_batch: walk the queued tasks in frame order, skipping those that failed on this agent,
   * taking up to `size`; with `contiguous`, each next frame must be the previous one plus `by` (a gap
   * ends the batch). Returns slot positions; does not change them.
   */
  selectBatch(agentId: string, size: number, contiguous: boolean, by: number): number[] {
    const batch: number[] = [];
    if (this.queued === 0 || size < 1) return batch;
    let last = 0;
    for (let i = this.cursor; i < this.status.length && batch.length < size; i++) {
      if (this.status[i] !== QUEUED || this.failedOn(i, agentId)) continue;
      const frame = this.frames[i]!;
      if (contiguous && batch.length > 0 && Math.abs(last + by - frame) > FRAME_EPSILON) {
        // Frames only grow along the slots, so nothing further on can continue this batch.
        if (frame > last + by + FRAME_EPSILON) break;
        continue;
      }
      batch.push(i);
      last = frame;
    }
    return batch;
  }

  private advanceCursor(): void {
    while (this.cursor < this.status.length && this.status[this.cursor] !== QUEUED) this.cursor++;
  }
}
