/**
 * Validation of protocol payloads with TypeBox's compiled validators (no Ajv: the agent's idle memory is
 * budgeted and TypeBox's compiler is what the schemas already load). The message names the first problem
 * with its path, e.g. `job.id: must be integer` or `unknown key "foo"`.
 */
import type { Static, TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

export type CheckResult<T> = { ok: true; value: T } | { ok: false; message: string };

export interface PayloadCheck<S extends TSchema> {
  (value: unknown): CheckResult<Static<S>>;
}

export function compileCheck<S extends TSchema>(schema: S): PayloadCheck<S> {
  const validator = Compile(schema);
  return (value) => {
    if (validator.Check(value)) return { ok: true, value: value as Static<S> };
    return { ok: false, message: describeFirstError(validator.Errors(value)) };
  };
}

interface ErrorLike {
  keyword: string;
  instancePath: string;
  params: object;
  message: string;
}

function describeFirstError(errors: readonly ErrorLike[]): string {
  // TypeBox reports the "schema is false" of additionalProperties before the readable one: prefer the
  // most specific error that has a useful keyword.
  const useful = errors.filter((e) => e.keyword !== 'boolean' && e.keyword !== 'anyOf');
  const first = useful[0] ?? errors[0];
  if (!first) return 'invalid value';
  const path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const params = first.params as Record<string, unknown>;
  if (first.keyword === 'additionalProperties') {
    const keys = (params.additionalProperties as string[] | undefined) ?? [];
    return `unknown key ${JSON.stringify(path ? `${path}.${keys[0]}` : keys[0])}`;
  }
  if (first.keyword === 'required') {
    const missing = (params.requiredProperties as string[] | undefined)?.[0];
    if (missing !== undefined) return `missing required key ${JSON.stringify(path ? `${path}.${missing}` : missing)}`;
  }
  return `${path || 'value'}: ${first.message}`;
}
