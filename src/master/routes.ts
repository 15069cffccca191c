/**
 * The master's resources. Each entry registers one resource's routes under /api/v1; one per line so that
 * parallel work merges cleanly.
 */
import { agentActivityRoutes } from './agent-activity/agent-activity.routes.js';
import { agentRoutes } from './agents/agents.routes.js';
import type { MasterContext } from './context.js';
import { assignmentRoutes } from './dispatch/assignments.routes.js';
import { jobGroupRoutes } from './groups/job-group.routes.js';
import type { MasterApp } from './http/app.js';
import { jobRoutes } from './jobs/job.routes.js';
import { jobTypeRoutes } from './jobtypes/jobtype.routes.js';
import { liveRoutes } from './live/live.routes.js';
import { pathMapRoutes } from './pathmaps/pathmaps.routes.js';
import { jobQueueRoutes } from './queues/job-queue.routes.js';
import { whyRoutes } from './scheduler/why.routes.js';
import { softwareRoutes } from './software/software.routes.js';
import { statisticsRoutes } from './statistics/statistics.routes.js';
import { tagRoutes } from './tags/tags.routes.js';
import { taskLogRoutes } from './tasklogs/task-logs.routes.js';
import { taskRoutes } from './tasks/task.routes.js';
import { thumbnailRoutes } from './thumbnails/thumbnails.routes.js';

export type ResourceRoutes = (ctx: MasterContext) => (app: MasterApp) => void | Promise<void>;

// prettier-ignore
export const resourceRoutes: readonly ResourceRoutes[] = [
  liveRoutes,
  statisticsRoutes,
  thumbnailRoutes,
  jobTypeRoutes,
  softwareRoutes,
  jobQueueRoutes,
  jobGroupRoutes,
  agentRoutes,
  agentActivityRoutes,
  tagRoutes,
  pathMapRoutes,
  jobRoutes,
  taskRoutes,
  taskLogRoutes,
  whyRoutes,
  assignmentRoutes,
];
