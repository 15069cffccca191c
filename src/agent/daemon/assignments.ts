/**
 * The assignments an agent holds and the admission rules of `POST /assign` that depend on them (spec §5,
 * checks 6–10): RAM, CPUs, an identical resend, a partial overlap, and one job type at a time unless
 * sharing is allowed. An assignment stays held until its last report is delivered to the master, so a
 * re-announce never tells the master a task is gone before the master has heard how it ended.
 */
import { randomUUID } from 'node:crypto';
import type { Assignment, AssignmentTask, CurrentAssignments } from '../../api/agent-protocol/index.js';
import type { AssignmentView } from '../jobtypes/jobtype-host.js';
import type { JobType } from '../jobtypes/jobtype.js';

export type AssignmentPhase = 'loading' | 'running' | 'finishing';

export interface HeldAssignment {
  readonly view: AssignmentView;
  readonly taskIds: ReadonlySet<number>;
  phase: AssignmentPhase;
  instance: JobType | undefined;
  /** Set by DELETE /tasks or shutdown while the job type was still loading. */
  cancelled: boolean;
  receivedAt: number;
}

export type Admission =
  | { status: 202; body: { id: string }; created?: HeldAssignment }
  | { status: 400 | 409; body: Record<string, unknown> };

export interface AdmissionLimits {
  freeRamMb: number;
  cpus: number;
  allowSharing: boolean;
}

export class AssignmentRegistry {
  private readonly held = new Map<string, HeldAssignment>();

  get size(): number {
    return this.held.size;
  }

  all(): HeldAssignment[] {
    return [...this.held.values()];
  }

  get(id: string): HeldAssignment | undefined {
    return this.held.get(id);
  }

  findByTask(taskId: number): HeldAssignment | undefined {
    return this.all().find((a) => a.taskIds.has(taskId));
  }

  remove(id: string): void {
    this.held.delete(id);
  }

  /** Checks 6–11 of spec §5 in order; on success the assignment is held under a new uuid. */
  admit(body: Assignment, limits: AdmissionLimits): Admission {
    const ram = body.job.ram ?? 0;
    const cpus = body.job.cpus ?? 0;
    if (ram > 0 && ram > limits.freeRamMb) {
      return {
        status: 400,
        body: { error: 'Not enough ram', agent_ram: limits.freeRamMb, requires_ram: ram },
      };
    }
    if (cpus > 0 && cpus > limits.cpus) {
      return {
        status: 400,
        body: { error: 'Not enough cpus', agent_cpus: limits.cpus, requires_cpus: cpus },
      };
    }
    const ids = new Set(body.tasks.map((t) => t.id));
    if (ids.size !== body.tasks.length) {
      return {
        status: 400,
        body: { error: 'Failed to validate the request data against the schema: duplicate task ids' },
      };
    }
    for (const existing of this.held.values()) {
      const shared = [...ids].filter((id) => existing.taskIds.has(id));
      if (shared.length === 0) continue;
      if (shared.length === ids.size && ids.size === existing.taskIds.size) {
        return { status: 202, body: { id: existing.view.id } };
      }
      return {
        status: 409,
        body: {
          error: 'Partial overlap of tasks',
          rejected_task_ids: [...ids].filter((id) => !existing.taskIds.has(id)),
        },
      };
    }
    const exclusive = ram < 0 || cpus < 0;
    if (
      this.held.size > 0 &&
      (exclusive || this.all().some((a) => a.view.job.ram === -1 || a.view.job.cpus === -1))
    ) {
      return {
        status: 409,
        body: { error: 'The agent is busy and the job needs the whole agent', rejected_task_ids: [...ids] },
      };
    }
    if (!limits.allowSharing) {
      const other = this.all().find(
        (a) => a.view.jobtype.name !== body.jobtype.name || a.view.jobtype.version !== body.jobtype.version,
      );
      if (other) {
        return {
          status: 409,
          body: {
            error: `Another job type (${other.view.jobtype.name} v${other.view.jobtype.version}) has unfinished tasks on this agent`,
            rejected_task_ids: [...ids],
          },
        };
      }
    }
    const tasks = [...body.tasks]
      .map((t) => ({ ...t, attempt: t.attempt ?? 0 }))
      .sort((a, b) => a.frame - b.frame || (a.tile ?? 0) - (b.tile ?? 0));
    const held: HeldAssignment = {
      view: { id: randomUUID(), job: body.job, jobtype: { ...body.jobtype }, tasks },
      taskIds: ids,
      phase: 'loading',
      instance: undefined,
      cancelled: false,
      receivedAt: Date.now(),
    };
    this.held.set(held.view.id, held);
    return { status: 202, body: { id: held.view.id }, created: held };
  }

  /** `current_assignments` for the master's reconciliation. */
  snapshot(): CurrentAssignments {
    const out: CurrentAssignments = {};
    for (const a of this.held.values()) {
      out[a.view.id] = {
        id: a.view.id,
        job: a.view.job,
        jobtype: { ...a.view.jobtype, ...(a.instance ? { id: a.instance.uuid } : {}) },
        tasks: a.view.tasks.map((t) => ({
          id: t.id,
          frame: t.frame,
          attempt: t.attempt,
          ...(t.tile !== undefined ? { tile: t.tile } : {}),
          local_state: a.instance?.getLocalTaskState(t.id) ?? null,
        })),
      };
    }
    return out;
  }

  /** Every task held, for GET /tasks/. */
  tasks(): (AssignmentTask & {
    attempt: number;
    job: number;
    assignment: string;
    jobtype: string;
    local_state: string | null;
  })[] {
    return this.all().flatMap((a) =>
      a.view.tasks.map((t) => ({
        ...t,
        job: a.view.job.id,
        assignment: a.view.id,
        jobtype: a.view.jobtype.name,
        local_state: a.instance?.getLocalTaskState(t.id) ?? null,
      })),
    );
  }
}
