/**
 * How `drover exec` prints results, byte for byte as clush 1.9.1 does (ClusterShell/CLI/Display.py):
 * `node: line` labels, the dshbak-style gathered blocks
 *
 *   ---------------
 *   n[1-2] (2)
 *   ---------------
 *   <output>
 *
 * line mode (`-L`), unified diffs (`--diff`), ANSI colors, and the verbosity-filtered messages.
 * Output is bytes: a command's lines are written as they came.
 */
import { NodeSet } from '../../nodeset/index.js';
import type { Message } from '../../exec/index.js';
import { unifiedDiff } from './python-difflib.js';

export const VERB_QUIET = 0;
export const VERB_STD = 1;
export const VERB_VERB = 2;
export const VERB_DEBUG = 3;

/** A stream that takes bytes (process streams do; in-memory test streams decode them). */
export interface ByteSink {
  write(chunk: string | Uint8Array): unknown;
}

export const COLOR_RESULT_FMT = (s: string): string => `\x1b[92m${s}\x1b[0m`;
const COLOR_STDOUT = (s: string): string => `\x1b[94m${s}\x1b[0m`;
const COLOR_STDERR = (s: string): string => `\x1b[91m${s}\x1b[0m`;
const COLOR_DIFFHDR = (s: string): string => `\x1b[1m${s}\x1b[0m`;
const COLOR_DIFFHNK = (s: string): string => `\x1b[96m${s}\x1b[0m`;
const COLOR_DIFFADD = (s: string): string => `\x1b[92m${s}\x1b[0m`;
const COLOR_DIFFDEL = (s: string): string => `\x1b[91m${s}\x1b[0m`;
const PLAIN = (s: string): string => s;

const SEP = '-'.repeat(15);
const NEWLINE = Buffer.from('\n');

export interface DisplaySettings {
  gather: boolean;
  lineMode: boolean;
  label: boolean;
  diff: boolean;
  color: boolean;
  verbosity: number;
  nodeCount: boolean;
  maxrc: boolean;
  progress: boolean;
  outdir?: string;
  errdir?: string;
}

export class Display {
  readonly gather: boolean;
  readonly lineMode: boolean;
  readonly label: boolean;
  readonly verbosity: number;
  readonly maxrc: boolean;
  readonly progress: boolean;
  readonly outdir: string | undefined;
  readonly errdir: string | undefined;
  private readonly diff: boolean;
  private readonly nodeCount: boolean;
  private readonly stdoutFmt: (s: string) => string;
  private readonly stderrFmt: (s: string) => string;
  private readonly diffFmt: {
    hdr: (s: string) => string;
    hnk: (s: string) => string;
    add: (s: string) => string;
    del: (s: string) => string;
  };
  private diffRef: { nodes: NodeSet; content: Message | undefined } | undefined;

  constructor(
    settings: DisplaySettings,
    readonly out: ByteSink,
    readonly err: ByteSink,
    /** How a node set is written in headers (folded, or regrouped with `-r`). */
    private readonly formatNodeSet: (nodes: NodeSet) => string = (nodes) => nodes.toString(),
  ) {
    // --diff implies gathering.
    this.gather = settings.gather || settings.diff;
    this.lineMode = settings.lineMode;
    this.label = settings.label;
    this.diff = settings.diff;
    this.verbosity = settings.verbosity;
    this.nodeCount = settings.nodeCount;
    this.maxrc = settings.maxrc;
    this.progress = settings.progress;
    this.outdir = settings.outdir;
    this.errdir = settings.errdir;
    this.stdoutFmt = settings.color ? COLOR_STDOUT : PLAIN;
    this.stderrFmt = settings.color ? COLOR_STDERR : PLAIN;
    this.diffFmt = settings.color
      ? { hdr: COLOR_DIFFHDR, hnk: COLOR_DIFFHNK, add: COLOR_DIFFADD, del: COLOR_DIFFDEL }
      : { hdr: PLAIN, hnk: PLAIN, add: PLAIN, del: PLAIN };
  }

  private formatHeader(nodes: NodeSet): string {
    if (!this.label) return '';
    const count =
      this.verbosity >= VERB_STD && this.nodeCount && nodes.length > 1 ? ` (${nodes.length})` : '';
    return `${this.stdoutFmt(`${SEP}\n${this.formatNodeSet(nodes)}${count}\n${SEP}`)}\n`;
  }

  printLine(node: string, line: Buffer): void {
    if (this.label) this.out.write(Buffer.concat([Buffer.from(this.stdoutFmt(`${node}: `)), line, NEWLINE]));
    else this.out.write(Buffer.concat([line, NEWLINE]));
  }

  printLineError(node: string, line: Buffer): void {
    if (this.label) this.err.write(Buffer.concat([Buffer.from(this.stderrFmt(`${node}: `)), line, NEWLINE]));
    else this.err.write(Buffer.concat([line, NEWLINE]));
  }

  /** One gathered buffer: a header block (or a diff, or labelled lines with -L). */
  printGather(nodes: NodeSet | string, message: Message): void {
    const set = typeof nodes === 'string' ? NodeSet.fromNames([nodes]) : nodes;
    if (this.lineMode) this.printLines(set, message);
    else if (this.diff) this.printDiff(set, message);
    else this.out.write(Buffer.concat([Buffer.from(this.formatHeader(set)), message.toBuffer(), NEWLINE]));
  }

  /** Nodes of a return code group that printed nothing: a diff still shows them as removed lines. */
  printGatherFinalize(nodes: NodeSet): void {
    if (this.diff && !this.lineMode && this.diffRef) this.printDiff(nodes, undefined);
  }

  /** Ends a worker's gathered output (the next diff starts from a new reference). */
  flush(): void {
    this.diffRef = undefined;
  }

  private printLines(nodes: NodeSet, message: Message): void {
    const header = this.label
      ? Buffer.from(this.stdoutFmt(`${this.formatNodeSet(nodes)}: `))
      : Buffer.alloc(0);
    for (const line of message.lines()) this.out.write(Buffer.concat([header, line, NEWLINE]));
  }

  private printDiff(nodes: NodeSet, content: Message | undefined): void {
    if (!this.diffRef) {
      this.diffRef = { nodes, content };
      return;
    }
    let refName = this.formatNodeSet(this.diffRef.nodes);
    let name = this.formatNodeSet(nodes);
    if (this.verbosity >= VERB_STD && this.nodeCount) {
      if (this.diffRef.nodes.length > 1) refName += ` (${this.diffRef.nodes.length})`;
      if (nodes.length > 1) name += ` (${nodes.length})`;
    }
    // Python decodes with errors='ignore': undecodable bytes vanish from the diff.
    const decode = (m: Message | undefined): string[] =>
      m
        ? m
            .lines()
            .map((l) =>
              new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(l).replaceAll('\ufffd', ''),
            )
        : [];
    let output = '';
    for (const line of unifiedDiff(decode(this.diffRef.content), decode(content), refName, name)) {
      if (line.startsWith('---') || line.startsWith('+++')) output += this.diffFmt.hdr(line.trimEnd());
      else if (line.startsWith('@@')) output += this.diffFmt.hnk(line);
      else if (line.startsWith('+')) output += this.diffFmt.add(line);
      else if (line.startsWith('-')) output += this.diffFmt.del(line);
      else output += line;
      output += '\n';
    }
    this.out.write(output);
  }

  vprint(level: number, message: string): void {
    if (this.verbosity >= level) this.out.write(`${message}\n`);
  }

  vprintErr(level: number, message: string): void {
    if (this.verbosity >= level) this.err.write(`${message}\n`);
  }
}
