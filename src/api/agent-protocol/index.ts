/**
 * The master ↔ agent protocol: every payload either side sends the other, as TypeBox schemas (JSON Schema)
 * that both validate with, and the static types derived from them.
 *
 *   import { AssignmentSchema, compileCheck, type Assignment } from '../api/agent-protocol/index.js';
 *   const checkAssignment = compileCheck(AssignmentSchema);
 *   const result = checkAssignment(body); // { ok: true, value } | { ok: false, message }
 */
export {
  AssignAcceptedSchema,
  AssignmentJobSchema,
  AssignmentJobTypeSchema,
  AssignmentSchema,
  AssignmentTaskSchema,
  CurrentAssignmentSchema,
  CurrentAssignmentsSchema,
  LocalTaskStateSchema,
} from './assignment.js';
export type {
  AssignAccepted,
  Assignment,
  AssignmentJob,
  AssignmentJobType,
  AssignmentTask,
  CurrentAssignment,
  CurrentAssignments,
  LocalTaskState,
} from './assignment.js';
export {
  AgentAnnounceSchema,
  AgentRecordSchema,
  AgentRegistrationSchema,
  AgentReportedStateSchema,
  DiskSchema,
} from './agent-registration.js';
export type {
  AgentAnnounce,
  AgentRecord,
  AgentRegistration,
  AgentReportedState,
  Disk,
} from './agent-registration.js';
export {
  FailedOnAgentSchema,
  ReportedTaskStateSchema,
  TaskLogRegistrationSchema,
  TaskLogStateSchema,
  TaskReportSchema,
} from './task-report.js';
export type {
  FailedOnAgent,
  ReportedTaskState,
  TaskLogRegistration,
  TaskLogState,
  TaskReport,
} from './task-report.js';
export { JobTypeCodeSchema, SoftwareVersionSchema } from './jobtype-code.js';
export type { JobTypeCode, SoftwareVersion } from './jobtype-code.js';
export { PathMapListSchema, PathMapSchema } from './path-map.js';
export type { PathMap } from './path-map.js';
export {
  CheckSoftwareRequestSchema,
  RestartRequestSchema,
  StopRequestSchema,
  UpdateRequestSchema,
} from './agent-api.js';
export type { CheckSoftwareRequest, RestartRequest, StopRequest, UpdateRequest } from './agent-api.js';
export { agentUserAgent, isAgentUserAgent, isMasterUserAgent, masterUserAgent } from './user-agent.js';
export { compileCheck } from './check.js';
export type { CheckResult, PayloadCheck } from './check.js';
