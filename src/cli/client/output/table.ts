/**
 * Plain-text tables for human output: a header row, columns padded to their widest cell, numbers aligned
 * right. Cells are painted after they are measured, so colours never skew the alignment.
 */
import type { Paint, Style } from './style.js';
import { visibleLength } from './style.js';

export interface Column<T> {
  header: string;
  value: (row: T) => string | number | null | undefined;
  align?: 'left' | 'right';
  /** Colours a cell's text (e.g. by state); applied only when the style has colours. */
  paint?: (row: T, style: Style) => Paint;
}

export function renderTable<T>(columns: readonly Column<T>[], rows: readonly T[], style: Style): string {
  const cells = rows.map((row) => columns.map((c) => cellText(c.value(row))));
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i]!))),
  );
  const line = (texts: readonly string[], paints?: readonly Paint[]) =>
    texts
      .map((text, i) => {
        const pad = ' '.repeat(widths[i]! - visibleLength(text));
        const painted = paints?.[i] ? paints[i](text) : text;
        const last = i === texts.length - 1;
        if (columns[i]!.align === 'right') return pad + painted;
        return last ? painted : painted + pad;
      })
      .join('  ')
      .trimEnd();
  const out = [line(columns.map((c) => style.bold(c.header)))];
  rows.forEach((row, r) => {
    const paints = columns.map((c) => (c.paint ? c.paint(row, style) : (t: string) => t));
    out.push(line(cells[r]!, paints));
  });
  return `${out.join('\n')}\n`;
}

function cellText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '-';
  return String(value).replace(/[\r\n\t]+/g, ' ');
}

/** `key: value` lines with the keys padded, for a single object (`drover job 12`). */
export function renderFields(fields: readonly [string, string | number | null | undefined][], style: Style) {
  const width = Math.max(...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${style.bold(`${k}:`.padEnd(width + 1))} ${cellText(v)}`).join('\n') + '\n';
}
