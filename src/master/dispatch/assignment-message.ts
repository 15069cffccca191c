/**
 * The body of `POST /api/v1/assign` on an agent (spec §3 send_tasks_to_agent, validated on the agent by
 * the agent-protocol schema): the job as the job type needs it, the job type and version, and the tasks
 * with their attempt numbers. Passive agents receive the same bodies from
 * `GET /api/v1/agents/<id>/assignments`.
 */
import type { AssignmentJobFacts } from '../../db/scheduling/assignment-payload.repository.js';

export interface AssignmentTaskMessage {
  id: number;
  frame: number;
  tile: number | null;
  attempt: number;
}

export interface AssignmentMessage {
  job: {
    id: number;
    title: string;
    data: Record<string, unknown>;
    environ: Record<string, string>;
    by: number;
    batch: number;
    ram: number;
    ram_warning: number | null;
    ram_max: number | null;
    cpus: number;
    requeue: number;
    priority: number;
    notes: string;
    tags: string[];
    num_tiles: number | null;
    project: string | null;
    user: string | null;
    job_group_id: number | null;
    job_group: string | null;
    notified_users: { username: string; on_success: boolean; on_failure: boolean; on_deletion: boolean }[];
  };
  jobtype: { name: string; version: number };
  tasks: AssignmentTaskMessage[];
}

export function assignmentMessage(
  job: AssignmentJobFacts,
  tasks: readonly { id: number; frame: number; tile: number | null }[],
  attempts: ReadonlyMap<number, number>,
): AssignmentMessage {
  return {
    job: {
      id: job.id,
      title: job.title,
      data: { ...(job.data ?? {}) },
      environ: { ...(job.environ ?? {}) },
      by: job.by,
      batch: job.batch,
      ram: job.ram,
      ram_warning: job.ramWarning,
      ram_max: job.ramMax,
      cpus: job.cpus,
      requeue: job.requeue,
      priority: job.priority,
      notes: job.notes,
      tags: [...job.tags],
      num_tiles: job.numTiles,
      project: job.project,
      user: job.user,
      job_group_id: job.jobGroupId,
      job_group: job.jobGroup,
      notified_users: job.notifiedUsers.map((n) => ({
        username: n.username,
        on_success: n.onSuccess,
        on_failure: n.onFailure,
        on_deletion: n.onDeletion,
      })),
    },
    jobtype: { name: job.jobtype, version: job.jobtypeVersion },
    tasks: tasks.map((task) => ({
      id: task.id,
      frame: task.frame,
      tile: task.tile,
      attempt: attempts.get(task.id) ?? 1,
    })),
  };
}
