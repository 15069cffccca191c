/**
 * Cuts a byte stream into lines the way clush shows them: `\n` and `\r\n` end a line and are stripped,
 * empty lines are kept, and a last line without an end is delivered by `flush()` at close.
 *
 * Deliberate difference from ClusterShell 1.9.1: a lone `\r` does not end a line. ClusterShell splits on it
 * and holds the fragment back (`a\rb\nc\n` gives `b`, `c`, `a\r`), and loses all but the last fragment of
 * a line with several `\r` — progress meters (`10%\r20%\r...`) came out scrambled. Here such a line stays
 * whole, `\r` included, so a terminal shows its final state.
 */
export class LineSplitter {
  private pending: Buffer | undefined;

  constructor(private readonly emit: (line: Buffer) => void) {}

  push(chunk: Buffer): void {
    let data = chunk;
    if (this.pending) {
      data = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let start = 0;
    for (let eol = data.indexOf(10, start); eol >= 0; eol = data.indexOf(10, start)) {
      const end = eol > start && data[eol - 1] === 13 ? eol - 1 : eol;
      this.emit(data.subarray(start, end));
      start = eol + 1;
    }
    // Node reuses no stream chunk, so holding a view on it is safe.
    if (start < data.length) this.pending = data.subarray(start);
  }

  /** Delivers the unterminated last line, if any. */
  flush(): void {
    const rest = this.pending;
    this.pending = undefined;
    if (rest && rest.length > 0) this.emit(rest);
  }

  /** Drops the unterminated last line (a killed command's partial output is not reported). */
  discard(): void {
    this.pending = undefined;
  }
}
