/**
 * Checks the merged, expanded values against the schema, key by key, and then the rules that tie keys
 * together. Every problem is collected; nothing stops at the first one.
 */
import type { TSchema } from 'typebox';
import { Check } from 'typebox/value';
import type { ConfigProblem } from '../errors.js';
import { durationMs, type Duration } from './duration.js';
import { redactValue } from './redact.js';
import { ConfigSchema } from './schema.js';

const properties = ConfigSchema.properties as Readonly<Record<string, TSchema & { description?: string }>>;

export function validateValues(
  values: Readonly<Record<string, unknown>>,
  sources: Readonly<Record<string, string>>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const valid = new Set<string>();
  for (const [key, schema] of Object.entries(properties)) {
    const value = values[key];
    if (value === undefined) {
      problems.push({ key, message: 'has no value', source: sources[key] ?? 'default' });
    } else if (Check(schema, value)) {
      valid.add(key);
    } else {
      problems.push({
        key,
        message: `must be ${schema.description ?? 'valid'}; got ${show(redactValue(key, value))}`,
        source: sources[key] ?? 'default',
      });
    }
  }

  const number = (key: string) => values[key] as number;
  const ordered = (low: string, high: string) => {
    if (valid.has(low) && valid.has(high) && number(low) > number(high)) {
      problems.push({
        key: low,
        message: `must not be greater than ${high} (${number(low)} > ${number(high)})`,
        source: sources[low] ?? 'default',
      });
    }
  };
  ordered('queue_min_priority', 'queue_default_priority');
  ordered('queue_default_priority', 'queue_max_priority');
  ordered('agent_min_port', 'agent_max_port');
  ordered('agent_min_cpus', 'agent_max_cpus');
  ordered('agent_min_ram', 'agent_max_ram');

  if (valid.has('agent_offline_timeout') && valid.has('agent_reannounce_interval')) {
    const timeout = durationMs(values.agent_offline_timeout as Duration);
    const interval = durationMs(values.agent_reannounce_interval as Duration);
    if (timeout <= interval) {
      problems.push({
        key: 'agent_offline_timeout',
        message: `must be longer than agent_reannounce_interval (${timeout / 1000} s <= ${interval / 1000} s), or idle agents would be marked offline`,
        source: sources.agent_offline_timeout ?? 'default',
      });
    }
  }
  return problems;
}

function show(value: unknown): string {
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`;
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
