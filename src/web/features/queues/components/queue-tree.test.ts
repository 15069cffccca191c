import { describe, expect, it } from 'vitest';
import type { Queue, QueueJob } from '../api/queues';
import { buildQueueTree, subtreeDeepestFirst } from './queue-tree';

const q = (id: number, name: string, parent: number | null, fullpath: string, priority = 0): Queue => ({
  id,
  name,
  fullpath,
  parent_jobqueue_id: parent,
  priority,
  weight: 10,
  minimum_agents: null,
  maximum_agents: null,
});
const job = (id: number, jobqueue: string | null, running: number): QueueJob =>
  ({ id, title: `job ${id}`, state: 'running', jobqueue, tasks_running: running }) as QueueJob;

describe('buildQueueTree', () => {
  const queues = [
    q(1, 'studio', null, '/studio'),
    q(2, 'lighting', 1, '/studio/lighting', 1),
    q(3, 'comp', 1, '/studio/comp', 5),
    q(4, 'rnd', null, '/rnd'),
  ];

  it('nests queues, orders siblings by priority then name, and sums the subtree', () => {
    const { roots, unqueued } = buildQueueTree(queues, [
      job(1, '/studio/lighting', 3),
      job(2, '/studio', 1),
      job(3, null, 2),
      job(4, '/gone', 1),
    ]);
    expect(roots.map((r) => r.queue.name)).toEqual(['rnd', 'studio']);
    const studio = roots[1]!;
    expect(studio.children.map((c) => c.queue.name)).toEqual(['comp', 'lighting']);
    expect(studio.children[1]!.depth).toBe(1);
    expect(studio.running).toBe(4);
    expect(studio.jobCount).toBe(2);
    expect(unqueued.map((j) => j.id)).toEqual([3, 4]);
  });

  it('lists a subtree deepest first', () => {
    const { roots } = buildQueueTree(queues, []);
    expect(subtreeDeepestFirst(roots[1]!).map((n) => n.queue.name)).toEqual(['comp', 'lighting', 'studio']);
  });
});
