import { describe, expect, it } from 'vitest';
import { logRowOf, parseCsvRows } from './csv-rows.js';

describe('parseCsvRows', () => {
  it('reads the agent rows, quoted fields and embedded line breaks', () => {
    const text =
      '2026-01-01T00:00:00.000Z,12,0,1,hello\r\n' +
      '2026-01-01T00:00:00.001Z,12,1,2,"a, ""quoted"" b"\r\n' +
      '2026-01-01T00:00:00.002Z,None,internal,3,"two\r\nlines"\r\n';
    const { rows, complete } = parseCsvRows(text);
    expect(complete).toBe(true);
    expect(rows.map(logRowOf)).toEqual([
      { time: '2026-01-01T00:00:00.000Z', stream: 'stdout', line: 1, message: 'hello' },
      { time: '2026-01-01T00:00:00.001Z', stream: 'stderr', line: 2, message: 'a, "quoted" b' },
      { time: '2026-01-01T00:00:00.002Z', stream: 'internal', line: 3, message: 'two\r\nlines' },
    ]);
  });

  it('leaves out a row that is still being written', () => {
    expect(parseCsvRows('t,1,0,1,done\r\nt,1,0,2,half')).toEqual({
      rows: [['t', '1', '0', '1', 'done']],
      complete: false,
    });
    expect(parseCsvRows('t,1,0,1,"open\r\n').complete).toBe(false);
    expect(parseCsvRows('')).toEqual({ rows: [], complete: true });
  });

  it('keeps empty messages and ignores short rows', () => {
    expect(parseCsvRows('t,1,0,1,\r\n').rows).toEqual([['t', '1', '0', '1', '']]);
    expect(logRowOf(['a', 'b'])).toBeUndefined();
  });
});
