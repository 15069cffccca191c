/**
 * A log identifier is a file name inside `tasklogs_dir`. The rules guarantee that `join(dir, identifier)`
 * and `join(dir, identifier + '.gz')` name a plain file directly inside the directory, whatever the
 * platform: no separators, no `..`, no control characters (NUL included), no leading dot (so neither `.`
 * nor the store's own `.upload-*` temporaries), and no `.gz` ending (so that a log's compressed file can
 * never be another log's plain one).
 */
import { ValidationError } from '../../core/errors.js';
import { LOG_IDENTIFIER_MAX_LENGTH } from '../../api/schemas/task-logs.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;

/** The problem with an identifier, or undefined when it is acceptable. */
export function logIdentifierProblem(identifier: string): string | undefined {
  if (identifier.length === 0) return 'must not be empty';
  if (identifier.length > LOG_IDENTIFIER_MAX_LENGTH)
    return `must be at most ${LOG_IDENTIFIER_MAX_LENGTH} characters`;
  if (identifier.includes('/') || identifier.includes('\\')) return 'must not contain "/" or "\\"';
  if (identifier.includes('..')) return 'must not contain ".."';
  if (CONTROL.test(identifier)) return 'must not contain control characters';
  if (identifier.startsWith('.')) return 'must not start with "."';
  if (identifier.toLowerCase().endsWith('.gz')) return 'must not end with ".gz"';
  return undefined;
}

export function checkLogIdentifier(identifier: string, field = 'identifier'): string {
  const problem = logIdentifierProblem(identifier);
  if (problem !== undefined) {
    throw new ValidationError(`${field}: ${JSON.stringify(identifier.slice(0, 300))} ${problem}`, {
      field,
      value: identifier,
    });
  }
  return identifier;
}
