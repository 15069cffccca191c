import fc from 'fast-check';
import { expect, test } from 'vitest';
import { LineSplitter } from './line-splitter.js';

function split(chunks: (Buffer | string)[], max?: number): string[] {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l), max);
  for (const c of chunks) s.push(c);
  s.end();
  return lines;
}

test('fragments are joined across chunks; CRLF and a missing final newline are handled', () => {
  expect(split(['ab', 'c\nde', 'f\r\n', '\n', 'tail'])).toEqual(['abc', 'def', '', 'tail']);
});

test('a UTF-8 character split across chunks survives', () => {
  const bytes = Buffer.from('é€\n');
  expect(split([bytes.subarray(0, 1), bytes.subarray(1, 3), bytes.subarray(3)])).toEqual(['é€']);
});

test('overlong lines are cut, not buffered without bound', () => {
  expect(split(['abcdefg', 'h\n'], 3)).toEqual(['abc', 'def', 'gh']);
});

test('any chunking of a text gives the same lines as splitting it whole', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', 'é') }),
      fc.array(fc.nat(), { maxLength: 8 }),
      (text, cuts) => {
        const buf = Buffer.from(text);
        const points = [...new Set(cuts.map((c) => c % (buf.length + 1)))].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(buf.subarray(last, p));
          last = p;
        }
        chunks.push(buf.subarray(last));
        const expected = text.split('\n').map((l) => l.replace(/\r$/, ''));
        if (text.endsWith('\n') || text === '') expected.pop();
        expect(split(chunks)).toEqual(expected);
      },
    ),
  );
});
