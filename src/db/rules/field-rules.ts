/**
 * Building blocks of the model rules: each checks one value, returns it (normalised where stated) or
 * throws a ValidationError naming the field and carrying the value. Repositories call the rules before
 * writing, so that nothing invalid reaches the database whatever the caller (API, CLI, scheduler).
 */
import { ValidationError } from '../../core/errors.js';

export function invalid(field: string, value: unknown, problem: string): ValidationError {
  return new ValidationError(`${field}: ${problem} (got ${describe(value)})`, { field, value });
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return Array.isArray(value) ? 'an array' : typeof value;
}

/** Throws unless every named field of `input` is present (not undefined, not null). */
export function checkRequired<T extends object>(
  input: T,
  fields: readonly (keyof T & string)[],
  names?: Partial<Record<keyof T & string, string>>,
): void {
  for (const field of fields) {
    const value = input[field];
    if (value === undefined || value === null) throw invalid(names?.[field] ?? field, value, 'is required');
  }
}

export interface IntegerRange {
  min?: number;
  max?: number;
}

export function checkInteger(field: string, value: unknown, range: IntegerRange = {}): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw invalid(field, value, 'must be an integer');
  return checkRange(field, value, range);
}

export function checkNumber(field: string, value: unknown, range: IntegerRange = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw invalid(field, value, 'must be a finite number');
  return checkRange(field, value, range);
}

function checkRange(field: string, value: number, { min, max }: IntegerRange): number {
  if (min !== undefined && max !== undefined && (value < min || value > max)) {
    throw invalid(field, value, `must be between ${min} and ${max}`);
  }
  if (min !== undefined && value < min) throw invalid(field, value, `must be at least ${min}`);
  if (max !== undefined && value > max) throw invalid(field, value, `must be at most ${max}`);
  return value;
}

export interface StringRule {
  maxLength: number;
  /** Default true: the empty string (after trimming) is rejected. */
  nonEmpty?: boolean;
}

/** Lengths count characters (code points), as the databases' VARCHAR(n) do. */
export function checkString(
  field: string,
  value: unknown,
  { maxLength, nonEmpty = true }: StringRule,
): string {
  if (typeof value !== 'string') throw invalid(field, value, 'must be a string');
  if (nonEmpty && value.trim() === '') throw invalid(field, value, 'must not be empty');
  checkCharacters(field, value);
  const length = [...value].length;
  if (length > maxLength)
    throw invalid(field, value, `must be at most ${maxLength} characters (is ${length})`);
  return value;
}

/** MySQL's TEXT holds 65,535 bytes; the same bound applies on every dialect so behaviour does not differ. */
export const MAX_TEXT_BYTES = 65_535;
/**
 * LONGTEXT columns (job type code, errors, job data) are bounded well below MariaDB's default
 * max_allowed_packet (16 MiB), which a whole INSERT must fit in.
 */
export const MAX_LONG_TEXT_BYTES = 8 * 1024 * 1024;

/**
 * Free text for a TEXT column (or a LONGTEXT one with `long`), bounded in UTF-8 bytes. NUL is rejected
 * because PostgreSQL cannot store it.
 */
export function checkText(field: string, value: unknown, { long = false }: { long?: boolean } = {}): string {
  if (typeof value !== 'string') throw invalid(field, value, 'must be a string');
  checkCharacters(field, value);
  checkBytes(field, value, long ? MAX_LONG_TEXT_BYTES : MAX_TEXT_BYTES);
  return value;
}

// A UTF-16 surrogate without its partner (JSON allows "\ud800"): no database can store it as text, and
// SQLite and MariaDB would silently turn it into U+FFFD, so a stored name would not match its lookup.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** NUL (PostgreSQL cannot store it in text) and lone surrogates are refused. */
function checkCharacters(field: string, value: string): void {
  if (value.includes('\0')) throw invalid(field, value, 'must not contain NUL characters');
  if (LONE_SURROGATE.test(value)) throw invalid(field, value, 'must be valid Unicode (a lone surrogate)');
}

function checkBytes(field: string, value: string, maxBytes: number): void {
  // Cheap bound first: a UTF-16 code unit is at most 3 UTF-8 bytes.
  if (value.length * 3 <= maxBytes) return;
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes > maxBytes)
    throw invalid(field, value, `must be at most ${maxBytes} bytes of UTF-8 (is ${bytes})`);
}

export function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw invalid(field, value, 'must be true or false');
  return value;
}

/** Epoch milliseconds. */
export function checkMillis(field: string, value: unknown): number {
  return checkInteger(field, value, { min: 0 });
}

/** Applies `check` unless the value is null (kept) or undefined (kept: "not given"). */
export function nullable<T, V>(
  value: V,
  check: (value: NonNullable<V>) => T,
): T | Extract<V, null | undefined> {
  return value === null || value === undefined
    ? (value as Extract<V, null | undefined>)
    : check(value as NonNullable<V>);
}

/** A JSON object (not an array, not null) that survives a JSON round trip; returns its JSON text. */
export function checkJsonObject(field: string, value: unknown): string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(field, value, 'must be a JSON object');
  }
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    throw invalid(field, value, 'must be serialisable as JSON');
  }
  if (text.includes('\\u0000')) throw invalid(field, value, 'must not contain NUL characters');
  checkBytes(field, text, MAX_LONG_TEXT_BYTES);
  return text;
}

/** An object whose values are all strings (an environment), returned as JSON text. */
export function checkEnvironment(field: string, value: unknown): string {
  const text = checkJsonObject(field, value);
  for (const [key, entry] of Object.entries(value as Record<string, unknown>)) {
    if (typeof entry !== 'string') throw invalid(`${field}.${key}`, entry, 'must be a string');
  }
  return text;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID in any case; returned lower-case and hyphenated (spec §1). */
export function checkUuid(field: string, value: unknown): string {
  if (typeof value !== 'string' || !UUID.test(value)) throw invalid(field, value, 'must be a UUID');
  return value.toLowerCase();
}
