/**
 * PyFarm's enums: every member has an integer value (what the database stores) and a lowercase string
 * (what the API speaks). Inputs accept either form; outputs always use the string.
 *
 *   const Colour = defineEnum('Colour', { RED: 1, BLUE: 2 });
 *   Colour.parse('red') === 1; Colour.parse(2) === 2; Colour.name(1) === 'red'
 */
import { ValidationError } from './errors.js';

export interface EnumDefinition<M extends Record<string, number>> {
  readonly enumName: string;
  /** Members by upper-case key, e.g. `WorkState.values.DONE === 106`. */
  readonly values: M;
  /** Lowercase member names in declaration order, e.g. `['paused', 'running', ...]`. */
  readonly names: readonly Lowercase<Extract<keyof M, string>>[];
  readonly ints: readonly M[keyof M][];
  /** The lowercase name of an integer value; undefined when the value is not a member. */
  name(value: number): Lowercase<Extract<keyof M, string>> | undefined;
  /** The integer value of a string (any case) or an integer; undefined when it is neither. */
  find(input: unknown): M[keyof M] | undefined;
  /** Like `find`, but an unknown value is a ValidationError that names `field` and the accepted values. */
  parse(input: unknown, field?: string): M[keyof M];
}

export function defineEnum<const M extends Record<string, number>>(
  enumName: string,
  members: M,
): EnumDefinition<M> {
  type Name = Lowercase<Extract<keyof M, string>>;
  type Value = M[keyof M];
  const byName = new Map<string, Value>();
  const byValue = new Map<number, Name>();
  for (const [key, value] of Object.entries(members) as [string, Value][]) {
    byName.set(key.toLowerCase(), value);
    byValue.set(value, key.toLowerCase() as Name);
  }
  const names = [...byValue.values()];
  const ints = [...byName.values()];
  const find = (input: unknown): Value | undefined => {
    if (typeof input === 'number') return byValue.has(input) ? (input as Value) : undefined;
    if (typeof input === 'string') return byName.get(input.toLowerCase());
    return undefined;
  };
  return Object.freeze({
    enumName,
    values: Object.freeze({ ...members }),
    names,
    ints,
    name: (value: number) => byValue.get(value),
    find,
    parse(input: unknown, field = enumName): Value {
      const value = find(input);
      if (value === undefined) {
        throw new ValidationError(
          `${field}: ${JSON.stringify(input)} is not a valid ${enumName} (expected one of ${names.join(', ')})`,
          { field, value: input },
        );
      }
      return value;
    },
  });
}
