/**
 * Task logs (`/jobs/<job>/tasks/<task>/attempts/<attempt>/logs/...`): a log file written by an agent,
 * named by a unique identifier and linked to the task attempts it records. The file itself travels as
 * `text/csv` (rows `time, pid, stream, line, message`).
 */
import Type, { type Static } from 'typebox';
import { WorkState } from '../../core/enums.js';
import { IdOrName, Timestamp } from './common.js';

/** The longest identifier: the column's size (and well below any file system's name limit). */
export const LOG_IDENTIFIER_MAX_LENGTH = 255;

export const LogIdentifier = Type.String({
  minLength: 1,
  maxLength: LOG_IDENTIFIER_MAX_LENGTH,
  description:
    'the log file name, e.g. `2014-09-03_10-58-59_4_4ee02475335911e4a935c86000cbf5fb.csv`; no `/`, `\\`, ' +
    '`..`, control characters, leading `.` or trailing `.gz`',
});

const AgentId = Type.String({ format: 'uuid', description: 'an agent id' });

export const TaskAttemptParams = Type.Object({
  job: IdOrName,
  task: Type.Integer({ minimum: 1, description: 'a task id of that job' }),
  attempt: Type.Integer({ minimum: 0, description: 'the attempt at running the task' }),
});
export type TaskAttemptParams = Static<typeof TaskAttemptParams>;

export const TaskLogParams = Type.Object({
  job: IdOrName,
  task: Type.Integer({ minimum: 1 }),
  attempt: Type.Integer({ minimum: 0 }),
  log: LogIdentifier,
});
export type TaskLogParams = Static<typeof TaskLogParams>;

export const TaskLogView = Type.Object({
  id: Type.Integer(),
  identifier: Type.String(),
  agent_id: Type.Union([Type.String(), Type.Null()]),
  created_on: Timestamp,
});
export type TaskLogView = Static<typeof TaskLogView>;

/** The index lists the seed's three fields. */
export const TaskLogListItem = Type.Object({
  identifier: Type.String(),
  agent_id: Type.Union([Type.String(), Type.Null()]),
  created_on: Timestamp,
});
export type TaskLogListItem = Static<typeof TaskLogListItem>;

export const RegisterTaskLogBody = Type.Object(
  {
    identifier: LogIdentifier,
    agent_id: Type.Optional(Type.Union([AgentId, Type.Null()])),
  },
  { additionalProperties: false },
);
export type RegisterTaskLogBody = Static<typeof RegisterTaskLogBody>;

const WorkStateInput = Type.Union(
  [
    ...WorkState.names.map((name) => Type.Literal(name)),
    ...WorkState.ints.map((value) => Type.Literal(value)),
    Type.Literal('queued'),
    Type.Null(),
  ],
  {
    description: `the state the task reached in this attempt: ${WorkState.names.join(', ')}, or queued/null`,
  },
);

export const UpdateTaskLogBody = Type.Object(
  {
    state: Type.Optional(WorkStateInput),
    agent_id: Type.Optional(Type.Union([AgentId, Type.Null()])),
    // Listed so that a client trying to change them learns why it cannot (rather than "unknown key").
    identifier: Type.Optional(Type.Unknown({ description: 'cannot be changed (400)' })),
    created_on: Type.Optional(Type.Unknown({ description: 'cannot be changed (400)' })),
  },
  { additionalProperties: false },
);
export type UpdateTaskLogBody = Static<typeof UpdateTaskLogBody>;
