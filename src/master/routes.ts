/**
 * The master's resources. Each entry registers one resource's routes under /api/v1; one per line so that
 * parallel work merges cleanly.
 */
import { agentRoutes } from './agents/agents.routes.js';
import type { MasterContext } from './context.js';
import { pathMapRoutes } from './pathmaps/pathmaps.routes.js';
import { tagRoutes } from './tags/tags.routes.js';
import type { MasterApp } from './http/app.js';

export type ResourceRoutes = (ctx: MasterContext) => (app: MasterApp) => void | Promise<void>;

// prettier-ignore
export const resourceRoutes: readonly ResourceRoutes[] = [
  agentRoutes,
  tagRoutes,
  pathMapRoutes,
];
