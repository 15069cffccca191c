/** What an agent did lately and asking it to check its software (the agent page of the web UI). */
import Type from 'typebox';
import { Nullable, Timestamp } from './common.js';

export const AgentActivityParams = Type.Object({ agent_id: Type.String({ minLength: 1, maxLength: 64 }) });

export const AgentTaskLogsQuery = Type.Object(
  { limit: Type.Integer({ minimum: 1, maximum: 200, default: 10 }) },
  { additionalProperties: false },
);

export const AgentTaskLogView = Type.Object({
  identifier: Type.String(),
  created_on: Timestamp,
  job_id: Type.Integer(),
  job_title: Type.String(),
  task_id: Type.Integer(),
  frame: Type.Number(),
  tile: Nullable(Type.Integer()),
  attempt: Type.Integer(),
  state: Nullable(
    Type.String({ description: 'the state the task reached in this attempt, as the agent reported it' }),
  ),
});

export const CheckSoftwareResult = Type.Object({
  requested: Type.Integer({ description: 'software versions the agent was asked to check' }),
  failed: Type.Array(Type.Object({ software: Type.String(), version: Type.String(), error: Type.String() })),
});
