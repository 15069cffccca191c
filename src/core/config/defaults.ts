/**
 * The defaults shipped with the package: PyFarm's five files plus Drover's, read once (on first use,
 * never at import) and merged into one flat namespace. A key may appear in two files only with the same
 * value, so that it keeps one meaning; anything else is a packaging bug reported as a problem.
 */
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import type { ConfigProblem } from '../errors.js';
import { parseConfigYaml } from './yaml-source.js';

export const DEFAULT_FILES = ['master', 'models', 'scheduler', 'agent', 'jobtypes', 'drover'] as const;

export interface Defaults {
  values: Readonly<Record<string, unknown>>;
  /** The file each key was first defined in, e.g. `agent.yml`. */
  files: Readonly<Record<string, string>>;
  problems: readonly ConfigProblem[];
}

let cached: Defaults | undefined;

export function loadDefaults(): Defaults {
  cached ??= readDefaults();
  return cached;
}

function readDefaults(): Defaults {
  const values: Record<string, unknown> = {};
  const files: Record<string, string> = {};
  const problems: ConfigProblem[] = [];
  for (const name of DEFAULT_FILES) {
    const file = `${name}.yml`;
    const text = readFileSync(new URL(`./defaults/${file}`, import.meta.url), 'utf8');
    const parsed = parseConfigYaml(text, file);
    problems.push(...parsed.problems.map((p) => ({ ...p, source: 'default' })));
    for (const { key, value } of parsed.entries) {
      const first = files[key];
      if (first === undefined) {
        values[key] = value;
        files[key] = file;
      } else if (!isDeepStrictEqual(values[key], value)) {
        problems.push({
          key,
          message: `defined with different defaults in ${first} and ${file}`,
          source: 'default',
        });
      }
    }
  }
  return { values, files, problems };
}
