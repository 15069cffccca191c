/**
 * What the agent provides to a job type instance: its settings, its log, the reporters that carry task
 * state to the master (through the journal) and live facts about the node. The JobType base class is
 * written against this interface only, so it can be exercised without a daemon.
 */
import type { AssignmentJob, AssignmentTask, ReportedTaskState } from '../../api/agent-protocol/index.js';
import type { Logger } from '../../core/logging.js';
import type { JobTypeSettings } from '../settings/agent-settings.js';
import type { OsClass } from '../system/hardware.js';
import type { ManagedProcess } from './managed-process.js';
import type { PathMapper } from './path-mapping.js';
import type { TaskLog } from './task-log.js';

/** An assignment as a job type sees it: tasks ordered by frame, each with its attempt number. */
export interface AssignmentView {
  readonly id: string;
  readonly job: AssignmentJob;
  readonly jobtype: { readonly name: string; readonly version: number };
  readonly tasks: readonly (AssignmentTask & { attempt: number })[];
}

/** `node()` of the seed, camelCased; RAM in MB. */
export interface NodeInfo {
  masterApi: string;
  hostname: string;
  agentId: string;
  systemid: number | undefined;
  cpus: number;
  ram: number;
  totalRam: number;
  freeRam: number;
  consumedRam: number;
  admin: boolean;
  user: string;
  caseSensitiveFiles: boolean;
  caseSensitiveEnv: boolean;
  machineArchitecture: 32 | 64;
  operatingSystem: OsClass;
  /** argv prefix that runs this Drover installation's CLI (`[node, .../bin/drover.js]`), e.g. for fakerender. */
  droverCommand: readonly string[];
}

export interface TaskStateReport {
  state: ReportedTaskState;
  error?: string;
  /** When the task's process started (Unix ms, NTP-corrected); sent with "running". */
  startedAt?: number;
}

export interface JobTypeHost {
  readonly settings: JobTypeSettings;
  readonly logger: Logger;
  readonly pathMapper: PathMapper;
  readonly taskLog: TaskLog;
  /** Working directory of processes that name none (`agent_chdir`, else the agent's cwd). */
  readonly defaultCwd: string;
  /** Unix ms corrected by the NTP offset. */
  now(): number;
  node(): NodeInfo;
  shuttingDown(): boolean;
  reportTaskState(task: AssignmentTask, report: TaskStateReport): void;
  reportTaskProgress(task: AssignmentTask, progress: number): void;
  reportFailedOnAgent(task: AssignmentTask): void;
  processStarted(process: ManagedProcess): void;
  processEnded(process: ManagedProcess): void;
}
