import { describe, expect, test } from 'vitest';
import type { Assignment } from '../../api/agent-protocol/index.js';
import { AssignmentRegistry } from './assignments.js';

const limits = { freeRamMb: 1000, cpus: 4, allowSharing: false };
const assignment = (
  tasks: number[],
  extra: Partial<Assignment['job']> = {},
  jobtype = 'Command',
): Assignment => ({
  job: { id: 1, by: 1, ...extra },
  jobtype: { name: jobtype, version: 1 },
  tasks: tasks.map((id) => ({ id, frame: id })),
});

describe('admission', () => {
  test('RAM and CPUs (0 = no requirement)', () => {
    const r = new AssignmentRegistry();
    expect(r.admit(assignment([1], { ram: 2000 }), limits)).toEqual({
      status: 400,
      body: { error: 'Not enough ram', agent_ram: 1000, requires_ram: 2000 },
    });
    expect(r.admit(assignment([1], { cpus: 8 }), limits)).toEqual({
      status: 400,
      body: { error: 'Not enough cpus', agent_cpus: 4, requires_cpus: 8 },
    });
    expect(r.admit(assignment([1], { ram: 0, cpus: 0 }), limits).status).toBe(202);
  });

  test('the same tasks again → the existing id; a partial overlap → 409 with the new ids', () => {
    const r = new AssignmentRegistry();
    const first = r.admit(assignment([1, 2]), limits);
    expect(first.status).toBe(202);
    expect(r.admit(assignment([2, 1]), limits)).toEqual({ status: 202, body: first.body });
    expect(r.admit(assignment([2, 3, 4]), limits)).toEqual({
      status: 409,
      body: { error: 'Partial overlap of tasks', rejected_task_ids: [3, 4] },
    });
    expect(r.size).toBe(1);
  });

  test('one job type at a time unless sharing; exclusive jobs', () => {
    const r = new AssignmentRegistry();
    r.admit(assignment([1]), limits);
    expect(r.admit(assignment([2], {}, 'Blender'), limits)).toMatchObject({
      status: 409,
      body: { rejected_task_ids: [2] },
    });
    expect(r.admit(assignment([2], {}, 'Blender'), { ...limits, allowSharing: true }).status).toBe(202);
    expect(r.admit(assignment([3], { cpus: -1 }), { ...limits, allowSharing: true })).toMatchObject({
      status: 409,
    });
  });

  test('snapshot and task list are ordered by frame with attempts', () => {
    const r = new AssignmentRegistry();
    const a = r.admit(
      {
        ...assignment([]),
        tasks: [
          { id: 5, frame: 2, attempt: 3 },
          { id: 4, frame: 1 },
        ],
      },
      limits,
    );
    const id = (a.body as { id: string }).id;
    expect(r.snapshot()[id]!.tasks).toEqual([
      { id: 4, frame: 1, attempt: 0, local_state: null },
      { id: 5, frame: 2, attempt: 3, local_state: null },
    ]);
    expect(r.tasks().map((t) => t.id)).toEqual([4, 5]);
    expect(r.findByTask(5)?.view.id).toBe(id);
  });
});
