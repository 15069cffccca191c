/**
 * Reads the job type a file in `jobtypes/builtin/` ships (format: docs/jobtypes.md). The master never runs
 * job type code, so everything is read statically: optional `@tag value` lines in the leading block
 * comment, the class from the `export` statements, and a description from the comment's first sentence.
 *
 *   /**
 *    * Blender: renders frames of a .blend. ...
 *    * @max_batch 10
 *    * @supports_tiling true
 *    *\/
 *   export class Blender extends JobType { ... }
 *   export default Blender;
 */
import { createHash } from 'node:crypto';
import { ValidationError } from '../../core/errors.js';

export interface BuiltinJobType {
  /** The file's name, for messages. */
  readonly file: string;
  readonly name: string;
  /** The export the agent instantiates; null = the default export. */
  readonly classname: string | null;
  readonly description: string | null;
  /** null = no limit (the job's `batch` decides). */
  readonly maxBatch: number | null;
  readonly batchContiguous: boolean;
  readonly supportsTiling: boolean;
  readonly noAutomaticStartTime: boolean;
  readonly code: string;
  /** SHA-256 of the code: a shipped change is a new version. */
  readonly sha256: string;
}

const TAGS = [
  'name',
  'classname',
  'description',
  'max_batch',
  'batch_contiguous',
  'supports_tiling',
  'no_automatic_start_time',
] as const;
type Tag = (typeof TAGS)[number];

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

export function parseBuiltinJobType(file: string, code: string): BuiltinJobType {
  const { prose, tags } = readHeader(code);
  const fail = (tag: string, problem: string) =>
    new ValidationError(`${file}: @${tag} ${problem}`, {
      field: `${file}: @${tag}`,
      value: tags.get(tag as Tag),
    });

  const classname = tags.get('classname') ?? exportedClass(code);
  if (classname !== null && !IDENTIFIER.test(classname))
    throw fail('classname', 'must be a JavaScript identifier');
  if (classname === null && !/^\s*export\s+default\b/m.test(code)) {
    throw new ValidationError(`${file}: exports no class (no "export class" and no default export)`, {
      field: file,
    });
  }
  const name = tags.get('name') ?? classname ?? file.replace(/\.m?js$/, '');
  if (name.length === 0 || name.length > 64) throw fail('name', 'must be 1 to 64 characters');
  return {
    file,
    name,
    classname,
    description: tags.get('description') ?? firstSentence(prose),
    maxBatch: readMaxBatch(tags.get('max_batch'), fail),
    batchContiguous: readBoolean(tags.get('batch_contiguous'), true, () =>
      fail('batch_contiguous', 'must be true or false'),
    ),
    supportsTiling: readBoolean(tags.get('supports_tiling'), false, () =>
      fail('supports_tiling', 'must be true or false'),
    ),
    noAutomaticStartTime: readBoolean(tags.get('no_automatic_start_time'), false, () =>
      fail('no_automatic_start_time', 'must be true or false'),
    ),
    code,
    sha256: createHash('sha256').update(code).digest('hex'),
  };
}

/** The leading block comment's text lines before the first tag, and its known tags. */
function readHeader(code: string): { prose: string[]; tags: Map<Tag, string> } {
  const match = /^(?:#![^\n]*\n)?\s*\/\*\*?([\s\S]*?)\*\//.exec(code);
  const lines = (match?.[1] ?? '').split('\n').map((line) => line.replace(/^\s*\*?\s?/, '').trimEnd());
  const prose: string[] = [];
  const tags = new Map<Tag, string>();
  let inTags = false;
  for (const line of lines) {
    const tag = /^@(\w+)\s*(.*)$/.exec(line.trim());
    if (tag) {
      inTags = true;
      if ((TAGS as readonly string[]).includes(tag[1]!)) tags.set(tag[1] as Tag, tag[2]!.trim());
    } else if (!inTags) {
      prose.push(line);
    }
  }
  return { prose, tags };
}

/**
 * The class the agent should take: the default export's name when it is also a named class export, else
 * the only exported class; null when the module offers only a default export.
 */
function exportedClass(code: string): string | null {
  const classes = [...code.matchAll(/^\s*export\s+class\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]!);
  const defaultName = /^\s*export\s+default\s+([A-Za-z_$][\w$]*)\s*;?\s*$/m.exec(code)?.[1];
  if (defaultName !== undefined && classes.includes(defaultName)) return defaultName;
  return classes.length === 1 ? classes[0]! : null;
}

/** The first sentence of the comment's first paragraph. */
function firstSentence(prose: readonly string[]): string | null {
  const paragraph: string[] = [];
  for (const line of prose) {
    if (line.trim() === '') {
      if (paragraph.length > 0) break;
      continue;
    }
    paragraph.push(line.trim());
  }
  const text = paragraph.join(' ');
  if (text === '') return null;
  return /^(.*?[.!?])(?:\s|$)/.exec(text)?.[1] ?? text;
}

function readMaxBatch(
  value: string | undefined,
  fail: (tag: string, problem: string) => Error,
): number | null {
  if (value === undefined || /^(none|null|unlimited)$/i.test(value)) return null;
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1)
    throw fail('max_batch', 'must be a positive integer or "none"');
  return Number(value);
}

function readBoolean(value: string | undefined, fallback: boolean, fail: () => Error): boolean {
  if (value === undefined) return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw fail();
}
