/**
 * fast-check arbitraries from the JSON schemas that routes declare (TypeBox output): `valid` values that
 * satisfy the schema most of the time (so requests get past validation into the handlers), and `mutated`
 * ones that break it in one place (a missing required key, an unknown key, a value of the wrong type).
 * Only the subset of JSON Schema that the routes use is understood; anything else yields random JSON.
 */
import fc from 'fast-check';

export type JsonSchema = Record<string, unknown>;

/** Values the fuzzer mixes in wherever a string or a number goes: existing ids and names, edge cases. */
export interface Hints {
  strings: readonly string[];
  numbers: readonly number[];
}

const MAX_ARRAY = 4;
const MAX_STRING = 40;

const nastyStrings = [
  '',
  ' ',
  '..',
  '../../etc/passwd',
  'a/b',
  'a\\b',
  '\u0000',
  'ü日本😀',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  'x'.repeat(300),
  '1e309',
  'NaN',
  'null',
  '-1',
  '0',
];
const nastyNumbers = [0, -1, 1, 2 ** 31, 2 ** 53, -(2 ** 53), 1e308, -1e308, 0.5, 99999999999999];

export function anyJson(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { depthSize: 'small' },
    fc.jsonValue({ maxDepth: 3 }),
    fc.constantFrom<unknown>(...nastyStrings, ...nastyNumbers, true, false, null, [], {}),
  );
}

export function validFromSchema(schema: unknown, hints: Hints, depth = 0): fc.Arbitrary<unknown> {
  if (typeof schema !== 'object' || schema === null || depth > 6) return anyJson();
  const s = schema as JsonSchema;
  if ('const' in s) return fc.constant(s.const);
  if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
  if (Array.isArray(s.anyOf) || Array.isArray(s.oneOf)) {
    const options = ((s.anyOf ?? s.oneOf) as unknown[]).map((o) => validFromSchema(o, hints, depth + 1));
    return options.length > 0 ? fc.oneof(...options) : anyJson();
  }
  if (Array.isArray(s.allOf)) return objectArbitrary(mergeAllOf(s.allOf as JsonSchema[]), hints, depth);
  const type = Array.isArray(s.type) ? (s.type as string[])[0] : s.type;
  switch (type) {
    case 'object':
      return objectArbitrary(s, hints, depth);
    case 'array': {
      const min = typeof s.minItems === 'number' ? s.minItems : 0;
      const max = Math.max(min, Math.min(typeof s.maxItems === 'number' ? s.maxItems : MAX_ARRAY, MAX_ARRAY));
      const items = validFromSchema(s.items, hints, depth + 1);
      return s.uniqueItems
        ? fc.uniqueArray(items, { minLength: min, maxLength: max, selector: (v) => JSON.stringify(v) })
        : fc.array(items, { minLength: min, maxLength: max });
    }
    case 'string':
      return stringArbitrary(s, hints);
    case 'integer':
    case 'number': {
      const min = typeof s.minimum === 'number' ? s.minimum : -1_000_000;
      const max = typeof s.maximum === 'number' ? s.maximum : 1_000_000;
      const inRange = hints.numbers.filter(
        (n) => n >= min && n <= max && (type === 'number' || Number.isInteger(n)),
      );
      const base =
        type === 'integer'
          ? fc.integer({
              min: Math.max(min, Number.MIN_SAFE_INTEGER),
              max: Math.min(max, Number.MAX_SAFE_INTEGER),
            })
          : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
      return inRange.length > 0 ? fc.oneof(base, fc.constantFrom(...inRange)) : base;
    }
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    default:
      return anyJson();
  }
}

/** A value that breaks the schema in one place (or, for non-objects, a value of another type). */
export function mutatedFromSchema(schema: unknown, hints: Hints): fc.Arbitrary<unknown> {
  const s = (typeof schema === 'object' && schema !== null ? schema : {}) as JsonSchema;
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  if (s.type !== 'object' || Object.keys(properties).length === 0) return anyJson();
  const keys = Object.keys(properties);
  return fc
    .tuple(
      validFromSchema(s, hints) as fc.Arbitrary<Record<string, unknown>>,
      fc.constantFrom('drop', 'unknown', 'retype', 'nest'),
      fc.constantFrom(...keys),
      anyJson(),
      fc.string({ maxLength: 12 }),
    )
    .map(([value, how, key, other, name]) => {
      const copy: Record<string, unknown> = { ...(value ?? {}) };
      if (how === 'drop') delete copy[key];
      else if (how === 'unknown') copy[name === '' || name in properties ? `${name}_extra` : name] = other;
      else if (how === 'retype') copy[key] = other;
      else copy[key] = { [key]: copy[key] };
      return copy;
    });
}

function objectArbitrary(s: JsonSchema, hints: Hints, depth: number): fc.Arbitrary<unknown> {
  const properties = (s.properties ?? {}) as Record<string, unknown>;
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    return s.additionalProperties === false
      ? fc.constant({})
      : fc.dictionary(fc.string({ maxLength: 8 }), anyJson(), { maxKeys: 3 });
  }
  const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = validFromSchema(properties[key], hints, depth + 1);
  return fc.record(model, { requiredKeys: keys.filter((k) => required.has(k)) });
}

function stringArbitrary(s: JsonSchema, hints: Hints): fc.Arbitrary<string> {
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  const maxLength = Math.max(
    minLength,
    Math.min(typeof s.maxLength === 'number' ? s.maxLength : MAX_STRING, MAX_STRING),
  );
  const fits = (v: string) =>
    v.length >= minLength && (typeof s.maxLength !== 'number' || v.length <= s.maxLength);
  let base: fc.Arbitrary<string>;
  switch (s.format) {
    case 'uuid':
      base = fc.uuid();
      break;
    case 'date-time':
      base = fc
        .date({ min: new Date(0), max: new Date(Date.UTC(2100, 0, 1)), noInvalidDate: true })
        .map((d) => d.toISOString());
      break;
    case 'email':
      base = fc.emailAddress();
      break;
    default:
      base =
        typeof s.pattern === 'string'
          ? patternArbitrary(s.pattern, minLength, maxLength)
          : fc.string({ minLength, maxLength, unit: 'grapheme' });
  }
  const hinted = hints.strings.filter(fits);
  return hinted.length > 0 ? fc.oneof({ weight: 3, arbitrary: base }, fc.constantFrom(...hinted)) : base;
}

function patternArbitrary(pattern: string, minLength: number, maxLength: number): fc.Arbitrary<string> {
  try {
    return fc
      .stringMatching(new RegExp(pattern))
      .filter((v) => v.length >= minLength && v.length <= Math.max(maxLength, minLength) * 4);
  } catch {
    return fc.string({ minLength, maxLength });
  }
}

function mergeAllOf(parts: JsonSchema[]): JsonSchema {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const part of parts) {
    Object.assign(properties, part.properties ?? {});
    if (Array.isArray(part.required)) required.push(...(part.required as string[]));
  }
  return { type: 'object', properties, required };
}
