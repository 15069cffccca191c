/**
 * The master's resources. Each entry registers one resource's routes under /api/v1; one per line so that
 * parallel work merges cleanly.
 */
import { agentRoutes } from './agents/agents.routes.js';
import type { MasterContext } from './context.js';
import { assignmentRoutes } from './dispatch/assignments.routes.js';
import { jobGroupRoutes } from './groups/job-group.routes.js';
import type { MasterApp } from './http/app.js';
import { jobRoutes } from './jobs/job.routes.js';
import { jobTypeRoutes } from './jobtypes/jobtype.routes.js';
import { pathMapRoutes } from './pathmaps/pathmaps.routes.js';
import { jobQueueRoutes } from './queues/job-queue.routes.js';
import { whyRoutes } from './scheduler/why.routes.js';
import { softwareRoutes } from './software/software.routes.js';
import { tagRoutes } from './tags/tags.routes.js';
import { taskRoutes } from './tasks/task.routes.js';
import { taskLogRoutes } from './tasklogs/task-logs.routes.js';

export type ResourceRoutes = (ctx: MasterContext) => (app: MasterApp) => void | Promise<void>;

// prettier-ignore
export const resourceRoutes: readonly ResourceRoutes[] = [
  jobTypeRoutes,
  softwareRoutes,
  jobQueueRoutes,
  jobGroupRoutes,
  agentRoutes,
  tagRoutes,
  pathMapRoutes,
  jobRoutes,
  taskRoutes,
  taskLogRoutes,
  whyRoutes,
  assignmentRoutes,
];
