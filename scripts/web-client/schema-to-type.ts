/**
 * JSON Schema (the OpenAPI 3.0 dialect @fastify/swagger emits from TypeBox) → a TypeScript type
 * expression. Covers what the master's schemas use: objects with required/optional properties and
 * additionalProperties, arrays and tuples, enums and consts, unions (anyOf/oneOf), intersections (allOf),
 * `nullable`, and binary strings. Anything it cannot express becomes `unknown`, never a guess.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  prefixItems?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  nullable?: boolean;
  format?: string;
  description?: string;
  $ref?: string;
}

export function schemaToType(schema: JsonSchema): string {
  const base = baseType(schema);
  return schema.nullable && base !== 'null' && base !== 'unknown' ? union([base, 'null']) : base;
}

function baseType(schema: JsonSchema): string {
  if (schema.const !== undefined) return literal(schema.const);
  if (schema.enum) return union(schema.enum.map(literal));
  if (schema.anyOf) return union(schema.anyOf.map(schemaToType));
  if (schema.oneOf) return union(schema.oneOf.map(schemaToType));
  if (schema.allOf) return schema.allOf.map((s) => wrap(schemaToType(s))).join(' & ');
  const type = schema.type;
  if (Array.isArray(type)) return union(type.map((t) => baseType({ ...schema, type: t })));
  switch (type) {
    case 'string':
      return schema.format === 'binary' ? 'Blob' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array':
      return arrayType(schema);
    case 'object':
      return objectType(schema);
    default:
      return schema.properties ? objectType(schema) : 'unknown';
  }
}

function arrayType(schema: JsonSchema): string {
  const tuple = schema.prefixItems ?? (Array.isArray(schema.items) ? schema.items : undefined);
  if (tuple) return `[${tuple.map(schemaToType).join(', ')}]`;
  const items = schema.items as JsonSchema | undefined;
  return `${wrap(items ? schemaToType(items) : 'unknown')}[]`;
}

function objectType(schema: JsonSchema): string {
  const required = new Set(schema.required ?? []);
  const members = Object.entries(schema.properties ?? {}).map(([name, prop]) => {
    const comment = prop.description ? `/** ${prop.description.replace(/\*\//g, '*\\/')} */ ` : '';
    return `${comment}${key(name)}${required.has(name) ? '' : '?'}: ${schemaToType(prop)}`;
  });
  const extra = schema.additionalProperties;
  if (extra === true || (extra === undefined && members.length === 0)) members.push('[key: string]: unknown');
  else if (extra && typeof extra === 'object') members.push(`[key: string]: ${schemaToType(extra)}`);
  return members.length === 0 ? 'Record<string, never>' : `{ ${members.join('; ')} }`;
}

function literal(value: unknown): string {
  return value === null ? 'null' : JSON.stringify(value);
}

function union(types: readonly string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.map(wrap).join(' | ');
}

/** Parenthesises unions and intersections where they become array items or operands. */
function wrap(type: string): string {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < type.length; i++) {
    const c = type[i];
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '{' || c === '(' || c === '[' || c === '<') depth++;
    else if (c === '}' || c === ')' || c === ']' || c === '>') depth--;
    else if (depth === 0 && (c === '|' || c === '&')) return `(${type})`;
  }
  return type;
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}
