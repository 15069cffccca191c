/**
 * Whether parts of Drover that other work delivers are present in this checkout. Tests that need them
 * are skipped (with the reason shown) until they are, and then run without any change.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;

export const COMPONENTS = {
  jobsApi: 'src/master/jobs/job.routes.ts',
  agentsApi: 'src/master/agents/agents.routes.ts',
  taskLogsApi: 'src/master/tasklogs/task-logs.routes.ts',
  scheduler: 'src/master/scheduler',
} as const;

export function missingComponents(...names: (keyof typeof COMPONENTS)[]): string[] {
  return names.filter((name) => !existsSync(join(ROOT, COMPONENTS[name])));
}
