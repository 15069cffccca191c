/**
 * The two faces of every client command: JSON for scripts (`--json`, exactly what the master answered or
 * a documented object) and text for people.
 */
import type { CliIO } from '../../io.js';
import { createStyle, type Style } from './style.js';

export interface Output {
  readonly json: boolean;
  readonly style: Style;
  /** Prints `data` as JSON with --json, else the text `human()` makes. */
  print(data: unknown, human: (style: Style) => string): void;
  /** A human message on stderr (never mixed into JSON on stdout). */
  note(text: string): void;
}

export function createOutput(io: CliIO, options: { json?: boolean }): Output {
  const style = createStyle(io.stdout, io.env);
  const json = options.json === true;
  return {
    json,
    style,
    print(data, human) {
      io.stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : human(style));
    },
    note(text) {
      io.stderr.write(`${text}\n`);
    },
  };
}
