/**
 * Request validation. Bodies are checked strictly — no type coercion, unknown keys rejected (every body
 * schema sets additionalProperties: false) — because PyFarm clients rely on 400s for wrong types and unknown
 * columns. Query strings and path parameters arrive as text, so those validators coerce ("5" → 5) and
 * accept repeated keys as arrays.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    allErrors: false,
    strict: false,
  });
  addFormats.default(ajv);
  return ajv;
}

export function validatorCompiler(): FastifySchemaCompiler<unknown> {
  const strict = makeAjv(false);
  const coercing = makeAjv(true);
  const cache = new WeakMap<object, ValidateFunction>();
  return ({ schema, httpPart }) => {
    const ajv = httpPart === 'body' ? strict : coercing;
    const key = schema as object;
    const compiled = httpPart === 'body' ? undefined : cache.get(key);
    const validate = compiled ?? ajv.compile(schema as object);
    if (httpPart !== 'body') cache.set(key, validate);
    return validate as ReturnType<FastifySchemaCompiler<unknown>>;
  };
}
