/**
 * What the agent's HTTP API needs from the daemon. The routes are written against this interface, so the
 * server can be tested with any implementation and the daemon does not know about HTTP.
 */
import type { CheckSoftwareRequest } from '../../api/agent-protocol/index.js';
import type { TaskLog } from '../jobtypes/task-log.js';

/** Who is calling: the master (its per-registration secret), the local CLI (control secret), a user (Basic). */
export type Caller = 'master' | 'local' | 'user';

export interface ApiAnswer {
  status: number;
  body?: unknown;
}

export interface TaskLogLocation {
  path: string;
  /** Present while the assignment writing it runs. */
  live: TaskLog | undefined;
}

export interface AgentControl {
  readonly prettyJson: boolean;
  readonly staticFiles: string | undefined;
  /** Whether POST /api/v1/exec may run commands (`agent_remote_exec`). */
  readonly remoteExec: boolean;
  authenticate(authorization: string | undefined): Caller | undefined;
  /** Basic authentication is offered only when an API password is configured. */
  readonly basicAuthEnabled: boolean;
  masterContacted(): void;
  status(): Record<string, unknown>;
  config(): Record<string, unknown>;
  tasks(): unknown[];
  assign(body: unknown): Promise<ApiAnswer>;
  deleteTask(taskId: number): ApiAnswer;
  /** Resolves when the agent has stopped (the process exits right after). */
  stop(options: { wait: boolean }): Promise<void>;
  restart(options: { immediately: boolean }): void;
  update(version: string): void;
  checkSoftware(request: CheckSoftwareRequest): void;
  findTaskLog(identifier: string): TaskLogLocation | undefined;
}
