/**
 * What a job type's process starts with: its environment and, for an agent running as root, the user and
 * group it runs as. PyFarm ignored the job's `environ`; here it applies.
 */
import type { AssignmentJob } from '../../api/agent-protocol/index.js';
import { DroverError, ValidationError } from '../../core/errors.js';
import type { JobTypeSettings } from '../settings/agent-settings.js';
import { isAdministrator } from '../system/users.js';
import type { CommandData } from './command-data.js';

/** Passed even when the agent's own environment is not (`jobtype_include_os_environ` false). */
const BASELINE_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'SYSTEMROOT'];

/**
 * The agent's environment (all of it with `jobtype_include_os_environ`, else the baseline variables),
 * then `jobtype_default_environment`, then the job's `environ`, plus ids that identify the work.
 */
export function processEnvironment(
  settings: JobTypeSettings,
  job: AssignmentJob,
  ids: { assignment: string; jobtypeUuid: string },
): Record<string, string> {
  const env: Record<string, string> = {};
  const source = settings.includeOsEnviron ? Object.keys(process.env) : BASELINE_ENV;
  for (const key of source) if (process.env[key] !== undefined) env[key] = process.env[key]!;
  Object.assign(env, settings.defaultEnvironment);
  for (const [k, v] of Object.entries(job.environ ?? {})) env[k] = String(v);
  env.DROVER_JOB_ID = String(job.id);
  env.DROVER_ASSIGNMENT_ID = ids.assignment;
  env.DROVER_JOBTYPE_UUID = ids.jobtypeUuid;
  return env;
}

/**
 * uid/gid for a command that names a user or group. Only root may switch; otherwise (or when a name does
 * not resolve) it is an error unless `jobtype_ignore_id_mapping_errors` says to run as the agent's user.
 */
export function processIds(
  command: CommandData,
  settings: JobTypeSettings,
  resolve: (user: CommandData['user'], group: CommandData['group']) => { uid?: number; gid?: number },
): { uid?: number; gid?: number } {
  if (command.user === undefined && command.group === undefined) return {};
  if (!isAdministrator()) {
    if (settings.ignoreIdMappingErrors) return {};
    throw new ValidationError('running a process as another user or group needs an agent running as root', {
      field: 'user',
      value: command.user ?? command.group,
    });
  }
  try {
    return resolve(command.user, command.group);
  } catch (err) {
    if (settings.ignoreIdMappingErrors) return {};
    throw err;
  }
}

/** A readable text for any error a job type meets (PyFarm's format_error), used as `last_error`. */
export function formatError(error: unknown): string {
  if (error instanceof DroverError) return error.message;
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
