/**
 * Turns a process's output chunks into complete lines. A line may arrive in pieces across chunks (and a
 * UTF-8 character across two chunks); the fragment is kept until its newline comes or the stream ends.
 * A trailing `\r` is dropped (CRLF output). A line longer than `maxLineLength` is cut into pieces so one
 * runaway process cannot hold unbounded memory in the agent.
 */
import { StringDecoder } from 'node:string_decoder';

export const DEFAULT_MAX_LINE_LENGTH = 1024 * 1024;

export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private fragment = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = DEFAULT_MAX_LINE_LENGTH,
  ) {}

  push(chunk: Buffer | string): void {
    const text = this.fragment + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.emit(text, start, nl);
      start = nl + 1;
    }
    this.fragment = start === 0 ? text : text.slice(start);
    while (this.fragment.length > this.maxLineLength) {
      this.onLine(this.fragment.slice(0, this.maxLineLength));
      this.fragment = this.fragment.slice(this.maxLineLength);
    }
  }

  /** End of stream: the last line may lack its newline. */
  end(): void {
    const rest = this.fragment + this.decoder.end();
    this.fragment = '';
    if (rest.length > 0) this.emit(rest, 0, rest.length);
  }

  private emit(text: string, start: number, stop: number): void {
    if (stop > start && text.charCodeAt(stop - 1) === 13) stop--;
    if (stop - start <= this.maxLineLength) {
      this.onLine(text.slice(start, stop));
      return;
    }
    for (let i = start; i < stop; i += this.maxLineLength)
      this.onLine(text.slice(i, Math.min(stop, i + this.maxLineLength)));
  }
}
