/**
 * What `drover queues`, `drover software` and `drover jobtypes ...` do. Job type files are read with the
 * same parser the master uses for its built-in job types, so a file's `@name`, `@max_batch`, ... header
 * means the same thing whether the file is shipped or uploaded.
 */
import { readFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Static } from 'typebox';
import type { JobQueueSummary, JobQueueView } from '../../api/schemas/jobqueues.js';
import type { JobTypeBody, JobTypeSummary, JobTypeView } from '../../api/schemas/jobtypes.js';
import type { SoftwareView } from '../../api/schemas/software.js';
import { parseBuiltinJobType } from '../../master/jobtypes/builtin-jobtype-file.js';
import { CliExit, type CliIO } from '../io.js';
import {
  jobTypeDetails,
  jobTypeTable,
  queueDetails,
  queueTable,
  softwareDetails,
  softwareTable,
} from './catalog-views.js';
import { openClient } from './client-command.js';
import type { ClientOptions } from './client-options.js';
import { segment } from './master-client.js';
import { parseSoftwareRequirement } from './requirement-spec.js';

export async function showQueues(io: CliIO, queue: string | undefined, options: ClientOptions) {
  const { client, out } = openClient(io, options);
  if (queue === undefined) {
    const queues = await client.get<Static<typeof JobQueueSummary>[]>('/jobqueues/');
    out.print(queues, (style) => queueTable(queues, style));
    return;
  }
  const one = await client.get<Static<typeof JobQueueView>>(`/jobqueues/${segment(queue)}`);
  out.print(one, (style) => queueDetails(one, style));
}

export async function showSoftware(io: CliIO, software: string | undefined, options: ClientOptions) {
  const { client, out } = openClient(io, options);
  if (software === undefined) {
    const all = await client.get<Static<typeof SoftwareView>[]>('/software/');
    out.print(all, (style) => softwareTable(all, style));
    return;
  }
  const one = await client.get<Static<typeof SoftwareView>>(`/software/${segment(software)}`);
  out.print(one, (style) => softwareDetails(one, style));
}

export async function listJobTypes(io: CliIO, options: ClientOptions) {
  const { client, out } = openClient(io, options);
  const all = await client.get<Static<typeof JobTypeSummary>[]>('/jobtypes/');
  out.print(all, (style) => jobTypeTable(all, style));
}

export interface ShowJobTypeOptions extends ClientOptions {
  version?: number;
  code?: boolean;
}

export async function showJobType(io: CliIO, jobType: string, options: ShowJobTypeOptions) {
  const { client, out } = openClient(io, options);
  const path =
    options.version === undefined
      ? `/jobtypes/${segment(jobType)}`
      : `/jobtypes/${segment(jobType)}/versions/${options.version}`;
  const view = await client.get<Static<typeof JobTypeView>>(path);
  if (options.code && !options.json) {
    io.stdout.write(view.code.endsWith('\n') ? view.code : `${view.code}\n`);
    return;
  }
  out.print(view, (style) => jobTypeDetails(view, style));
}

export interface JobTypeFileOptions extends ClientOptions {
  name?: string;
  description?: string;
  software?: string[];
}

/** The body of a POST/PUT from a job type file, its header and the flags (flags win). */
function jobTypeBodyFromFile(
  io: CliIO,
  file: string,
  options: JobTypeFileOptions,
): Static<typeof JobTypeBody> {
  const path = resolve(io.cwd, file);
  let code: string;
  try {
    code = readFileSync(path, 'utf8');
  } catch (err) {
    throw new CliExit(
      2,
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const parsed = parseBuiltinJobType(basename(path), code);
  return {
    name: options.name ?? parsed.name,
    code,
    description: options.description ?? parsed.description,
    classname: parsed.classname,
    max_batch: parsed.maxBatch,
    batch_contiguous: parsed.batchContiguous,
    supports_tiling: parsed.supportsTiling,
    no_automatic_start_time: parsed.noAutomaticStartTime,
    ...(options.software ? { software_requirements: options.software.map(parseSoftwareRequirement) } : {}),
  };
}

export async function createJobType(io: CliIO, file: string, options: JobTypeFileOptions) {
  const { client, out } = openClient(io, options);
  const created = await client.post<Static<typeof JobTypeView>>(
    '/jobtypes/',
    jobTypeBodyFromFile(io, file, options),
  );
  out.print(
    created,
    () => `created job type ${created.name} (id ${created.id}, version ${created.version})\n`,
  );
}

/**
 * With a file: a new version of the job type (PUT). Without: only the job type's own fields (name,
 * description) change, and no version is made.
 */
export async function updateJobType(
  io: CliIO,
  jobType: string,
  file: string | undefined,
  options: JobTypeFileOptions,
) {
  const { client, out } = openClient(io, options);
  if (file === undefined) {
    if (options.software) throw new CliExit(2, '--software needs a code file (it makes a new version)');
    const fields = {
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.description !== undefined ? { description: options.description } : {}),
    };
    if (Object.keys(fields).length === 0) {
      throw new CliExit(2, 'nothing to change: give a code file, --name or --description');
    }
    const changed = await client.post<Static<typeof JobTypeView>>(`/jobtypes/${segment(jobType)}`, fields);
    out.print(changed, () => `updated job type ${changed.name} (id ${changed.id})\n`);
    return;
  }
  const current = await client.get<Static<typeof JobTypeView>>(`/jobtypes/${segment(jobType)}`);
  const body = jobTypeBodyFromFile(io, file, { ...options, name: options.name ?? current.name });
  const changed = await client.put<Static<typeof JobTypeView>>(`/jobtypes/${segment(jobType)}`, body);
  out.print(changed, () => `job type ${changed.name} is now at version ${changed.version}\n`);
}

export async function deleteJobType(
  io: CliIO,
  jobType: string,
  options: ClientOptions & { version?: number },
) {
  const { client, out } = openClient(io, options);
  const path =
    options.version === undefined
      ? `/jobtypes/${segment(jobType)}`
      : `/jobtypes/${segment(jobType)}/versions/${options.version}`;
  await client.delete(path);
  const what = options.version === undefined ? jobType : `${jobType} version ${options.version}`;
  out.print({ deleted: jobType, version: options.version ?? null }, () => `deleted job type ${what}\n`);
}
