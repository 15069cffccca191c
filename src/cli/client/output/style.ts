/**
 * Terminal styling for human output. Colours only when the stream is a terminal and NO_COLOR is unset
 * (https://no-color.org); piped output and `--json` stay plain.
 */
import type { OutputStream } from '../../io.js';

export type Paint = (text: string) => string;

export interface Style {
  readonly enabled: boolean;
  bold: Paint;
  dim: Paint;
  red: Paint;
  green: Paint;
  yellow: Paint;
  blue: Paint;
  cyan: Paint;
  /** Colours a job, task or agent state by meaning (done green, failed red, ...). */
  state: Paint;
}

const sgr =
  (open: number, close: number): Paint =>
  (text) =>
    `\u001b[${open}m${text}\u001b[${close}m`;

const plain: Paint = (text) => text;

export function createStyle(stream: OutputStream, env: NodeJS.ProcessEnv): Style {
  const enabled = stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
  if (!enabled) {
    return {
      enabled,
      bold: plain,
      dim: plain,
      red: plain,
      green: plain,
      yellow: plain,
      blue: plain,
      cyan: plain,
      state: plain,
    };
  }
  const style = {
    enabled,
    bold: sgr(1, 22),
    dim: sgr(2, 22),
    red: sgr(31, 39),
    green: sgr(32, 39),
    yellow: sgr(33, 39),
    blue: sgr(34, 39),
    cyan: sgr(36, 39),
  };
  const byState: Record<string, Paint> = {
    done: style.green,
    failed: style.red,
    running: style.cyan,
    assigned: style.blue,
    paused: style.yellow,
    queued: style.dim,
    online: style.green,
    offline: style.dim,
    disabled: style.yellow,
  };
  return { ...style, state: (text) => (byState[text] ?? plain)(text) };
}

// eslint-disable-next-line no-control-regex -- matching escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** The width of text as a terminal shows it (escape sequences take no room). */
export function visibleLength(text: string): number {
  return [...text.replace(ANSI, '')].length;
}
