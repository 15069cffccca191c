/**
 * Hiding secrets when configuration is shown (`drover config show`, an agent's GET /config, logs):
 * keys that are secrets by name, the password of smtp_login, and the password inside any URL.
 */
export const REDACTED = '[redacted]';

const SECRET_NAME = /(secret|password|token|_key$)/;
const URL_PASSWORD = /^([a-z][a-z0-9+.-]*:\/\/[^:/@\s]*):[^@/\s]*@/i;

export function redactValue(key: string, value: unknown): unknown {
  if (value === null || value === undefined || value === '') return value;
  if (SECRET_NAME.test(key)) return REDACTED;
  if (key === 'smtp_login' && Array.isArray(value)) {
    return value.map((part, index) => (index === 1 && part !== null ? REDACTED : part));
  }
  if (typeof value === 'string') return value.replace(URL_PASSWORD, `$1:${REDACTED}@`);
  return value;
}

/** A shallow copy of a configuration with every secret replaced by `[redacted]`. */
export function redactConfig(config: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([key, value]) => [key, redactValue(key, value)]));
}
