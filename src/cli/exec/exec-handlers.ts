/**
 * The event handlers behind `drover exec`'s output modes, as in clush (ClusterShell/CLI/Clush.py):
 *   direct        lines as they come, `node: line` (stderr to stderr)
 *   -b / -B       gathered at the end: return codes ascending, then larger node sets first, then the first
 *                 node name as a string; identical output with different codes is never merged
 *   -L            sorted by node; -bL gathers line by line, live
 *   --copy/rcopy  copy progress and summary
 * and the progress meter (`clush: done/total`) clush writes to stderr during gathered runs over 1.33 s.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { NodeSet } from '../../nodeset/index.js';
import {
  MsgTree,
  type EventHandler,
  type Message,
  type Task,
  type Timer,
  type Worker,
} from '../../exec/index.js';
import { VERB_QUIET, VERB_STD, VERB_VERB, type ByteSink, type Display } from './exec-display.js';

const PROG = 'clush';

function humanBytes(value: number): string {
  const units: [number, string][] = [
    [1024 ** 4, 'TiB'],
    [1024 ** 3, 'GiB'],
    [1024 ** 2, 'MiB'],
    [1024, 'KiB'],
  ];
  for (const [size, unit] of units) if (value >= size) return `${(value / size).toFixed(2)} ${unit}`;
  return `${Math.trunc(value)} B`;
}

/** The `clush: done/total` meter; counts finished nodes. */
export class RunTimer {
  private last = -1;
  private readonly width: number;
  private shown = 0;
  private started = false;
  startTime = 0;
  bytesWritten = 0;
  finished = 0;

  constructor(
    private readonly task: Task,
    private readonly total: number,
    private readonly err: ByteSink,
  ) {
    this.width = String(total).length;
  }

  timer(): void {
    this.update();
  }

  setDirty(): void {
    this.last = -1;
  }

  eraseLine(): void {
    if (this.shown) {
      this.err.write(`${' '.repeat(this.shown)}\r`);
      this.shown = 0;
    }
  }

  private count(n: number): string {
    return String(n).padStart(this.width);
  }

  private update(): void {
    let rate = '';
    if (this.bytesWritten > 0) {
      const seconds = (performance.now() - this.startTime) / 1000;
      rate = ` write: ${humanBytes(this.bytesWritten / Math.max(seconds, 1e-6))}/s`;
    }
    const gateways = this.task.gateways().size;
    const gw = gateways ? ` gw ${gateways}` : '';
    const remaining = this.total - this.finished;
    if (this.bytesWritten > 0 || remaining !== this.last) {
      this.last = remaining;
      const text = `${PROG}: ${this.count(this.finished)}/${this.count(this.total)}${gw}${rate}\r`;
      this.shown = text.length;
      this.err.write(text);
      this.started = true;
    }
  }

  finalize(): void {
    if (!this.started) return;
    this.eraseLine();
    this.err.write(`${PROG}: ${this.count(this.total)}/${this.count(this.total)}\r`);
  }
}

/** Base of the output handlers: the optional progress meter. */
export class OutputHandler implements EventHandler {
  protected runtimer: { meter: RunTimer; timer: Timer } | undefined;

  constructor(protected readonly display: Display) {}

  runtimerInit(task: Task, total: number): void {
    const meter = new RunTimer(task, total, this.display.err);
    const timer = task.timer(1.33, meter, { interval: 1 / 3, autoclose: true });
    this.runtimer = { meter, timer };
  }

  protected runtimerClean(): void {
    this.runtimer?.meter.eraseLine();
  }

  protected runtimerSetDirty(): void {
    this.runtimer?.meter.setDirty();
  }

  protected runtimerFinalize(): void {
    if (!this.runtimer) return;
    this.runtimer.meter.finalize();
    this.runtimer.timer.invalidate();
    this.runtimer = undefined;
  }

  start(): void {
    if (this.runtimer) this.runtimer.meter.startTime = performance.now();
  }

  written(_worker: Worker, _node: string, _stream: 'stdin', bytes: number): void {
    if (this.runtimer) this.runtimer.meter.bytesWritten += bytes;
  }

  hangup(_worker: Worker, _node: string, _rc: number): void {
    if (this.runtimer) this.runtimer.meter.finished += 1;
  }

