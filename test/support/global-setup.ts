/**
 * Global setup of the integration project: starts the private database servers once per run and hands
 * their admin URLs to the test files (`inject('databaseServers')`, used by test/support/databases.ts).
 */
import type { TestProject } from 'vitest/node';
import { startTestServers, type DatabaseServersInfo } from './servers.js';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseServers: DatabaseServersInfo;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const servers = await startTestServers(process.env);
  if (servers.info.skipped.length > 0) {
    const line = '!'.repeat(100);
    console.warn(
      `\n${line}\n!! DROVER_TEST_SKIP_DATABASES: NOT testing against ${servers.info.skipped.join(' and ')}. ` +
        `CI must run them all.\n${line}\n`,
    );
  }
  const running = (['postgres', 'mysql'] as const).filter((d) => servers.info[d]);
  if (running.length > 0) {
    console.log(`test database servers: ${running.join(', ')} up in ${Date.now() - started} ms`);
  }
  project.provide('databaseServers', servers.info);
  return () => servers.stop();
}
