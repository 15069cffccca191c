/**
 * Printing the result of `nodeset`: `-e` streams names (a million names are written in ~1 MB chunks,
 * never as one string), `-f` prints the folded form, `-c` the count; each once, or once per part with
 * `--split`/`--contiguous`. `-O FORMAT` is applied like ClusterShell applies it: to each name with `-e`,
 * to the count with `-c`, and with `-f` on a node set to each name before folding again.
 */
import { NodeSet } from '../../nodeset/index.js';
import type { OutputStream } from '../io.js';
import type { NodesetOptions } from './nodeset-options.js';
import { pyFormat, type FormatValue } from './python-format.js';
import type { SetMode } from './set-modes.js';

export type ResultPlan =
  | { kind: 'lines'; lines: readonly string[] }
  | { kind: 'set'; mode: SetMode<unknown>; set: unknown; separator: string; options: NodesetOptions };

/** The parts printed one per line: the set itself, or its `--split`/`--contiguous` pieces. */
export function subsets<S>(mode: SetMode<S>, set: S, options: NodesetOptions): Iterable<S> {
  const maxsplit = options.maxsplit ?? 1;
  if (mode.isEmpty(set) || (maxsplit <= 1 && !options.contiguous)) return [set];
  return options.contiguous ? mode.contiguous(set) : mode.split(set, maxsplit);
}

const CHUNK = 1 << 20;

/** Buffers output; a line is committed when complete, and only oversized lines are flushed early. */
class ChunkedWriter {
  private parts: string[] = [];
  private size = 0;
  private committed = 0;

  constructor(private readonly stream: OutputStream) {}

  write(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    if (this.size >= CHUNK) this.flush();
  }

  endLine(): void {
    this.write('\n');
    this.committed = this.parts.length;
  }

  flush(): void {
    if (this.parts.length) this.stream.write(this.parts.join(''));
    this.parts = [];
    this.size = 0;
    this.committed = 0;
  }

  /** Writes what was committed and drops an unfinished line (ClusterShell prints whole lines only). */
  flushCommitted(): void {
    this.parts.length = this.committed;
    this.flush();
  }
}

function formatted(fmt: string, value: FormatValue): string {
  if (fmt === '%s' && value.kind !== 'int') return value.kind === 'str' ? value.value : value.text;
  return pyFormat(fmt, value);
}

export function writeResult(plan: ResultPlan, stream: OutputStream): void {
  const out = new ChunkedWriter(stream);
  try {
    if (plan.kind === 'lines') {
      for (const line of plan.lines) {
        out.write(line);
        out.endLine();
      }
      return;
    }
    const { mode, separator, options } = plan;
    const fmt = options.outputFormat;
    let set = plan.set;
    const asValue = (text: string): FormatValue =>
      mode.name === 'NodeSet' ? { kind: 'str', value: text } : { kind: 'object', text, typeName: 'RangeSet' };
    if (options.expand) {
      for (const part of subsets(mode, set, options)) {
        let first = true;
        mode.forEach(part, (item) => {
          if (!first) out.write(separator);
          first = false;
          out.write(fmt === '%s' ? item : pyFormat(fmt, { kind: 'str', value: item }));
        });
        out.endLine();
      }
    } else if (options.fold) {
      if (mode.name === 'NodeSet' && fmt !== '%s') {
        const names: string[] = [];
        mode.forEach(set, (name) => names.push(pyFormat(fmt, { kind: 'str', value: name })));
        set = NodeSet.fromNames(names, { autostep: (set as NodeSet).autostep });
        for (const part of subsets(mode, set, options)) {
          out.write(mode.toString(part));
          out.endLine();
        }
      } else {
        for (const part of subsets(mode, set, options)) {
          out.write(formatted(fmt, asValue(mode.toString(part))));
          out.endLine();
        }
      }
    } else {
      for (const part of subsets(mode, set, options)) {
        out.write(formatted(fmt, { kind: 'int', value: mode.length(part) }));
        out.endLine();
      }
    }
  } finally {
    out.flushCommitted();
  }
}
