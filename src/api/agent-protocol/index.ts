/**
 * The master ↔ agent protocol: every payload either side sends the other, as TypeBox schemas (JSON Schema)
 * that both validate with, and the static types derived from them.
 *
 *   import { AssignmentSchema, type Assignment } from '../api/agent-protocol/index.js';
 */
export * from './assignment.js';
export * from './agent-registration.js';
export * from './task-report.js';
export * from './jobtype-code.js';
export * from './path-map.js';
export * from './agent-api.js';
export * from './user-agent.js';
