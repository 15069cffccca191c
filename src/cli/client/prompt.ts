/**
 * Reading what the user types: a line (echoed) or a password (not echoed) from a terminal, or all of
 * standard input for scripts (`--password-stdin`). Ctrl-C at a prompt ends the command with exit code 130.
 */
import type { Readable } from 'node:stream';
import { CliExit, type CliIO } from '../io.js';

type TerminalInput = Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

export function stdinIsTerminal(io: CliIO): boolean {
  const stdin = io.stdin as TerminalInput;
  return stdin.isTTY === true && typeof stdin.setRawMode === 'function';
}

/** Asks on stderr and reads one line from the terminal; `hidden` does not echo (passwords). */
export function promptLine(io: CliIO, question: string, options: { hidden?: boolean } = {}): Promise<string> {
  const stdin = io.stdin as TerminalInput;
  io.stderr.write(question);
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(text);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003') return finish(new CliExit(130, 'interrupted'));
        if (ch === '\u0004' && text === '') return finish(new CliExit(1, 'no input'));
        if (ch === '\u007f' || ch === '\b') {
          if (text.length > 0) {
            text = [...text].slice(0, -1).join('');
            if (!options.hidden) io.stderr.write('\b \b');
          }
          continue;
        }
        if (ch < ' ') continue;
        text += ch;
        if (!options.hidden) io.stderr.write(ch);
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/** All of standard input as text. */
export async function readAllStdin(io: CliIO): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}
