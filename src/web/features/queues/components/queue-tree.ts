/**
 * The queue tree built from the flat list: children sorted by priority (highest first), then name. Jobs
 * are attached to their queue; counts (jobs, running tasks) add up the subtree.
 */
import type { Queue, QueueJob } from '../api/queues';

export interface QueueNode {
  queue: Queue;
  children: QueueNode[];
  jobs: QueueJob[];
  depth: number;
  /** Running tasks in this queue and below. */
  running: number;
  /** Jobs (as filtered) in this queue and below. */
  jobCount: number;
}

export function buildQueueTree(
  queues: readonly Queue[],
  jobs: readonly QueueJob[],
): { roots: QueueNode[]; unqueued: QueueJob[] } {
  const nodes = new Map<number, QueueNode>();
  for (const q of queues)
    nodes.set(q.id, { queue: q, children: [], jobs: [], depth: 0, running: 0, jobCount: 0 });
  const byPath = new Map(queues.map((q) => [q.fullpath, nodes.get(q.id)!]));
  const roots: QueueNode[] = [];
  for (const node of nodes.values()) {
    const parent =
      node.queue.parent_jobqueue_id === null ? undefined : nodes.get(node.queue.parent_jobqueue_id);
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const unqueued: QueueJob[] = [];
  for (const job of jobs) {
    const node = job.jobqueue === null ? undefined : byPath.get(job.jobqueue);
    if (node) node.jobs.push(job);
    else unqueued.push(job);
  }
  const order = (a: QueueNode, b: QueueNode) =>
    b.queue.priority - a.queue.priority || a.queue.name.localeCompare(b.queue.name);
  const finish = (node: QueueNode, depth: number): void => {
    node.depth = depth;
    node.children.sort(order);
    node.running = node.jobs.reduce((n, j) => n + (j.tasks_running ?? 0), 0);
    node.jobCount = node.jobs.length;
    for (const child of node.children) {
      finish(child, depth + 1);
      node.running += child.running;
      node.jobCount += child.jobCount;
    }
  };
  roots.sort(order);
  for (const root of roots) finish(root, 0);
  return { roots, unqueued };
}

/** The node and everything below it, deepest first (the order to delete them in). */
export function subtreeDeepestFirst(node: QueueNode): QueueNode[] {
  return [...node.children.flatMap(subtreeDeepestFirst), node];
}
