/**
 * A CSV row of a task log → the wire line. Rows that do not have the five columns (a truncated upload, a
 * log written by something else) are kept as a message rather than dropped, so nothing the process
 * printed is ever hidden.
 */
import type { TaskLogLine } from '../../api/schemas/live.js';

const STREAM_NAMES: Record<string, string> = { '0': 'stdout', '1': 'stderr' };

export function toTaskLogLine(row: readonly string[], fallbackLine: number): TaskLogLine {
  if (row.length < 5) {
    return { time: '', pid: null, stream: 'internal', line: fallbackLine, message: row.join(',') };
  }
  const [time, pid, stream, line, ...message] = row as [string, string, string, string, ...string[]];
  const pidNumber = /^\d+$/.test(pid) ? Number(pid) : null;
  const lineNumber = /^\d+$/.test(line) ? Number(line) : fallbackLine;
  return {
    time,
    pid: pidNumber,
    stream: STREAM_NAMES[stream] ?? stream,
    line: lineNumber,
    message: message.join(','),
  };
}
