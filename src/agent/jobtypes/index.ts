/**
 * `drover/jobtype`: the API job type modules are written against. Inside an agent the import is served by
 * the agent itself (see jobtype-api.ts); this entry lets authors import the same classes in their tests.
 *
 *   import { JobType, CommandData } from 'drover/jobtype';
 *   export class Hello extends JobType {
 *     getCommandData() { return new CommandData('echo', ['hello', String(this.tasks[0].frame)]); }
 *   }
 */
export { JobType } from './jobtype.js';
export type { StopOptions, TaskRef, TaskState } from './jobtype.js';
export { CommandData } from './command-data.js';
export type { CommandOptions } from './command-data.js';
export { JobProcess } from './jobtype-process.js';
export type { AssignmentView, JobTypeHost, NodeInfo } from './jobtype-host.js';
export type { ProcessExit } from './managed-process.js';
