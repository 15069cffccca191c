/**
 * Reads a configuration file: a YAML mapping of keys to values. Parsed as YAML 1.1, like PyYAML, so that
 * PyFarm's files mean the same here (`True`, `yes`, `.8`). Problems come back as data, never thrown, so
 * the loader can report them together with everything else.
 */
import { LineCounter, isMap, isNode, isScalar, parseDocument } from 'yaml';
import type { ConfigProblem } from '../errors.js';

export interface YamlEntry {
  key: string;
  value: unknown;
  /** `path:line` of the key. */
  source: string;
}

/** Problems about a file as a whole (unreadable, not YAML, not a mapping) use this key. */
export const FILE_PROBLEM_KEY = '(file)';

export function parseConfigYaml(
  text: string,
  path: string,
): { entries: YamlEntry[]; problems: ConfigProblem[] } {
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    version: '1.1',
    lineCounter: lines,
    prettyErrors: false,
    logLevel: 'error',
  });
  const problems: ConfigProblem[] = doc.errors.map((error) => ({
    key: FILE_PROBLEM_KEY,
    message: `not valid YAML: ${error.message.split('\n')[0]?.replace(/:$/, '')}`,
    source: `${path}:${lines.linePos(error.pos[0]).line}`,
  }));
  const entries: YamlEntry[] = [];
  const contents = doc.contents;
  if (contents === null || (isScalar(contents) && contents.value === null)) return { entries, problems };
  if (!isMap(contents)) {
    problems.push({
      key: FILE_PROBLEM_KEY,
      message: 'a configuration file must hold a mapping of keys to values',
      source: path,
    });
    return { entries, problems };
  }
  for (const pair of contents.items) {
    const offset = isScalar(pair.key) ? pair.key.range?.[0] : undefined;
    const source = offset === undefined ? path : `${path}:${lines.linePos(offset).line}`;
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
      problems.push({ key: FILE_PROBLEM_KEY, message: 'every key must be a plain name', source });
      continue;
    }
    const value: unknown = isNode(pair.value) ? pair.value.toJS(doc) : null;
    entries.push({ key: pair.key.value, value, source });
  }
  return { entries, problems };
}
