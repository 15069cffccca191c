/**
 * Durations as PyFarm wrote them: the keyword arguments of a Python `timedelta` (`{seconds: 30}`,
 * `{hours: 16}`, `{minutes: 1, seconds: 30}`), or a plain number of seconds (`agent_request_timeout: 10`).
 * The configuration keeps the value as written; consumers turn it into milliseconds with `durationMs`.
 */
import Type, { type Static } from 'typebox';
import { Check } from 'typebox/value';
import { ValidationError } from '../errors.js';

const MS_PER_UNIT = {
  weeks: 7 * 24 * 3600_000,
  days: 24 * 3600_000,
  hours: 3600_000,
  minutes: 60_000,
  seconds: 1000,
  milliseconds: 1,
  microseconds: 0.001,
} as const;

const Amount = Type.Number({ minimum: 0 });

const DESCRIPTION =
  'a duration: a number of seconds or a dict such as {minutes: 5} ' +
  `(keys ${Object.keys(MS_PER_UNIT).join(', ')}; values >= 0)`;

export const DurationSchema = Type.Union(
  [
    Type.Number({ minimum: 0 }),
    Type.Object(
      {
        weeks: Type.Optional(Amount),
        days: Type.Optional(Amount),
        hours: Type.Optional(Amount),
        minutes: Type.Optional(Amount),
        seconds: Type.Optional(Amount),
        milliseconds: Type.Optional(Amount),
        microseconds: Type.Optional(Amount),
      },
      { additionalProperties: false, minProperties: 1 },
    ),
  ],
  { description: DESCRIPTION },
);

export type Duration = Static<typeof DurationSchema>;

/** The length of a duration in milliseconds. Throws ValidationError for anything that is not a Duration. */
export function durationMs(value: Duration): number {
  if (!Check(DurationSchema, value)) {
    throw new ValidationError(`${JSON.stringify(value)} is not ${DESCRIPTION}`, { value });
  }
  if (typeof value === 'number') return value * 1000;
  let ms = 0;
  for (const [unit, amount] of Object.entries(value) as [keyof typeof MS_PER_UNIT, number][]) {
    ms += amount * MS_PER_UNIT[unit];
  }
  return ms;
}
