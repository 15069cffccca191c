/**
 * Schema fragments shared by the configuration keys. Every fragment used for a key carries a
 * `description` phrased to follow "must be": it is the whole error message a user sees for a bad value,
 * so messages stay readable without decoding JSON-schema validator output.
 */
import Type, { type TSchema } from 'typebox';

export { DurationSchema as Duration } from './duration.js';

export const Str = Type.String({ description: 'a string' });
export const NonEmptyStr = Type.String({ minLength: 1, description: 'a non-empty string' });
export const Bool = Type.Boolean({ description: 'true or false' });

export function Int(minimum: number, maximum?: number) {
  const range = maximum === undefined ? `>= ${minimum}` : `from ${minimum} to ${maximum}`;
  return Type.Integer({
    minimum,
    ...(maximum === undefined ? {} : { maximum }),
    description: `an integer ${range}`,
  });
}

export const Integer = Type.Integer({ description: 'an integer' });

export function Num(minimum: number) {
  return Type.Number({ minimum, description: `a number >= ${minimum}` });
}

/** A string that must match `pattern`; `description` says what that means to a user. */
export function Pattern(pattern: string, description: string) {
  return Type.String({ pattern, description });
}

export const Port = Type.Integer({ minimum: 1, maximum: 65535, description: 'a TCP port from 1 to 65535' });

export function Nullable<T extends TSchema & { description?: string }>(schema: T) {
  return Type.Union([schema, Type.Null()], { description: `${schema.description ?? 'a value'} or null` });
}

/** PyFarm's agent settings that are detected at start-up when they say "auto". */
export function Auto<T extends TSchema & { description?: string }>(schema: T) {
  return Type.Union([Type.Literal('auto'), schema], {
    description: `"auto" or ${schema.description ?? 'a value'}`,
  });
}

/** SQLAlchemy-style URLs, as PyFarm wrote them; a `+driver` suffix on the scheme is tolerated. */
export const DatabaseUrl = Type.String({
  pattern: '^(sqlite|postgres|postgresql|mysql|mariadb)(\\+[A-Za-z0-9_]+)?://',
  description: 'a database URL: sqlite:///file, postgresql://user:pass@host/db or mysql://user:pass@host/db',
});

export const HttpUrl = Type.String({ pattern: '^https?://\\S+$', description: 'an http:// or https:// URL' });

export const LogLevel = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ],
  { description: 'one of fatal, error, warn, info, debug, trace, silent' },
);

export const EnvironmentMap = Type.Record(
  Type.String(),
  Type.Union([Type.String(), Type.Number(), Type.Boolean()]),
  {
    description: 'a map of environment variable names to strings',
  },
);

export const SmtpLogin = Type.Tuple(
  [Type.Union([Type.String(), Type.Null()]), Type.Union([Type.String(), Type.Null()])],
  {
    description: 'a [username, password] pair, each a string or null',
  },
);
