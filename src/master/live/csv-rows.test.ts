import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRowParser } from './csv-rows.js';

/** How the agent writes a field (task-log.ts on the agent). */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function parseAll(chunks: readonly string[]): string[][] {
  const parser = new CsvRowParser();
  const rows = chunks.flatMap((c) => parser.push(c));
  return [...rows, ...parser.end()];
}

describe('CsvRowParser', () => {
  it.each([
    [
      'plain rows',
      'a,b,c\r\nd,e,f\r\n',
      [
        ['a', 'b', 'c'],
        ['d', 'e', 'f'],
      ],
    ],
    [
      '\\n endings',
      'a,b\nc,d\n',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    [
      'no final line break',
      'a,b\r\nc,d',
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
    ],
    ['quoted comma and quote', 'x,"a, ""b"""\r\n', [['x', 'a, "b"']]],
    ['quoted line breaks', '1,"two\r\nlines"\r\n', [['1', 'two\r\nlines']]],
    ['empty fields', ',,\r\n', [['', '', '']]],
    ['empty quoted field', '"",x\r\n', [['', 'x']]],
    ['blank lines are skipped', '\r\n\r\na\r\n', [['a']]],
  ])('%s', (_name, input, expected) => {
    expect(parseAll([input])).toEqual(expected);
  });

  it('gives the same rows however the input is cut into chunks', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'Z', ' ', ',', '"', '\r', '\n', 'é', '€') });
    const row = fc
      .array(field, { minLength: 1, maxLength: 5 })
      .filter((r) => r.some((f) => f !== '') || r.length > 1);
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (rows, cuts) => {
        const text = rows.map((r) => r.map(csvField).join(',') + '\r\n').join('');
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const chunks: string[] = [];
        let last = 0;
        for (const p of points) {
          chunks.push(text.slice(last, p));
          last = p;
        }
        chunks.push(text.slice(last));
        expect(parseAll(chunks)).toEqual(rows);
      }),
      { seed: 7, numRuns: 500 },
    );
  });
});
