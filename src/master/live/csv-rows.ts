/**
 * An incremental parser for task log CSV (Excel dialect: `,` separated, fields quoted with `"` when they
 * hold a comma, a quote or a line break, `""` for a quote inside quotes, rows ended by `\r\n` or `\n`).
 * Chunks may split a row, a quoted field or a `\r\n` anywhere; a row is returned once its line ending has
 * arrived, and `end()` returns a last row that has none.
 */
export class CsvRowParser {
  private field = '';
  private row: string[] = [];
  private quoted = false;
  /** The previous chunk ended inside quotes on a `"` that may be the first half of `""`. */
  private quoteAtEnd = false;
  private sawCr = false;
  private rowStarted = false;

  push(chunk: string): string[][] {
    const rows: string[][] = [];
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (this.quoteAtEnd) {
        this.quoteAtEnd = false;
        if (c === '"') {
          this.field += '"';
          continue;
        }
        this.quoted = false;
      }
      if (this.quoted) {
        if (c === '"') {
          if (i + 1 === chunk.length) this.quoteAtEnd = true;
          else if (chunk[i + 1] === '"') {
            this.field += '"';
            i++;
          } else this.quoted = false;
        } else this.field += c;
        continue;
      }
      if (this.sawCr) {
        this.sawCr = false;
        if (c === '\n') continue;
      }
      if (c === '"' && this.field === '') {
        this.quoted = true;
        this.rowStarted = true;
      } else if (c === ',') {
        this.row.push(this.field);
        this.field = '';
        this.rowStarted = true;
      } else if (c === '\r' || c === '\n') {
        this.sawCr = c === '\r';
        if (this.rowStarted || this.field !== '') rows.push(this.takeRow());
      } else {
        this.field += c;
        this.rowStarted = true;
      }
    }
    return rows;
  }

  /** The last row when the input did not end with a line break. */
  end(): string[][] {
    this.quoteAtEnd = false;
    this.quoted = false;
    return this.rowStarted || this.field !== '' ? [this.takeRow()] : [];
  }

  private takeRow(): string[] {
    this.row.push(this.field);
    const row = this.row;
    this.row = [];
    this.field = '';
    this.rowStarted = false;
    return row;
  }
}
