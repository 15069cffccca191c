/** Users, roles, API tokens, first-run setup and browser login. */
import Type, { type Static } from 'typebox';
import { NullableTimestamp, Timestamp } from './common.js';

export const RoleName = Type.Union(
  [Type.Literal('admin'), Type.Literal('wrangler'), Type.Literal('artist'), Type.Literal('agent')],
  { description: 'admin, wrangler, artist or agent' },
);

const Username = Type.String({ minLength: 1, maxLength: 255, pattern: '^[^\\s/]+$' });
const Password = Type.String({ minLength: 8, maxLength: 1024, description: 'at least 8 characters' });
const Email = Type.String({ maxLength: 255, format: 'email' });

export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  expiration: NullableTimestamp,
  last_login: NullableTimestamp,
  roles: Type.Array(Type.String()),
});
export type UserView = Static<typeof UserView>;

export const SetupStatus = Type.Object({ setup_required: Type.Boolean() });

export const SetupBody = Type.Object(
  { username: Username, password: Password, email: Type.Optional(Email) },
  { additionalProperties: false },
);

export const LoginBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 255 }), password: Type.String({ maxLength: 1024 }) },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object(
  {
    username: Username,
    password: Type.Optional(Password),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    password: Type.Optional(Password),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    roles: Type.Optional(Type.Array(RoleName, { uniqueItems: true })),
  },
  { additionalProperties: false },
);

export const TokenKindName = Type.Union([Type.Literal('api'), Type.Literal('agent')]);

export const CreateTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 255 }),
    /** "agent" tokens are for render nodes; their user must hold the agent role. */
    kind: Type.Optional(TokenKindName),
    /** Whose token it is (default: the caller). */
    user: Type.Optional(Type.String({ minLength: 1, maxLength: 255 })),
    expires_in: Type.Optional(
      Type.Integer({ minimum: 60, description: 'lifetime in seconds; default: never' }),
    ),
  },
  { additionalProperties: false },
);

export const TokenView = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  kind: Type.String(),
  user: Type.String(),
  prefix: Type.String(),
  created_on: Timestamp,
  last_used: NullableTimestamp,
  expires: NullableTimestamp,
  revoked: Type.Boolean(),
});

export const CreatedToken = Type.Intersect([
  TokenView,
  Type.Object({ token: Type.String({ description: 'the token; shown only in this response' }) }),
]);

export const MeView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  roles: Type.Array(Type.String()),
  via: Type.String(),
});
