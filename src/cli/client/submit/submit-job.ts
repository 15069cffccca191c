/**
 * `drover submit`: posts the job(s) built by ./submission.ts, then optionally waits for them. When a frame
 * list makes several jobs and one of them is refused, the ones already created are deleted again, so a
 * submission is all or nothing as far as the CLI can make it.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Static } from 'typebox';
import type { JobView } from '../../../api/schemas/jobs.js';
import { CliExit, type CliIO } from '../../io.js';
import { openClient } from '../client-command.js';
import type { ClientOptions } from '../client-options.js';
import { finishWaiting } from '../jobs/job-actions.js';
import { segment } from '../master-client.js';
import { readAllStdin } from '../prompt.js';
import { buildSubmission, taskCountOf, type SubmitFlags } from './submission.js';

type Job = Static<typeof JobView>;

export interface SubmitOptions extends SubmitFlags, ClientOptions {
  parent?: string[];
  dataJson?: string;
  wait?: boolean;
  timeout?: number;
  progress?: boolean;
}

async function readText(io: CliIO, file: string, what: string): Promise<string> {
  if (file === '-') return readAllStdin(io);
  try {
    return readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    throw new CliExit(
      2,
      `cannot read ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

/** A JSON or YAML file holding one object (YAML is a superset of JSON, so one parser reads both). */
async function readObjectFile(io: CliIO, file: string, what: string): Promise<Record<string, unknown>> {
  const text = await readText(io, file, what);
  const { parse } = await import('yaml');
  let value: unknown;
  try {
    value = parse(text);
  } catch (err) {
    throw new CliExit(
      2,
      `${what} ${file} is neither JSON nor YAML: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliExit(2, `${what} ${file} must hold one object (a mapping of field names to values)`);
  }
  return value as Record<string, unknown>;
}

export async function submitJob(io: CliIO, file: string | undefined, options: SubmitOptions): Promise<void> {
  const { client, out } = openClient(io, options);
  const jobFile = file === undefined ? undefined : await readObjectFile(io, file, 'job file');
  const dataJson =
    options.dataJson === undefined ? undefined : await readObjectFile(io, options.dataJson, '--data-json');
  const parentIds: number[] = [];
  for (const parent of options.parent ?? []) {
    parentIds.push(
      /^\d+$/.test(parent) ? Number(parent) : (await client.get<Job>(`/jobs/${segment(parent)}`)).id,
    );
  }
  const bodies = buildSubmission({
    flags: options,
    ...(jobFile ? { file: jobFile } : {}),
    ...(dataJson ? { dataJson } : {}),
    parentIds,
  });

  const created: Job[] = [];
  try {
    for (const body of bodies) created.push(await client.post<Job>('/jobs/', body));
  } catch (err) {
    for (const job of created) await client.delete(`/jobs/${job.id}`).catch(() => undefined);
    throw err;
  }

  if (!out.json || !options.wait) {
    out.print(created.length === 1 ? created[0] : created, () =>
      created
        .map((job, i) => {
          const tasks = taskCountOf(bodies[i]!);
          return `submitted job ${job.id} ${JSON.stringify(job.title)} (${tasks} task${tasks === 1 ? '' : 's'})\n`;
        })
        .join(''),
    );
  }
  if (options.wait) {
    await finishWaiting(
      io,
      client,
      out,
      created.map((job) => job.id),
      options,
    );
  }
}
