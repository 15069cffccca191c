/**
 * Rows of a task log as the agent writes them (Excel dialect: fields quoted only when they hold a comma, a
 * quote or a line break; rows end with CRLF). `complete` is false when the text ends inside a row, which
 * happens while a log is still being written: that row is left out.
 */
export function parseCsvRows(text: string): { rows: string[][]; complete: boolean } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let rowStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') {
      quoted = true;
      rowStart = false;
    } else if (ch === ',') {
      row.push(field);
      field = '';
      rowStart = false;
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (!rowStart || field !== '') {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      rowStart = true;
    } else {
      field += ch;
      rowStart = false;
    }
    i++;
  }
  return { rows, complete: rowStart && !quoted };
}

export interface LogRow {
  time: string;
  /** stdout, stderr, internal (the agent) or jobtype (the job type's own notes). */
  stream: string;
  line: number;
  message: string;
}

/** `time, pid, stream, line, message` → a LogRow; the message may itself contain commas (quoted). */
export function logRowOf(fields: readonly string[]): LogRow | undefined {
  if (fields.length < 5) return undefined;
  const [time, , stream, line, ...rest] = fields;
  return { time: time!, stream: streamName(stream!), line: Number(line), message: rest.join(',') };
}

/** The agent writes 0 and 1 for stdout and stderr (PyFarm's CSV); the live stream names them. */
export function streamName(stream: string): string {
  return stream === '0' ? 'stdout' : stream === '1' ? 'stderr' : stream;
}
