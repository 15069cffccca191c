import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: string[], flush = true): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((line) => lines.push(line.toString('latin1')));
  for (const chunk of chunks) splitter.push(Buffer.from(chunk, 'latin1'));
  if (flush) splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  it('strips \\n and \\r\\n, keeps empty lines, delivers an unterminated last line at flush', () => {
    expect(split(['a\nb\r\n\nc'])).toEqual(['a', 'b', '', 'c']);
    expect(split(['a\nb'], false)).toEqual(['a']);
  });

  it('joins lines cut across chunks, including a \\r\\n cut in two', () => {
    expect(split(['ab', 'c\r', '\nd', 'e\n'])).toEqual(['abc', 'de']);
  });

  it('keeps a lone \\r inside the line (a progress meter stays whole)', () => {
    expect(split(['10%\r20%\r30%\n'])).toEqual(['10%\r20%\r30%']);
  });

  it('discard drops the unterminated rest', () => {
    const lines: string[] = [];
    const splitter = new LineSplitter((line) => lines.push(line.toString()));
    splitter.push(Buffer.from('a\npartial'));
    splitter.discard();
    splitter.flush();
    expect(lines).toEqual(['a']);
  });

  it('gives the same lines whatever the chunking (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', 'é') }),
        fc.array(fc.nat(20)),
        (text, cuts) => {
          const bytes = Buffer.from(text, 'utf8').toString('latin1');
          const chunks: string[] = [];
          let rest = bytes;
          for (const cut of cuts) {
            chunks.push(rest.slice(0, cut));
            rest = rest.slice(cut);
          }
          chunks.push(rest);
          // Terminated lines lose their \r\n or \n; an unterminated last one comes as it is.
          const parts = bytes.split('\n');
          const last = parts.pop()!;
          const expected = parts.map((l) => l.replace(/\r$/, ''));
          if (last !== '') expected.push(last);
          expect(split(chunks)).toEqual(expected);
        },
      ),
    );
  });
});
