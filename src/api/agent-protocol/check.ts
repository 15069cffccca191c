/**
 * Validation of protocol payloads against their JSON Schemas. The master validates with Ajv; the agent —
 * whose idle memory is budgeted at 60 MB — uses this compact checker instead of a validator library
 * (TypeBox's compiler and error messages are ~300 kB of resident code). It implements exactly the JSON
 * Schema keywords the protocol schemas use and refuses, when compiling, any schema with another keyword,
 * so a constraint can never be silently ignored; a test checks it agrees with TypeBox's own validator.
 *
 * The message names the first problem with its path: `job.id: must be integer`, `unknown key "x"`,
 * `missing required key "job.id"`.
 */
import type { Static, TSchema } from 'typebox';

export type CheckResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface PayloadCheck<S extends TSchema> {
  (value: unknown): CheckResult<Static<S>>;
}

type Validator = (value: unknown, path: string) => string | undefined;

const SUPPORTED = new Set([
  'type',
  'const',
  'enum',
  'anyOf',
  'properties',
  'required',
  'additionalProperties',
  'patternProperties',
  'minProperties',
  'items',
  'minItems',
  'maxItems',
  'minimum',
  'maximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'description',
  'title',
  'default',
  'examples',
]);

const FORMATS: Readonly<Record<string, (s: string) => boolean>> = {
  uuid: (s) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s),
  'date-time': (s) =>
    /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s)),
  ipv4: (s) => /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/.test(s),
};

const at = (path: string) => path || 'value';
const join = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));

function typeOk(type: string, v: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof v === 'string';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'boolean':
      return typeof v === 'boolean';
    case 'null':
      return v === null;
    case 'object':
      return typeof v === 'object' && v !== null && !Array.isArray(v);
    case 'array':
      return Array.isArray(v);
    default:
      throw new Error(`compileCheck: unsupported JSON Schema type ${JSON.stringify(type)}`);
  }
}

function compileStrings(s: Record<string, never>): Validator | undefined {
  if (
    s.minLength === undefined &&
    s.maxLength === undefined &&
    s.pattern === undefined &&
    s.format === undefined
  )
    return undefined;
  const min: number | undefined = s.minLength;
  const max: number | undefined = s.maxLength;
  const pattern = typeof s.pattern === 'string' ? new RegExp(s.pattern, 'u') : undefined;
  const format = typeof s.format === 'string' ? FORMATS[s.format] : undefined;
  if (s.format !== undefined && !format)
    throw new Error(`compileCheck: unsupported format ${JSON.stringify(s.format)}`);
  return (v, p) => {
    if (typeof v !== 'string') return undefined;
    const length = [...v].length;
    if (min !== undefined && length < min) return `${at(p)}: must not have fewer than ${min} characters`;
    if (max !== undefined && length > max) return `${at(p)}: must not have more than ${max} characters`;
    if (pattern && !pattern.test(v)) return `${at(p)}: must match pattern ${s.pattern}`;
    if (format && !format(v)) return `${at(p)}: must match format "${s.format}"`;
    return undefined;
  };
}

function compileArrays(s: Record<string, never>): Validator | undefined {
  if (s.items === undefined && s.minItems === undefined && s.maxItems === undefined) return undefined;
  const item = s.items !== undefined ? compile(s.items) : undefined;
  const min: number | undefined = s.minItems;
  const max: number | undefined = s.maxItems;
  return (v, p) => {
    if (!Array.isArray(v)) return undefined;
    if (min !== undefined && v.length < min) return `${at(p)}: must not have fewer than ${min} items`;
    if (max !== undefined && v.length > max) return `${at(p)}: must not have more than ${max} items`;
    if (item) {
      for (let i = 0; i < v.length; i++) {
        const e = item(v[i], join(p, i));
        if (e) return e;
      }
    }
    return undefined;
  };
}