  protected countTimeouts(worker: Worker): void {
    if (this.runtimer) this.runtimer.meter.finished += worker.numTimeout();
  }
}

export class DirectOutputHandler extends OutputHandler {
  read(_worker: Worker, node: string, stream: 'stdout' | 'stderr', line: Buffer): void {
    if (stream === 'stdout') this.display.printLine(node, line);
    else this.display.printLineError(node, line);
  }

  override hangup(worker: Worker, node: string, rc: number): void {
    super.hangup(worker, node, rc);
    if (rc > 0) {
      this.display.vprintErr(
        this.display.maxrc ? VERB_STD : VERB_QUIET,
        `${PROG}: ${node}: exited with exit code ${rc}`,
      );
    }
  }

  close(worker: Worker, timedout: boolean): void {
    if (timedout) {
      const nodes = NodeSet.fromNames([...worker.iterKeysTimeout()]);
      this.display.vprintErr(VERB_QUIET, `${PROG}: ${nodes.toString()}: command timeout`);
    }
  }
}

/** Direct output that also writes each node's lines to `<outdir>/<node>` and `<errdir>/<node>`. */
export class DirectOutputDirHandler extends DirectOutputHandler {
  private readonly outFiles = new Map<string, number>();
  private readonly errFiles = new Map<string, number>();

  constructor(display: Display, nodes: NodeSet) {
    super(display);
    for (const node of nodes) {
      if (display.outdir) this.outFiles.set(node, openSync(join(display.outdir, node), 'w'));
      if (display.errdir) this.errFiles.set(node, openSync(join(display.errdir, node), 'w'));
    }
  }

  override read(worker: Worker, node: string, stream: 'stdout' | 'stderr', line: Buffer): void {
    super.read(worker, node, stream, line);
    const fd = (stream === 'stdout' ? this.outFiles : this.errFiles).get(node);
    if (fd !== undefined) writeSync(fd, Buffer.concat([line, Buffer.from('\n')]));
  }

  override close(worker: Worker, timedout: boolean): void {
    super.close(worker, timedout);
    for (const fd of [...this.outFiles.values(), ...this.errFiles.values()]) closeSync(fd);
    this.outFiles.clear();
    this.errFiles.clear();
  }
}

export class DirectProgressOutputHandler extends DirectOutputHandler {
  override read(worker: Worker, node: string, stream: 'stdout' | 'stderr', line: Buffer): void {
    this.runtimerClean();
    super.read(worker, node, stream, line);
  }

  override close(worker: Worker, timedout: boolean): void {
    this.runtimerClean();
    super.close(worker, timedout);
  }
}

/** Copies: one worker per source, sharing this handler; the summary comes when the last one closes. */
export class CopyOutputHandler extends DirectProgressOutputHandler {
  constructor(
    display: Display,
    private readonly reverse: boolean,
    private copies: number,
  ) {
    super(display);
  }

  override close(worker: Worker, timedout: boolean): void {
    const action = worker.action;
    if (action.kind === 'copy') {
      for (const [rc, nodes] of worker.iterRetcodes()) {
        if (rc !== 0) continue;
        this.display.vprint(
          VERB_VERB,
          this.reverse
            ? `${nodes.toString()}:\`${action.source}' -> \`${action.dest}'`
            : `\`${action.source}' -> ${nodes.toString()}:\`${action.dest}'`,
        );
        break;
      }
    }
    this.countTimeouts(worker);
    this.copies -= 1;
    if (this.copies === 0) {
      this.runtimerFinalize();
      super.close(worker, timedout);
    }
  }
}

type Buffered = { message: Message; nodes: NodeSet };

/** clush's order of gathered buffers: larger node sets first, then by first node name. */
export function sortGathered<T extends Buffered>(buffers: T[]): T[] {
  const keyed = buffers.map((b) => ({ b, size: b.nodes.length, first: b.nodes.at(0) ?? '' }));
  keyed.sort((x, y) => y.size - x.size || (x.first < y.first ? -1 : x.first > y.first ? 1 : 0));
  return keyed.map((k) => k.b);
}

