/** Job queues on the wire. */
import type { JobQueueSummary, JobQueueView } from '../../api/schemas/jobqueues.js';
import type { JobQueue } from '../../db/queues/job-queue.repository.js';
import type { JobQueueDetail } from './job-queue.service.js';

export function jobQueueSummary(q: JobQueue): JobQueueSummary {
  return {
    id: q.id,
    name: q.name,
    fullpath: q.fullpath,
    parent_jobqueue_id: q.parentId,
    priority: q.priority,
    weight: q.weight,
    minimum_agents: q.minimumAgents,
    maximum_agents: q.maximumAgents,
  };
}

const reference = (q: JobQueue) => ({ id: q.id, name: q.name, fullpath: q.fullpath });

export function jobQueueView({ queue, parent, children, jobs }: JobQueueDetail): JobQueueView {
  return {
    ...jobQueueSummary(queue),
    parent: parent ? reference(parent) : null,
    children: children.map(reference),
    jobs: [...jobs],
  };
}

/** GET /jobqueues/schema. */
export const JOBQUEUE_COLUMNS: Readonly<Record<string, string>> = {
  id: 'INTEGER',
  name: 'VARCHAR(255)',
  fullpath: 'VARCHAR(1024)',
  parent_jobqueue_id: 'INTEGER',
  minimum_agents: 'INTEGER',
  maximum_agents: 'INTEGER',
  priority: 'INTEGER',
  weight: 'INTEGER',
};