function compileObjects(schema: Record<string, unknown>): Validator | undefined {
  const s = schema as Record<string, never>;
  const keywords = ['properties', 'required', 'additionalProperties', 'patternProperties', 'minProperties'];
  if (!keywords.some((k) => k in schema)) return undefined;
  const props = Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>).map(
    ([k, v]) => [k, compile(v)] as const,
  );
  const known = new Set(props.map(([k]) => k));
  const required: string[] = s.required ?? [];
  const patterns = Object.entries((s.patternProperties ?? {}) as Record<string, Record<string, unknown>>).map(
    ([re, v]) => [new RegExp(re, 'u'), compile(v)] as const,
  );
  const additional = schema.additionalProperties;
  const extra =
    typeof additional === 'object' && additional !== null
      ? compile(additional as Record<string, unknown>)
      : undefined;
  const minProps: number | undefined = s.minProperties;
  return (v, p) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
    const o = v as Record<string, unknown>;
    for (const key of required) {
      if (!(key in o) || o[key] === undefined) return `missing required key ${JSON.stringify(join(p, key))}`;
    }
    const keys = Object.keys(o).filter((k) => o[k] !== undefined);
    if (minProps !== undefined && keys.length < minProps)
      return `${at(p)}: must not have fewer than ${minProps} properties`;
    for (const [key, check] of props) {
      if (o[key] === undefined) continue;
      const e = check(o[key], join(p, key));
      if (e) return e;
    }
    for (const key of keys) {
      if (known.has(key)) continue;
      let matched = false;
      for (const [re, check] of patterns) {
        if (!re.test(key)) continue;
        matched = true;
        const e = check(o[key], join(p, key));
        if (e) return e;
      }
      if (matched) continue;
      if (additional === false) return `unknown key ${JSON.stringify(join(p, key))}`;
      if (extra) {
        const e = extra(o[key], join(p, key));
        if (e) return e;
      }
    }
    return undefined;
  };
}

function compile(schema: Record<string, unknown>): Validator {
  for (const key of Object.keys(schema)) {
    if (!SUPPORTED.has(key))
      throw new Error(`compileCheck: unsupported JSON Schema keyword ${JSON.stringify(key)}`);
  }
  const s = schema as Record<string, never>;
  const checks: Validator[] = [];
  if (s.type !== undefined) {
    const types: string[] = Array.isArray(s.type) ? s.type : [s.type];
    for (const t of types) typeOk(t, null); // an unknown type fails here, at compile time
    checks.push((v, p) =>
      types.some((t) => typeOk(t, v)) ? undefined : `${at(p)}: must be ${types.join(' or ')}`,
    );
  }
  if ('const' in schema) {
    const expected = schema.const;
    checks.push((v, p) => (v === expected ? undefined : `${at(p)}: must be ${JSON.stringify(expected)}`));
  }
  if (s.enum !== undefined) {
    const values: unknown[] = s.enum;
    checks.push((v, p) =>
      values.includes(v) ? undefined : `${at(p)}: must be one of ${JSON.stringify(values)}`,
    );
  }
  if (s.anyOf !== undefined) {
    const options = (s.anyOf as Record<string, unknown>[]).map(compile);
    checks.push((v, p) => {
      const errors = options.map((o) => o(v, p));
      if (errors.some((e) => e === undefined)) return undefined;
      // The informative error comes from the form whose type matched; if none did, list the types.
      const mismatch = `${at(p)}: must be `;
      const specific = errors.find(
        (e) => !e!.startsWith(mismatch) || /^[^:]*: must be (>=|<=|one of)/.test(e!),
      );
      return specific ?? `${mismatch}${errors.map((e) => e!.slice(mismatch.length)).join(' or ')}`;
    });
  }
  for (const part of [compileStrings(s), compileArrays(s), compileObjects(schema)])
    if (part) checks.push(part);
  if (typeof s.minimum === 'number' || typeof s.maximum === 'number') {
    const min: number | undefined = s.minimum;
    const max: number | undefined = s.maximum;
    checks.push((v, p) => {
      if (typeof v !== 'number') return undefined;
      if (min !== undefined && v < min) return `${at(p)}: must be >= ${min}`;
      if (max !== undefined && v > max) return `${at(p)}: must be <= ${max}`;
      return undefined;
    });
  }
  return (v, p) => {
    for (const check of checks) {
      const e = check(v, p);
      if (e) return e;
    }
    return undefined;
  };
}

export function compileCheck<S extends TSchema>(schema: S): PayloadCheck<S> {
  const validate = compile(schema as unknown as Record<string, unknown>);
  return (value) => {
    const message = validate(value, '');
    return message === undefined ? { ok: true, value: value as Static<S> } : { ok: false, message };
  };
}