export class GatherOutputHandler extends OutputHandler {
  read(_worker: Worker, node: string, stream: 'stdout' | 'stderr', line: Buffer): void {
    if (stream === 'stdout') {
      if (this.display.verbosity === VERB_VERB) this.display.printLine(node, line);
    } else {
      this.runtimerClean();
      this.display.printLineError(node, line);
      this.runtimerSetDirty();
    }
  }

  close(worker: Worker, _timedout: boolean): void {
    this.countTimeouts(worker);
    this.runtimerFinalize();
    const byRc = [...worker.iterRetcodes()].sort((a, b) => a[0] - b[0]);
    for (const [, nodes] of byRc) {
      const remain = nodes.copy();
      for (const { message, nodes: printed } of sortGathered([...worker.iterBuffers(nodes)])) {
        this.display.printGather(printed, message);
        remain.differenceUpdate(printed);
      }
      if (!remain.isEmpty()) this.display.printGatherFinalize(remain);
    }
    this.display.flush();
    this.closeCommon(worker);
  }

  protected closeCommon(worker: Worker): void {
    const level = this.display.maxrc ? VERB_STD : VERB_QUIET;
    for (const [rc, nodes] of worker.iterRetcodes()) {
      if (rc === 0) continue;
      const shown =
        this.display.verbosity > VERB_QUIET && nodes.length > 1
          ? `${nodes.toString()} (${nodes.length})`
          : nodes.toString();
      this.display.vprintErr(level, `${PROG}: ${shown}: exited with exit code ${rc}`);
    }
    if (worker.numTimeout() > 0) {
      const nodes = NodeSet.fromNames([...worker.iterKeysTimeout()]);
      this.display.vprintErr(level, `${PROG}: ${nodes.toString()}: command timeout`);
    }
  }
}

/** `-L`: each node's lines, nodes in node set order within each return code. */
export class SortedOutputHandler extends GatherOutputHandler {
  override close(worker: Worker): void {
    this.countTimeouts(worker);
    this.runtimerFinalize();
    const byRc = [...worker.iterRetcodes()].sort((a, b) => a[0] - b[0]);
    for (const [, nodes] of byRc) {
      for (const node of nodes) {
        for (const [, message] of worker.iterNodeBuffers([node])) this.display.printGather(node, message);
      }
    }
    this.closeCommon(worker);
  }
}

/** `-bL`: line n is printed, gathered, as soon as every node still running has printed its line n. */
export class LiveGatherOutputHandler extends GatherOutputHandler {
  private readonly nodes: NodeSet;
  private readonly lineCount = new Map<string, number>();
  private readonly trees: MsgTree<string>[] = [];
  private offload = 0;

  constructor(display: Display, nodes: NodeSet) {
    super(display);
    this.nodes = nodes.copy();
  }

  override read(worker: Worker, node: string, stream: 'stdout' | 'stderr', line: Buffer): void {
    if (stream !== 'stdout') {
      super.read(worker, node, stream, line);
      return;
    }
    const count = (this.lineCount.get(node) ?? 0) + 1;
    this.lineCount.set(node, count);
    // clush compares with the absolute count, so trees may pile up at the end; they print nothing.
    if (this.trees.length < count) this.trees.push(new MsgTree());
    this.trees[count - this.offload - 1]!.add(node, line);
    this.liveLine();
  }

  override hangup(worker: Worker, node: string, rc: number): void {
    super.hangup(worker, node, rc);
    if (this.trees.length > 0 && !this.trees[0]!.has(node)) {
      // A node that stopped printing must not hold the lines of the others.
      this.nodes.differenceUpdate(node);
      this.liveLine();
    }
  }

  private printTree(tree: MsgTree<string>): void {
    const buffers = [...tree.walk()].map(({ message, keys }) => ({
      message,
      nodes: NodeSet.fromNames(keys),
    }));
    for (const { message, nodes } of sortGathered(buffers)) this.display.printGather(nodes, message);
  }

  private liveLine(): void {
    while (this.trees.length > 0 && this.trees[0]!.size === this.nodes.length) {
      const tree = this.trees.shift()!;
      this.offload += 1;
      this.runtimerClean();
      this.printTree(tree);
      this.runtimerSetDirty();
    }
  }

  override close(worker: Worker): void {
    this.countTimeouts(worker);
    this.runtimerFinalize();
    for (const tree of this.trees) this.printTree(tree);
    this.closeCommon(worker);
  }
}
