/**
 * Environment variables and command-line flags arrive as strings. They are read as YAML scalars or flow
 * collections ("true", "5", "{seconds: 10}", "[a, b]") when that gives a value the key accepts, and kept
 * as the raw string otherwise, so "Job: {{ job.title }}" stays a subject line rather than a map.
 */
import type { TSchema } from 'typebox';
import { Check } from 'typebox/value';
import { parse } from 'yaml';

export function coerceString(raw: string, schema: TSchema): unknown {
  let parsed: unknown = raw;
  try {
    parsed = parse(raw, { version: '1.1', logLevel: 'error' });
  } catch {
    // Not YAML: the raw string is the only reading; validation reports it if the key wants something else.
  }
  if (Check(schema, parsed)) return parsed;
  if (Check(schema, raw)) return raw;
  // PyFarm's read_env_bool also took 1 and 0.
  if ((raw === '1' || raw === '0') && Check(schema, true)) return raw === '1';
  return parsed;
}
