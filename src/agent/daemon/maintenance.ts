/**
 * The agent's slow chores on the master's request: downloading an update for the supervisor to apply
 * (`POST /update`) and checking whether a software version is installed (`POST /check_software`). Both
 * answer 202 at once and run in the background; failures are logged (an update download is retried).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '../../core/logging.js';
import { checkModuleRoot } from '../jobtypes/module-safety/module-root-check.js';
import { withRetry, type MasterClient } from '../master-client/master-client.js';
import { UPDATE_ARCHIVE } from './update-package.js';

export async function downloadUpdate(o: {
  client: MasterClient;
  version: string;
  dropDir: string;
  retryDelayMs: number;
  cancelled: () => boolean;
  logger: Logger;
}): Promise<string> {
  const zip = await withRetry(() => o.client.downloadUpdate(o.version), {
    baseDelayMs: o.retryDelayMs,
    cancelled: o.cancelled,
    onRetry: (err, delayMs) =>
      o.logger.warn({ err: err.message, delayMs }, 'update download failed; retrying'),
  });
  mkdirSync(o.dropDir, { recursive: true });
  const target = join(o.dropDir, UPDATE_ARCHIVE);
  const tmp = `${target}.${process.pid}.part`;
  writeFileSync(tmp, zip);
  renameSync(tmp, target);
  o.logger.info({ version: o.version, path: target, bytes: zip.length }, 'update downloaded');
  return target;
}

/**
 * Runs the master's discovery code for one software version: a JavaScript module exporting a function
 * named `discovery_function_name` that returns (or resolves to) whether the version is installed. The same
 * module-root rule as for job types applies; the function gets 60 s.
 */
export async function checkSoftware(o: {
  client: MasterClient;
  agentId: string;
  software: string;
  version: string;
  cacheDirectory: string;
  refuseModuleRootCode: boolean;
  logger: Logger;
}): Promise<boolean> {
  const info = await o.client.fetchSoftwareVersion(o.software, o.version);
  const fn = info.discovery_function_name;
  if (!fn) throw new Error(`${o.software} ${o.version} has no discovery function`);
  const code = await o.client.fetchDiscoveryCode(o.software, o.version);
  if (o.refuseModuleRootCode) checkModuleRoot(code);
  const dir = join(o.cacheDirectory, 'discovery');
  mkdirSync(dir, { recursive: true });
  const file = join(
    dir,
    `${o.software.replace(/[^\w.-]/g, '_')}_${o.version.replace(/[^\w.-]/g, '_')}_${Date.now()}.mjs`,
  );
  writeFileSync(file, code);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const discover = mod[fn];
  if (typeof discover !== 'function') throw new Error(`the discovery code exports no function named ${fn}`);
  const present = await Promise.race([
    Promise.resolve((discover as () => unknown)()),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error('discovery took longer than 60 s')), 60_000).unref(),
    ),
  ]);
  await o.client.reportSoftware(o.agentId, o.software, o.version, Boolean(present));
  o.logger.info({ software: o.software, version: o.version, present: Boolean(present) }, 'software checked');
  return Boolean(present);
}
